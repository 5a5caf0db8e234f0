"""The KoBo/ODK forms built from a country's setup: valid for pyxform, in five languages, with
cascading areas; an export of their submissions imports with no mapping step, and importing
it again changes nothing."""

from __future__ import annotations

import io
import random
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pyxform import xls2xform

from synergy.core.models import AdminArea
from synergy.monitoring import importing, xlsform
from synergy.monitoring.models import Child, Household, NationalPolicy, Visit
from synergy.monitoring.tests import factories as f

FIRST = ["Sita", "Ram", "Pema", "Hari", "Maya", "Bikash", "Anita", "Kiran", "Suman", "Laxmi"]
LAST = ["Gurung", "Tamang", "Lama", "Rai", "Magar", "Thapa", "Shrestha", "Karki"]


def to_xform(content: bytes) -> str:
    return xls2xform.convert(xlsform=io.BytesIO(content), file_type=".xlsx").xform


def kobo_export(
    children: int, *, seed: int = 7, uuids: list[str] | None = None
) -> tuple[bytes, list[dict[str, str]]]:
    """A KoBoToolbox XLSX export of the registration form: households of 1 to 4 children,
    columns named by the form's group paths, the children in the repeat's own sheet."""
    rng = random.Random(seed)
    book = Workbook()
    main = book.active
    main.title = "Synergy registration NP"
    main.append(
        [
            "start",
            "end",
            "synergy_form",
            "visit_date",
            "household/area_l1",
            "household/area_l2",
            "household/area",
            "household/head_name",
            "household/member_count",
            "household/livelihood",
            "household/consent_given",
            "household/consent_by",
            "_id",
            "_uuid",
            "_submission_time",
            "_index",
        ]
    )
    repeat = book.create_sheet("children")
    repeat.append(
        [
            "children/first_name",
            "children/last_name",
            "children/sex",
            "children/date_of_birth",
            "children/age",
            "children/school_status",
            "children/risk_factors",
            "children/work/econ_hours",
            "children/work/chore_hours",
            "children/work/industry_code_pick",
            "children/work/industry_code",
            "children/work/hazards",
            "children/work/night_work",
            "children/work/worst_forms",
            "children/work/attendance_percent",
            "_index",
            "_parent_table_name",
            "_parent_index",
            "_submission__uuid",
        ]
    )
    made: list[dict[str, str]] = []
    household = 0
    while len(made) < children:
        household += 1
        submission = uuids[household - 1] if uuids else str(uuid.UUID(int=rng.getrandbits(128)))
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(300))
        ward = rng.choice(["NP-K1-01", "NP-K1-02"])
        main.append(
            [
                f"{day}T08:00:00",
                f"{day}T08:40:00",
                "registration",
                str(day),
                "NP-K1",
                ward,
                ward,
                f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                rng.randint(2, 9),
                "agri_labour",
                "yes",
                "head",
                9000 + household,
                submission,
                f"{day}T09:10:00",
                household,
            ]
        )
        for _ in range(min(rng.randint(1, 4), children - len(made))):
            hours = rng.choice([0, 6, 20, 45])
            child = {
                "first_name": rng.choice(FIRST),
                "last_name": rng.choice(LAST),
                "sex": rng.choice(["M", "F"]),
                "date_of_birth": str(date(2008 + rng.randrange(12), 1 + rng.randrange(12), 1)),
                "hazards": rng.choice(["", "heavy_loads", "dust_fumes heights"]),
                "econ_hours": str(hours),
            }
            made.append(child)
            repeat.append(
                [
                    child["first_name"],
                    child["last_name"],
                    child["sex"],
                    child["date_of_birth"],
                    "",
                    rng.choice(["attending", "dropped_out"]),
                    rng.choice(["", "sibling_in_child_labour"]),
                    hours,
                    rng.choice([0, 10, 25]),
                    "0810",
                    "0810",
                    child["hazards"],
                    "no",
                    "no",
                    rng.choice(["", 60, 95]),
                    len(made),
                    "Synergy registration NP",
                    household,
                    submission,
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), made


class XlsFormTests(f.MonitoringTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        district = AdminArea.objects.create(
            country=cls.country, code="NP-K1", name="Kiln district", level=1
        )
        for code, name in (("NP-K1-01", "Ward one"), ("NP-K1-02", "Ward two")):
            AdminArea.objects.create(
                country=cls.country, code=code, name=name, level=2, parent=district
            )
        NationalPolicy.objects.update_or_create(
            country=cls.country,
            defaults={"policy": {"hazardous_industries": ["0810", "2394"]}},
        )

    def setUp(self) -> None:
        super().setUp()
        f.use_temporary_media(self)

    def test_the_registration_form_is_valid_with_cascading_areas_in_five_languages(self) -> None:
        content = xlsform.build(self.country, "registration")
        xml = to_xform(content)
        for language in ("English (en)", "French (fr)", "Spanish (es)", "Portuguese (pt)"):
            self.assertIn(f'lang="{language}"', xml)
        self.assertIn('lang="Arabic (ar)"', xml)
        # Level 2 is filtered by the level-1 answer; the deepest answer is the area.
        self.assertRegex(xml, r"instance\('area2'\)/root/item\[parent=\s*/\S+/area_l1\s*\]")
        self.assertIn("NP-K1-02", xml)
        self.assertIn("0810", xml)  # the national hazardous work list
        self.assertIn("sibling_in_child_labour", xml)  # an active risk factor
        book = load_workbook(io.BytesIO(content))
        header = [c.value for c in book["survey"][1]]
        self.assertIn("label::French (fr)", header)
        french = header.index("label::French (fr)")
        labels = {row[1].value: row[french].value for row in book["survey"].iter_rows(min_row=2)}
        self.assertEqual(labels["sex"], "Sexe")
        self.assertEqual(book["settings"]["B2"].value, "synergy_registration_np")

    def test_the_visit_form_is_valid(self) -> None:
        xml = to_xform(xlsform.build(self.country, "visit"))
        self.assertIn("synergy_child", xml)
        self.assertNotIn("first_name", xml)

    def test_the_command_writes_the_form(self) -> None:
        path = Path(self.id().replace(".", "_") + ".xlsx")
        out = io.StringIO()
        try:
            call_command(
                "monitoring", "xlsform", "--country", "np", "--form", "visit",
                "--output", str(path), stdout=out,
            )  # fmt: skip
            self.assertIn("synergy_child", to_xform(path.read_bytes()))
        finally:
            path.unlink(missing_ok=True)

    def test_the_page_offers_the_forms_to_those_who_import(self) -> None:
        self.client.force_login(self.carol)
        page = self.client.get(reverse("monitoring-import-upload"))
        self.assertContains(page, "Registration form (XLSForm)")
        response = self.client.get(reverse("monitoring-import-xlsform", args=["registration"]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("first_name", to_xform(response.content))
        self.client.force_login(self.ana)  # an analyst imports nothing
        self.assertEqual(
            self.client.get(reverse("monitoring-import-xlsform", args=["visit"])).status_code, 403
        )

    def test_a_thousand_children_round_trip_with_no_mapping_step(self) -> None:
        data, made = kobo_export(1000)
        job = importing.job_create(
            actor=self.carol, organisation=self.partner_a, filename="kobo.xlsx", data=data
        )
        self.assertEqual(job.mapping["columns"]["first_name"], "children/first_name")
        self.assertEqual(job.mapping["columns"]["hazards"], "children/work/hazards")
        self.assertIsNotNone(importing.job_check(job, job.mapping), job.errors)
        self.assertEqual(importing.job_execute(str(job.id)), "done")
        job.refresh_from_db()
        self.assertEqual((job.summary["children"], job.summary["visits"]), (1000, 1000))
        households = Household.objects.filter(organisation=self.partner_a).count()
        self.assertEqual(job.summary["households"], households)
        children = list(Child.objects.filter(organisation=self.partner_a))
        self.assertEqual(len(children), 1000)
        # The same children, field by field (names decrypted), as multisets.
        stored = sorted((c.first_name, c.last_name, c.sex, str(c.date_of_birth)) for c in children)
        wanted = sorted(
            (m["first_name"], m["last_name"], m["sex"], m["date_of_birth"]) for m in made
        )
        self.assertEqual(stored, wanted)
        hazards = sorted(" ".join(v.hazards) for v in Visit.objects.filter(child__in=children))
        self.assertEqual(hazards, sorted(m["hazards"] for m in made))
        self.assertTrue(all(c.area and c.area.code.startswith("NP-K1-") for c in children))
        # The same export again: nothing new, everything unchanged.
        again = importing.job_create(
            actor=self.carol, organisation=self.partner_a, filename="kobo.xlsx", data=data
        )
        importing.job_check(again, again.mapping)
        self.assertEqual(importing.job_execute(str(again.id)), "done")
        again.refresh_from_db()
        self.assertEqual(
            (again.summary["children"], again.summary["visits"], again.summary["households"]),
            (0, 0, 0),
        )
        self.assertEqual(again.summary["children_unchanged"], 1000)
        self.assertEqual(Child.objects.filter(organisation=self.partner_a).count(), 1000)

    def test_the_upload_page_skips_the_mapping_for_its_own_forms(self) -> None:
        data, _made = kobo_export(5)
        self.client.force_login(self.carol)
        response = self.client.post(
            reverse("monitoring-import-upload"),
            {"file": SimpleUploadedFile("kobo.xlsx", data), "organisation": self.partner_a.pk},
        )
        self.assertRegex(response["Location"], r"/preview/$")
        self.assertContains(self.client.get(response["Location"]), "Every row is valid.")

    def test_a_visit_form_export_records_visits_of_known_children(self) -> None:
        sita = f.child(self.carol, self.partner_a, first_name="Sita", sex="F")
        stranger = f.child(self.charlie, self.partner_b, first_name="Other", sex="M")
        book = Workbook()
        sheet = book.active
        sheet.append(
            ["synergy_form", "visit_date", "synergy_child", "work/econ_hours", "work/night_work",
             "work/worst_forms", "_uuid"]
        )  # fmt: skip
        sheet.append(["visit", "2025-06-01", sita.public_id.hex[:8], 30, "no", "no", "u-1"])
        buffer = io.BytesIO()
        book.save(buffer)
        job = importing.job_create(
            actor=self.carol, organisation=self.partner_a, filename="v.xlsx", data=buffer.getvalue()
        )
        importing.job_check(job, job.mapping)
        self.assertEqual(importing.job_execute(str(job.id)), "done", job.errors)
        self.assertEqual(Visit.objects.filter(child=sita).count(), 1)
        self.assertEqual(Child.objects.count(), 2)  # no new child
        # Another organisation's child is unknown to this one (nothing said about it).
        sheet.append(["visit", "2025-06-02", str(stranger.public_id), 0, "no", "no", "u-2"])
        buffer = io.BytesIO()
        book.save(buffer)
        job = importing.job_create(
            actor=self.carol, organisation=self.partner_a, filename="v.xlsx", data=buffer.getvalue()
        )
        self.assertIsNone(importing.job_check(job, job.mapping))
        self.assertEqual(
            [(e["line"], e["message"]) for e in job.errors],
            [(3, "no child of yours has this number")],
        )
        self.assertEqual(Visit.objects.filter(child=stranger).count(), 0)

    def test_builtin_mapping_is_only_for_its_own_forms(self) -> None:
        self.assertIsNone(xlsform.builtin_mapping(["child/name_first", "_uuid"]))
        mapping = xlsform.builtin_mapping(["synergy_form", "children/first_name", "visit_date"])
        assert mapping is not None
        self.assertEqual(
            mapping["columns"], {"first_name": "children/first_name", "visit_date": "visit_date"}
        )
        self.assertFalse(re.search("synergy_form", str(mapping["columns"])))

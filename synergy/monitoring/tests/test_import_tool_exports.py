"""KoBoToolbox and ODK Central exports with a repeat group: every sheet read, each child row
joined to its household's submission, and the same export imported twice changes nothing."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from synergy.core.models import AdminArea, AuditEvent
from synergy.core.tabular import TableError
from synergy.monitoring import importing
from synergy.monitoring.importing.exports import flatten, read_export
from synergy.monitoring.models import Child, Household, ImportedRecord, Visit
from synergy.monitoring.tests import factories as f
from synergy.monitoring.tests.tool_exports import (
    ChildAnswer,
    Submission,
    kobo_mapping,
    kobo_xlsx,
    odk_central_zip,
    odk_mapping,
)


def _submissions() -> list[Submission]:
    return [
        Submission(
            "5b1e0c4a-1111-4c1e-9e3a-000000000001",
            "Maya Gurung",
            "NP-K1",
            "2025-03-02",
            "2025-03-02T17:40:11.512+05:45",
            [
                ChildAnswer("Sita", "Gurung", "2", "2011-05-01", "36", "yes"),
                ChildAnswer("Ram", "Gurung", "1", "2014-01-20", "0"),
            ],
        ),
        Submission(
            "5b1e0c4a-2222-4c1e-9e3a-000000000002",
            "Dil Lama",
            "NP-K1",
            "2025-03-04",
            "2025-03-04T09:02:55.000-01:00",
            [ChildAnswer("Pema", "Lama", "2", "2012-09-09", "20")],
        ),
    ]


class ToolExportTests(f.MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        f.use_temporary_media(self)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        AdminArea.objects.create(country=cls.country, code="NP-K1", name="Kiln ward", level=2)

    def _import(self, name: str, data: bytes, mapping: dict[str, object]) -> dict[str, int]:
        job = importing.job_create(
            actor=self.alice, organisation=self.partner_a, filename=name, data=data
        )
        plan = importing.job_check(job, mapping)
        self.assertIsNotNone(plan, job.errors)
        self.assertEqual(importing.job_execute(str(job.id)), "done", job.errors)
        job.refresh_from_db()
        return job.summary

    def _counts(self) -> tuple[int, int, int]:
        return (Household.objects.count(), Child.objects.count(), Visit.objects.count())

    def test_kobo_repeat_rows_join_their_household(self) -> None:
        summary = self._import("export.xlsx", kobo_xlsx(_submissions()), kobo_mapping())
        self.assertEqual((summary["households"], summary["children"], summary["visits"]), (2, 3, 3))
        self.assertEqual(summary["sheet"], "children")
        households = {h.head_name: h for h in Household.objects.all()}
        by_household = {
            h: sorted(c.first_name for c in Child.objects.filter(household=households[h]))
            for h in households
        }
        self.assertEqual(by_household, {"Maya Gurung": ["Ram", "Sita"], "Dil Lama": ["Pema"]})
        girl = next(c for c in Child.objects.all() if c.first_name == "Sita")
        visit = Visit.objects.get(child=girl)
        self.assertEqual(str(visit.visit_date), "2025-03-02")
        self.assertTrue(visit.is_child_labour)

    def test_kobo_export_twice_changes_nothing(self) -> None:
        data = kobo_xlsx(_submissions())
        self._import("export.xlsx", data, kobo_mapping())
        before = self._counts()
        events = AuditEvent.objects.count()
        again = self._import("export.xlsx", data, kobo_mapping())
        self.assertEqual(self._counts(), before)
        self.assertEqual((again["households"], again["children"], again["visits"]), (0, 0, 0))
        self.assertEqual(
            (again["households_unchanged"], again["children_unchanged"], again["visits_unchanged"]),
            (2, 3, 3),
        )
        self.assertEqual((again["households_updated"], again["children_updated"]), (0, 0))
        # Only the import itself is audited the second time: no record was touched.
        self.assertEqual(
            list(AuditEvent.objects.order_by("pk")[events:].values_list("action", flat=True)),
            ["import"],
        )

    def test_odk_central_zip_twice_changes_nothing(self) -> None:
        data = odk_central_zip(_submissions())
        first = self._import("hh_visit.zip", data, odk_mapping())
        self.assertEqual((first["households"], first["children"], first["visits"]), (2, 3, 3))
        # ISO date-times with an offset: the date the device recorded.
        pema = next(c for c in Child.objects.all() if c.first_name == "Pema")
        self.assertEqual(str(Visit.objects.get(child=pema).visit_date), "2025-03-04")
        again = self._import("hh_visit.zip", data, odk_mapping())
        self.assertEqual((again["households"], again["children"], again["visits"]), (0, 0, 0))
        self.assertEqual(again["children_unchanged"], 3)
        self.assertEqual(self._counts(), (2, 3, 3))

    def test_an_edited_submission_updates_its_records(self) -> None:
        self._import("export.xlsx", kobo_xlsx(_submissions()), kobo_mapping())
        edited = _submissions()
        edited[0].head = "Maya Gurung Tamang"
        edited[0].children[1].last = "Gurung Tamang"
        edited[0].children.append(ChildAnswer("Hari", "Gurung", "1", "2016-02-02", "0"))
        edited[1].children[0].hours = "44"  # the visit's answer changed
        summary = self._import("export.xlsx", kobo_xlsx(edited), kobo_mapping())
        self.assertEqual((summary["households_updated"], summary["children_updated"]), (1, 1))
        self.assertEqual((summary["children"], summary["visits"]), (1, 1))
        self.assertEqual(summary["visits_kept"], 1)
        self.assertEqual(self._counts(), (2, 4, 4))
        ram = next(c for c in Child.objects.all() if c.first_name == "Ram")
        self.assertEqual(ram.last_name, "Gurung Tamang")
        assert ram.household_id is not None
        household = Household.objects.get(pk=ram.household_id)
        self.assertEqual(household.head_name, "Maya Gurung Tamang")
        hari = next(c for c in Child.objects.all() if c.first_name == "Hari")
        self.assertEqual(hari.household_id, household.pk)
        pema = next(c for c in Child.objects.all() if c.first_name == "Pema")
        self.assertEqual(Visit.objects.get(child=pema).econ_hours, 20)  # kept as recorded
        self.assertTrue(
            AuditEvent.objects.filter(
                action="update", object_type="monitoring.child", object_id=str(ram.pk)
            ).exists()
        )

    def test_identifiers_are_kept_as_blind_indexes(self) -> None:
        self._import("export.xlsx", kobo_xlsx(_submissions()), kobo_mapping())
        stored = list(ImportedRecord.objects.values_list("kind", "source"))
        self.assertEqual(
            sorted(k for k, _s in stored), ["child"] * 3 + ["household"] * 2 + ["visit"] * 3
        )
        self.assertTrue(all("5b1e0c4a" not in s and len(s) == 64 for _k, s in stored))

    def test_another_organisation_importing_the_export_gets_its_own_records(self) -> None:
        data = kobo_xlsx(_submissions())
        self._import("export.xlsx", data, kobo_mapping())
        job = importing.job_create(
            actor=self.charlie, organisation=self.partner_b, filename="export.xlsx", data=data
        )
        importing.job_check(job, kobo_mapping())
        self.assertEqual(importing.job_execute(str(job.id)), "done", job.errors)
        self.assertEqual(Child.objects.filter(organisation=self.partner_b).count(), 3)

    def test_the_repeat_sheets_link_columns_are_not_offered(self) -> None:
        sheets, columns = read_export(kobo_xlsx(_submissions()), "xlsx")
        self.assertEqual([s.name for s in sheets], ["Household visit", "children"])
        self.assertIn("_uuid", columns)
        self.assertIn("children/name_first", columns)
        self.assertNotIn("_parent_index", columns)
        self.assertNotIn("_submission__uuid", columns)

    def test_a_row_whose_parent_is_missing_is_named(self) -> None:
        subs = _submissions()
        data = odk_central_zip(subs)
        # Drop the second submission's main row: its child points to nothing.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            main = archive.read("hh_visit.csv").decode().splitlines()
            repeat = archive.read("hh_visit-children.csv")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hh_visit.csv", "\n".join(main[:2]) + "\n")
            archive.writestr("hh_visit-children.csv", repeat)
        with self.assertRaises(TableError) as caught:
            read_export(buffer.getvalue(), "zip")
        self.assertIn("line 4", str(caught.exception))
        self.assertIn("hh_visit-children", str(caught.exception))

    def test_a_column_of_an_unlinked_sheet_is_refused(self) -> None:
        sheets, _columns = read_export(kobo_xlsx(_submissions()), "xlsx")
        flat = flatten(sheets, ["group_hh/head_name"])
        self.assertEqual(len(flat.rows), 2)  # one row per submission when no child column
        self.assertEqual(len(flatten(sheets, ["children/name_first"]).rows), 3)

    def test_two_rows_with_one_identifier_are_refused(self) -> None:
        subs = _submissions()
        subs[1].uuid = subs[0].uuid
        # Both submissions have one KEY: their children cannot be told apart.
        with self.assertRaises(TableError) as caught:
            importing.job_create(
                actor=self.alice,
                organisation=self.partner_a,
                filename="x.zip",
                data=odk_central_zip(subs),
            )
        self.assertIn("line 3", str(caught.exception))

    def test_the_pages_say_what_is_unchanged(self) -> None:
        data = kobo_xlsx(_submissions())
        self._import("export.xlsx", data, kobo_mapping())
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("monitoring-import-upload"),
            {"file": SimpleUploadedFile("export.xlsx", data), "organisation": self.partner_a.pk},
        )
        job_id = str(response["Location"]).split("/")[-3]
        job = importing.job_get(job_id)
        assert job is not None
        importing.job_check(job, kobo_mapping())
        page = self.client.get(reverse("monitoring-import-preview", args=[job_id]))
        self.assertContains(page, "unchanged: 2 households, 3 children, 3 visits")
        self.assertContains(page, 'One row per record of the sheet "children"')


def test_dates_as_odk_and_kobo_write_them() -> None:
    from datetime import date

    from synergy.monitoring.importing.plans import _parse_date

    for text in (
        "2025-03-04",
        "2025-03-04T09:02:55.000-01:00",  # ODK Central, with the device's offset
        "2025-03-04T23:59:59+05:45",
        "Mar 4, 2025 9:02:55 AM",  # ODK Briefcase
        "04/03/2025",
    ):
        assert _parse_date(text) == date(2025, 3, 4), text


def test_odk_group_paths_resolve_by_their_last_part() -> None:
    columns = ["SubmissionDate", "hh-head_name", "children-name_first", "meta-instanceID", "KEY"]
    assert importing.resolve_column("name_first", columns) == "children-name_first"
    assert importing.guess_mapping(columns).get("first_name") == "children-name_first"

"""A KoBoToolbox-style export (group prefixes, select_one codes, one row per visit) imported
through the pages: every rule holds (encryption, classification, status, audit)."""

from __future__ import annotations

import io
from datetime import datetime

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from synergy.core.models import AdminArea, AuditEvent
from synergy.monitoring import importing
from synergy.monitoring.models import Child, Household, StatusChange, Visit
from synergy.monitoring.tests import factories as f

HEADER = [
    "_index",
    "group_hh/hh_id",
    "group_hh/head_name",
    "group_hh/village_pcode",
    "group_child/child_id",
    "group_child/name_first",
    "group_child/name_last",
    "group_child/sex",
    "group_child/dob",
    "group_visit/visit_date",
    "group_visit/hours_week",
    "group_visit/hazardous",
    "group_visit/attendance",
]
ROWS = [
    [
        "1",
        "HH-9",
        "Hari Tamang",
        "NP-K1",
        "C-1",
        "Zanele",
        "Tamang",
        "2",
        "2012-04-02",
        "2025-02-01",
        "30",
        "yes",
        "20",
    ],
    [
        "2",
        "HH-9",
        "Hari Tamang",
        "NP-K1",
        "C-1",
        "Zanele",
        "Tamang",
        "2",
        "2012-04-02",
        "2025-08-03",
        "0",
        "no",
        "90",
    ],
    [
        "3",
        "HH-9",
        "Hari Tamang",
        "NP-K1",
        "C-2",
        "Bikash",
        "Tamang",
        "1",
        "2015-09-09",
        "",
        "",
        "",
        "",
    ],
]


def _csv() -> bytes:
    return ("\n".join(",".join(r) for r in [HEADER, *ROWS]) + "\n").encode()


class ImportKoboTests(f.MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        f.use_temporary_media(self)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        AdminArea.objects.create(country=cls.country, code="NP-K1", name="Kiln ward", level=2)

    def _upload(self, name: str, data: bytes) -> str:
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("monitoring-import-upload"),
            {"file": SimpleUploadedFile(name, data), "organisation": self.partner_a.pk},
        )
        self.assertEqual(response.status_code, 302)
        return str(response["Location"]).split("/")[-3]

    def test_it_guesses_the_mapping_from_kobo_names(self) -> None:
        guessed = importing.guess_mapping(HEADER)
        self.assertEqual(guessed["first_name"], "group_child/name_first")
        self.assertEqual(guessed["household_ref"], "group_hh/hh_id")
        self.assertEqual(guessed["date_of_birth"], "group_child/dob")
        self.assertEqual(guessed["econ_hours"], "group_visit/hours_week")

    def test_it_imports_through_every_step(self) -> None:
        job_id = self._upload("export.csv", _csv())
        map_page = self.client.get(reverse("monitoring-import-map", args=[job_id]))
        self.assertContains(map_page, "group_child/name_first")
        form = {f"col_{t}": c for t, c in importing.guess_mapping(HEADER).items()}
        form.update(
            {
                "col_hazardous_conditions": "group_visit/hazardous",
                "col_attendance_percent": "group_visit/attendance",
                "consent_confirmed": "1",
            }
        )
        response = self.client.post(
            reverse("monitoring-import-map", args=[job_id]), form, follow=True
        )
        self.assertContains(response, "Every row is valid.")
        self.assertContains(response, "2 children")
        self.assertContains(response, "2 visits")
        response = self.client.post(
            reverse("monitoring-import-confirm", args=[job_id]), follow=True
        )
        self.assertContains(response, "Imported: 1 households, 2 children, 2 visits.")
        self.assertEqual(Household.objects.count(), 1)
        zanele = Child.objects.select_related("area").get(sex="F")
        self.assertEqual(zanele.first_name, "Zanele")
        self.assertEqual(zanele.area and zanele.area.code, "NP-K1")
        visits = list(Visit.objects.filter(child=zanele).order_by("visit_date"))
        self.assertEqual([v.kind for v in visits], ["identification", "follow_up"])
        self.assertTrue(visits[0].is_child_labour)
        self.assertTrue(visits[0].label)
        self.assertTrue(StatusChange.objects.filter(child=zanele).exists())
        self.assertEqual(
            AuditEvent.objects.filter(action="create", object_type="monitoring.child").count(), 2
        )
        self.assertEqual(AuditEvent.objects.filter(action="import").count(), 1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT first_name FROM monitoring_child")
            stored = [r[0] for r in cursor.fetchall()]
        self.assertTrue(all("Zanele" not in s and "Bikash" not in s for s in stored))
        # The upload itself is not kept once imported.
        job = importing.job_get(job_id)
        assert job is not None
        self.assertEqual((job.status, job.source.name), ("done", ""))
        self.assertFalse(default_storage.exists(f"monitoring/imports/{job_id}/source.enc"))

    def test_it_reads_an_excel_export(self) -> None:
        book = Workbook()
        sheet = book.active
        sheet.append(HEADER)
        for row in ROWS:
            values: list[object] = list(row)
            values[8] = datetime.fromisoformat(row[8])
            sheet.append(values)
        buffer = io.BytesIO()
        book.save(buffer)
        table = importing.read_table(buffer.getvalue(), "xlsx")
        self.assertEqual([line for line, _ in table.rows], [2, 3, 4])
        self.assertEqual(table.rows[0][1]["group_child/dob"], "2012-04-02")

    def test_it_keeps_the_job_from_everyone_else(self) -> None:
        job_id = self._upload("export.csv", _csv())
        self.client.force_login(self.charlie)
        for name in ("monitoring-import-map", "monitoring-import-status"):
            self.assertEqual(self.client.get(reverse(name, args=[job_id])).status_code, 404)
        self.client.force_login(self.ana)  # analyst of partner A: no import at all
        self.assertEqual(self.client.get(reverse("monitoring-import-upload")).status_code, 403)

    def test_it_stores_the_upload_encrypted(self) -> None:
        job_id = self._upload("export.csv", _csv())
        with default_storage.open(f"monitoring/imports/{job_id}/source.enc") as handle:
            stored = handle.read()
        self.assertNotIn(b"Zanele", stored)

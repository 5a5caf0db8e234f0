"""An import with one bad row writes nothing and names the line and the column."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from synergy.core.errors import ImportRowError
from synergy.core.models import AuditEvent
from synergy.monitoring import importing
from synergy.monitoring.models import Child, Household, Visit
from synergy.monitoring.tests import factories as f
from synergy.partners.models import ProjectParticipant

CSV = (
    "hh/id,hh/head,child/name_first,child/name_last,child/sex,child/age,visit/date,work/hours\n"
    "H1,Hari Lama,Sita,Lama,2,11,2025-03-01,10\n"
    "H1,Hari Lama,Ram,Lama,X,13,2025-03-01,abc\n"
    "H2,Maya Rai,Gita,Rai,2,9,2099-01-01,0\n"
)
MAPPING: dict[str, dict[str, Any]] = {
    "columns": {
        "household_ref": "hh/id",
        "head_name": "head",
        "first_name": "name_first",
        "last_name": "name_last",
        "sex": "child/sex",
        "age": "age",
        "visit_date": "visit/date",
        "econ_hours": "hours",
    },
    "values": {"sex": {"1": "M", "2": "F"}},
    "defaults": {"consent_given": True, "consent_by": "head"},
}


VISIT_COLUMNS = ("visit_date", "econ_hours")


class ImportAllOrNothingTests(f.MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        f.use_temporary_media(self)

    def test_it_names_each_bad_line_and_column(self) -> None:
        table = importing.read_table(CSV.encode(), "csv")
        mapping = importing.parse_mapping(MAPPING, table.columns)
        with self.assertRaises(ImportRowError) as caught:
            importing.plan_import(table, mapping, organisation=self.partner_a)
        self.assertEqual(
            [(line, column) for line, column, _ in caught.exception.errors],
            [(3, "child/sex"), (3, "work/hours"), (4, "visit/date")],
        )
        messages = " ".join(m for _, _, m in caught.exception.errors)
        self.assertNotIn("abc", messages)  # never the value itself

    def test_it_writes_nothing_through_the_pages(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("monitoring-import-upload"),
            {
                "file": SimpleUploadedFile("kobo.csv", CSV.encode()),
                "organisation": self.partner_a.pk,
            },
        )
        job_id = response["Location"].split("/")[-3]
        response = self.client.post(
            reverse("monitoring-import-map", args=[job_id]),
            {"mapping_json": __import__("json").dumps(MAPPING)},
            follow=True,
        )
        self.assertContains(response, "3 problems found")
        self.assertContains(response, "<code>child/sex</code>", html=True)
        # Confirming an invalid job does nothing.
        self.client.post(reverse("monitoring-import-confirm", args=[job_id]))
        self.assertEqual(
            (Household.objects.count(), Child.objects.count(), Visit.objects.count()), (0, 0, 0)
        )
        self.assertFalse(AuditEvent.objects.filter(action="create").exists())

    def later_row_refused(self, *, batch: bool) -> None:
        """Planned while partner A took part in the project; it left before the import was
        confirmed, so the rule refuses the later row that enrols a child in it."""
        rows = [
            "hh/id,hh/head,child/name_first,child/name_last,child/sex,child/age,project",
            "H1,Hari Lama,Sita,Lama,2,11,",
            "H2,Maya Rai,Gita,Rai,2,9,P-1",
        ]
        table = importing.read_table("\n".join(rows).encode(), "csv")
        columns = {k: v for k, v in MAPPING["columns"].items() if k not in VISIT_COLUMNS}
        mapping = {**MAPPING, "columns": {**columns, "project": "project"}}
        plan = importing.plan_import(
            table, importing.parse_mapping(mapping, table.columns), organisation=self.partner_a
        )
        ProjectParticipant.objects.filter(
            project=self.project, organisation=self.partner_a
        ).delete()
        with self.assertRaises(ImportRowError) as caught:
            importing.run_import(
                actor=self.alice, organisation=self.partner_a, plan=plan, batch=batch
            )
        self.assertEqual(
            caught.exception.errors,
            [(3, "projects", "Your organisation does not take part in project P-1.")],
        )
        self.assertEqual((Household.objects.count(), Child.objects.count()), (0, 0))
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_rolls_back_when_a_service_refuses_a_later_row(self) -> None:
        self.later_row_refused(batch=False)

    def test_it_rolls_back_when_the_batch_path_refuses_a_later_row(self) -> None:
        self.later_row_refused(batch=True)

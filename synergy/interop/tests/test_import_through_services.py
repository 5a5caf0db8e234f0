"""The HXL import writes the partners' and core's tables through their services: every record
it creates or changes has its own audit event and moves to its next version, as an edit on a
page would; a row that changes nothing writes nothing."""

from __future__ import annotations

from synergy.core.models import AuditEvent, Organisation
from synergy.interop import services
from synergy.interop.tests.factories import InteropTestCase
from synergy.interop.tests.test_hxl_import import HEADER, table
from synergy.partners.models import Activity, Project

ORGANISATIONS = (
    "Name,Type,Country\r\n#org+name,#org+type,#country+code\r\n"
    "Kiln Workers Union,workers,NPL\r\nHill Schools Trust,ngo,NPL\r\n"
)


def events(action: str, model: str) -> list[dict[str, object]]:
    return [
        e.detail for e in AuditEvent.objects.filter(action=action, object_type=model).order_by("pk")
    ]


class ImportThroughServicesTests(InteropTestCase):
    def run_import(self, kind: str, text: str) -> services.ImportSummary:
        return services.import_table(
            actor=self.nina, kind=kind, table=table(text), file_format="csv"
        )

    def test_each_new_organisation_has_its_creation_audited(self) -> None:
        self.run_import("organisations", ORGANISATIONS)
        self.assertEqual(events("create", "core.organisation"), [{"via": "import"}] * 2)
        self.run_import("organisations", ORGANISATIONS)  # the same file: nothing changes
        self.assertEqual(len(events("create", "core.organisation")), 2)
        self.assertEqual(events("update", "core.organisation"), [])

    def test_a_changed_organisation_moves_to_its_next_version_with_the_fields_named(self) -> None:
        self.run_import("organisations", ORGANISATIONS)
        union = Organisation.objects.get(name="Kiln Workers Union")
        self.run_import("organisations", ORGANISATIONS.replace("workers,NPL", "ngo,NPL"))
        union.refresh_from_db()
        self.assertEqual((union.kind, union.version), ("ngo", 2))
        self.assertEqual(
            events("update", "core.organisation"), [{"via": "import", "fields": ["kind"]}]
        )

    def test_an_activity_update_is_audited_against_the_activity(self) -> None:
        row = "Partner B,NPL,capacity,policy,trafficking,transit,2025-04-01,,5,6,NP-P3\r\n"
        self.run_import("activities", HEADER + row)
        self.run_import("activities", HEADER + row.replace(",5,6,", ",9,6,"))
        activity = Activity.objects.get(organisation=self.partner_b)
        updates = AuditEvent.objects.filter(action="update", object_type="partners.activity")
        self.assertEqual([e.object_id for e in updates], [str(activity.pk)])
        self.assertEqual(updates[0].detail, {"via": "import", "fields": ["reached_f_child"]})
        self.assertEqual(updates[0].organisation, self.partner_b)

    def test_a_project_whose_relations_alone_change_moves_to_its_next_version(self) -> None:
        export = services.export_table(actor=self.nina, kind="projects", file_format="csv")
        text = export.content.decode().replace("Fund for Children", "")
        before = Project.objects.get(pk=self.project.pk).version
        summary = self.run_import("projects", text)
        self.assertEqual(summary.updated, 1)
        project = Project.objects.get(pk=self.project.pk)
        self.assertEqual(project.version, before + 1)
        self.assertFalse(project.participants.filter(organisation=self.donor).exists())
        self.assertEqual(
            events("update", "partners.project"), [{"via": "import", "fields": ["updated_at"]}]
        )

"""A project split between two implementing partners, with baselines and achievements, moves
between installations through HXL exactly: the per-partner targets table carries each
partner's row, the project table only the totals."""

from __future__ import annotations

import io

from synergy.core.errors import ImportRowError
from synergy.interop import services
from synergy.interop.tabular import read_table
from synergy.interop.tests.factories import InteropTestCase
from synergy.interop.tests.test_hxl_import import table
from synergy.partners.models import ProjectParticipant, ProjectTarget


def targets_of_project() -> list[tuple[str, str, str, int, int | None, int | None]]:
    return sorted(
        (t.organisation.name, t.kind, t.sex, t.number, t.baseline, t.actual)
        for t in ProjectTarget.objects.select_related("organisation")
    )


class TargetsRoundTripTest(InteropTestCase):
    def setUp(self) -> None:
        ProjectParticipant.objects.create(
            project=self.project, organisation=self.partner_b, role="implementing"
        )
        for kind, sex, number, baseline, actual in (
            ("withdraw", "F", 40, 3, 12),
            ("withdraw", "M", 35, None, 10),
            ("prevent", "F", 90, 5, None),
            ("prevent", "M", 70, None, None),
        ):
            ProjectTarget.objects.create(
                project=self.project,
                organisation=self.partner_b,
                kind=kind,
                sex=sex,
                number=number,
                baseline=baseline,
                actual=actual,
            )
        ProjectTarget.objects.filter(organisation=self.partner_a, kind="withdraw").update(actual=50)

    def import_export(self, kind: str, export: services.ExportFile) -> services.ImportSummary:
        return services.import_table(
            actor=self.root,
            kind=kind,
            table=read_table(io.BytesIO(export.content), export.filename),
            file_format=export.filename.rsplit(".", 1)[1],
        )

    def test_per_partner_targets_baselines_and_achievements_survive(self) -> None:
        before = targets_of_project()
        self.assertEqual(len(before), 8)
        projects = services.export_table(actor=self.root, kind="projects", file_format="csv")
        targets = services.export_table(actor=self.root, kind="targets", file_format="xlsx")
        # Re-importing over the same data changes nothing.
        self.assertEqual(self.import_export("targets", targets).updated, 0)
        # Into an installation without the targets: the project table alone gives totals to
        # one partner (8 rows become 4)…
        ProjectTarget.objects.all().delete()
        self.import_export("projects", projects)
        self.assertEqual(ProjectTarget.objects.count(), 4)
        # …and the targets table puts back every partner's row, exactly.
        summary = self.import_export("targets", targets)
        self.assertEqual(summary.updated, 2)
        self.assertEqual(targets_of_project(), before)
        self.assertEqual(self.import_export("projects", projects).updated, 0)

    def test_bad_rows_are_named_and_nothing_is_written(self) -> None:
        before = targets_of_project()
        text = (
            "Code,Organisation,Girls\r\n"
            "#activity+code,#org+impl+name,#targeted+f+children+withdraw,"
            "#targeted+m+children+withdraw+baseline\r\n"
            "NP-CL-01,Partner B,41,\r\n"
            "NOPE,Partner B,1,\r\n"
            "NP-CL-01,Fund for Children,1,\r\n"
            "NP-CL-01,Partner A,,4\r\n"
        )
        with self.assertRaises(ImportRowError) as caught:
            services.import_table(
                actor=self.root, kind="targets", table=table(text), file_format="csv"
            )
        lines = {(line, tag) for line, tag, _message in caught.exception.errors}
        self.assertEqual(
            lines,
            {
                (4, "#activity+code"),
                (5, "#org+impl+name"),
                (6, "#targeted+m+children+withdraw"),
            },
        )
        self.assertEqual(targets_of_project(), before)

    def test_only_coordinators_of_the_projects_country_change_its_targets(self) -> None:
        text = (
            "Code,Organisation,Girls\r\n"
            "#activity+code,#org+impl+name,#targeted+f+children+withdraw\r\n"
            "NP-CL-01,Partner B,41\r\n"
        )
        with self.assertRaises(ImportRowError):
            services.import_table(
                actor=self.zoe, kind="targets", table=table(text), file_format="csv"
            )
        services.import_table(actor=self.nina, kind="targets", table=table(text), file_format="csv")
        self.assertEqual(
            ProjectTarget.objects.get(organisation=self.partner_b, kind="withdraw", sex="F").number,
            41,
        )

from __future__ import annotations

from datetime import date

from synergy.monitoring.models import Outcome, ProjectEnrolment
from synergy.monitoring.tests import factories as f


class MergeTests(f.MonitoringTestCase):
    def test_it_keeps_one_outcome_per_project_after_a_merge(self) -> None:
        other = f.project("P-2", "Second project", partners=(self.partner_a, self.partner_b))
        survivor = f.child(self.alice, self.partner_a, projects=[self.project])
        duplicate = f.child(
            self.alice, self.partner_a, first_name="Zanelle", projects=[self.project, other]
        )
        f.services.duplicate_dismiss(actor=self.alice, flag=duplicate.duplicate_flags.get())
        for child in (survivor, duplicate):
            f.visit(self.alice, child, "identification", date(2025, 5, 1), **f.HAZARDOUS)
            f.refer_and_accept(self.alice, child, self.pete, self.provider)
            f.visit(self.alice, child, "follow_up", date(2025, 6, 1), **f.CLEAN)
        self.assertEqual(
            Outcome.objects.filter(project=self.project).count(), 2
        )  # dismissed: two children
        f.services.child_merge(actor=self.alice, survivor=survivor, duplicate=duplicate)
        rows = sorted(Outcome.objects.values_list("project__code", "child_id"))
        self.assertEqual(rows, [("P-1", survivor.pk), ("P-2", survivor.pk)])
        self.assertEqual(ProjectEnrolment.objects.filter(child=survivor).count(), 2)
        duplicate.refresh_from_db()
        self.assertEqual(duplicate.merged_into, survivor)
        self.assertNotIn(duplicate, f.selectors_child_list(self.alice))

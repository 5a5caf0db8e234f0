from __future__ import annotations

from datetime import date

from synergy.monitoring.models import Outcome, Status, Track
from synergy.monitoring.tests import factories as f

NOT_WORKING = {"econ_hours": 0, "attendance_percent": 95}


class PreventionTests(f.MonitoringTestCase):
    def test_it_counts_an_at_risk_child_with_education_services_as_prevented(self) -> None:
        child = f.child(
            self.alice,
            self.partner_a,
            risk_factors=["sibling_in_child_labour"],
            projects=[self.project],
        )
        f.visit(self.alice, child, "identification", date(2025, 5, 1), **NOT_WORKING)
        child.refresh_from_db()
        self.assertEqual(child.track, Track.PREVENTION)
        f.refer_and_accept(self.alice, child, self.pete, self.provider, "non_formal_education")
        f.visit(self.alice, child, "verification", date(2025, 6, 1), **NOT_WORKING)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.PREVENTED)
        self.assertEqual(Outcome.objects.get(child=child).kind, "prevented")

    def test_it_needs_an_education_service_to_count_as_prevented(self) -> None:
        child = f.child(self.alice, self.partner_a, risk_factors=["out_of_school"])
        f.visit(self.alice, child, "identification", date(2025, 5, 1), **NOT_WORKING)
        f.refer_and_accept(self.alice, child, self.pete, self.provider, "health")
        f.visit(self.alice, child, "verification", date(2025, 6, 1), **NOT_WORKING)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.RECEIVING_SERVICES)

    def test_it_moves_an_at_risk_child_who_starts_working_to_withdrawal(self) -> None:
        child = f.child(
            self.alice, self.partner_a, risk_factors=["high_risk_area"], projects=[self.project]
        )
        f.visit(self.alice, child, "identification", date(2025, 5, 1), **NOT_WORKING)
        f.refer_and_accept(self.alice, child, self.pete, self.provider)
        f.visit(self.alice, child, "follow_up", date(2025, 6, 1), **f.HAZARDOUS)
        child.refresh_from_db()
        self.assertEqual((child.status, child.track), (Status.RECEIVING_SERVICES, Track.WITHDRAWAL))
        self.assertTrue(child.status_changes.filter(reason="at_risk_started_working").exists())
        # Later cleared: counted as withdrawn, never as prevented.
        f.visit(self.alice, child, "follow_up", date(2025, 8, 1), **f.CLEAN)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.WITHDRAWN)
        self.assertEqual(
            list(Outcome.objects.filter(child=child).values_list("kind", flat=True)), ["withdrawn"]
        )

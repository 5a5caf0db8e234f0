from __future__ import annotations

from datetime import date

from synergy.monitoring.models import Outcome, Status, StatusChange
from synergy.monitoring.tests import factories as f


class RelapseTests(f.MonitoringTestCase):
    def test_it_sends_a_relapsed_child_back_to_services_and_suspends_the_count(self) -> None:
        child = f.child(self.alice, self.partner_a, projects=[self.project])
        f.visit(self.alice, child, "identification", date(2025, 5, 1), **f.HAZARDOUS)
        f.refer_and_accept(self.alice, child, self.pete, self.provider)
        f.visit(self.alice, child, "follow_up", date(2025, 6, 1), **f.CLEAN)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.WITHDRAWN)
        f.visit(self.alice, child, "follow_up", date(2025, 9, 1), **f.HAZARDOUS)
        child.refresh_from_db()
        # The referral is still accepted: back to receiving services, through "relapsed".
        self.assertEqual(child.status, Status.RECEIVING_SERVICES)
        last_two = list(StatusChange.objects.filter(child=child).order_by("-pk")[:2])
        self.assertEqual(
            [(c.from_status, c.to_status, c.reason) for c in reversed(last_two)],
            [
                (Status.WITHDRAWN, Status.RELAPSED, "relapse"),
                (Status.RELAPSED, Status.RECEIVING_SERVICES, "relapse_back_to_services"),
            ],
        )
        outcome = Outcome.objects.get(child=child)
        self.assertEqual(outcome.relapsed_on, date(2025, 9, 1))
        # Verified again: counted again, still once.
        f.visit(self.alice, child, "verification", date(2025, 10, 1), **f.CLEAN)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.WITHDRAWN)
        outcome.refresh_from_db()
        self.assertIsNone(outcome.relapsed_on)
        self.assertEqual(Outcome.objects.filter(child=child).count(), 1)

    def test_it_returns_a_relapsed_child_without_services_to_identified(self) -> None:
        child = f.child(self.alice, self.partner_a)
        f.visit(self.alice, child, "identification", date(2025, 5, 1), **f.HAZARDOUS)
        referral = f.refer_and_accept(self.alice, child, self.pete, self.provider)
        f.visit(self.alice, child, "follow_up", date(2025, 6, 1), **f.CLEAN)
        f.services.service_record(
            actor=self.pete,
            referral=referral,
            start_date=date(2025, 5, 10),
            end_date=date(2025, 7, 1),
            description="Bridging class",
            completed=True,
        )
        f.visit(self.alice, child, "follow_up", date(2025, 12, 1), **f.HAZARDOUS)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.IDENTIFIED)

    def test_it_reopens_a_closed_case_on_relapse(self) -> None:
        child = f.child(self.alice, self.partner_a)
        f.visit(self.alice, child, "identification", date(2024, 5, 1), **f.HAZARDOUS)
        f.refer_and_accept(self.alice, child, self.pete, self.provider)
        f.visit(self.alice, child, "follow_up", date(2024, 6, 1), **f.CLEAN)
        f.visit(self.alice, child, "follow_up", date(2024, 12, 1), **f.CLEAN)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.CLOSED)
        f.visit(self.alice, child, "follow_up", date(2025, 6, 1), **f.HAZARDOUS)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.RECEIVING_SERVICES)

from __future__ import annotations

from datetime import date

from synergy.monitoring.models import Outcome, Status, StatusChange, Track
from synergy.monitoring.tests import factories as f


class WithdrawalTests(f.MonitoringTestCase):
    def test_it_follows_a_child_from_identification_to_closure(self) -> None:
        child = f.child(self.alice, self.partner_a, projects=[self.project])
        v = f.visit(self.alice, child, "identification", date(2025, 11, 1), **f.HAZARDOUS)
        self.assertEqual(v.label, "HAZ")
        self.assertTrue(v.is_child_labour)
        self.assertEqual(v.framework, "icls-sna")
        child.refresh_from_db()
        self.assertEqual((child.status, child.track), (Status.IDENTIFIED, Track.WITHDRAWAL))
        f.refer_and_accept(self.alice, child, self.pete, self.provider)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.RECEIVING_SERVICES)
        f.visit(self.alice, child, "follow_up", date(2025, 12, 1), **f.CLEAN)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.WITHDRAWN)
        self.assertEqual(child.next_followup_on, date(2026, 6, 1))
        outcome = Outcome.objects.get(child=child)
        self.assertEqual(
            (outcome.kind, outcome.project, outcome.sex), ("withdrawn", self.project, "F")
        )
        # Less than six months later: counts for nothing.
        f.visit(self.alice, child, "follow_up", date(2026, 3, 1), **f.CLEAN)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.WITHDRAWN)
        f.visit(self.alice, child, "follow_up", date(2026, 6, 1), **f.CLEAN)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.CLOSED)
        self.assertIsNone(child.next_followup_on)
        reasons = list(StatusChange.objects.filter(child=child).values_list("reason", flat=True))
        self.assertEqual(
            reasons,
            [
                "registered",
                "identified_in_child_labour",
                "referral_sent",
                "referral_accepted",
                "verified_withdrawn",
                "closed_clean_followups",
            ],
        )
        self.assertEqual(Outcome.objects.filter(child=child).count(), 1)

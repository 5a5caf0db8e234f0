from __future__ import annotations

from datetime import date
from decimal import Decimal

from synergy.monitoring.models import Child, Outcome, Status
from synergy.monitoring.tests import factories as f


class AttendanceBoundaryTests(f.MonitoringTestCase):
    def _receiving(self, first_name: str) -> Child:
        child = f.child(self.alice, self.partner_a, first_name=first_name, projects=[self.project])
        f.visit(self.alice, child, "identification", date(2025, 11, 1), **f.HAZARDOUS)
        f.refer_and_accept(self.alice, child, self.pete, self.provider)
        return child

    def test_it_needs_at_least_75_percent_attendance(self) -> None:
        expected = {
            "74.9": Status.RECEIVING_SERVICES,
            "75": Status.WITHDRAWN,
            "75.1": Status.WITHDRAWN,
        }
        for name, (attendance, status) in zip(
            ("Asha", "Bina", "Chandra"), expected.items(), strict=True
        ):
            child = self._receiving(name)
            f.visit(
                self.alice,
                child,
                "follow_up",
                date(2025, 12, 1),
                econ_hours=0,
                attendance_percent=Decimal(attendance),
            )
            child.refresh_from_db()
            self.assertEqual(child.status, status, attendance)
            self.assertEqual(
                Outcome.objects.filter(child=child).exists(), status == Status.WITHDRAWN
            )

    def test_it_uses_the_threshold_of_the_country(self) -> None:
        f.services.national_policy_set(
            actor=self.nina, country=self.country, rule_params={"attendance_threshold": 80}
        )
        child = self._receiving("Deepa")
        f.visit(self.alice, child, "follow_up", date(2025, 12, 1), attendance_percent=Decimal("79"))
        child.refresh_from_db()
        self.assertEqual(child.status, Status.RECEIVING_SERVICES)

from __future__ import annotations

from datetime import date

from synergy.monitoring.models import Child, Status
from synergy.monitoring.tests import factories as f

LIGHT_WORK = {"econ_hours": 10, "attendance_percent": 10}


class PermittedWorkTests(f.MonitoringTestCase):
    def _child(self, born: date) -> Child:
        child = f.child(self.alice, self.partner_a, date_of_birth=born)
        f.visit(self.alice, child, "identification", date(2025, 5, 1), **f.HAZARDOUS)
        f.refer_and_accept(self.alice, child, self.pete, self.provider, "vocational_training")
        return child

    def test_it_accepts_permitted_work_at_or_above_the_minimum_age(self) -> None:
        child = self._child(date(2009, 1, 1))  # 16 at the follow-up
        v = f.visit(self.alice, child, "follow_up", date(2025, 6, 1), **LIGHT_WORK)
        self.assertEqual(v.label, "PW")
        child.refresh_from_db()
        self.assertEqual(child.status, Status.WITHDRAWN)

    def test_it_refuses_permitted_work_below_the_minimum_age_without_school(self) -> None:
        child = self._child(date(2012, 1, 1))  # 13: light work is PW but below 15
        v = f.visit(self.alice, child, "follow_up", date(2025, 6, 1), **LIGHT_WORK)
        self.assertEqual(v.label, "PW")
        child.refresh_from_db()
        self.assertEqual(child.status, Status.RECEIVING_SERVICES)

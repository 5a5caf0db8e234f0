from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied

from synergy.monitoring.tests import factories as f

WORK_13H = {"econ_hours": 13, "attendance_percent": 50}


class NationalPolicyTests(f.MonitoringTestCase):
    def test_it_classifies_visits_under_the_country_policy(self) -> None:
        child = f.child(self.alice, self.partner_a, date_of_birth=date(2013, 1, 1))  # 12 in 2025
        v = f.visit(self.alice, child, "identification", date(2025, 6, 1), **WORK_13H)
        self.assertEqual(
            (v.label, v.framework, v.policy_name), ("PW", "icls-sna", "ILO-UNICEF reference")
        )
        f.services.national_policy_set(
            actor=self.nina,
            country=self.country,
            framework="icls-sna",
            policy={"name": "Nepal 2025", "min_age_light": 13, "min_age_general": 14},
        )
        v = f.visit(self.alice, child, "follow_up", date(2025, 6, 2), **WORK_13H)
        self.assertEqual((v.label, v.policy_name), ("CL", "Nepal 2025"))
        self.assertTrue(any(r.startswith("R4") for r in v.reasons))

    def test_it_lets_only_the_countrys_coordinators_set_the_policy(self) -> None:
        for user in (self.alice, self.zoe):
            with self.assertRaises(PermissionDenied):
                f.services.national_policy_set(actor=user, country=self.country)

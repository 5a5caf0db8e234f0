from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from synergy.monitoring import rules
from synergy.monitoring.models import ProjectRules, Status
from synergy.monitoring.tests import factories as f


class RuleParamsTests(SimpleTestCase):
    def test_it_overrides_defaults_country_then_project(self) -> None:
        params = rules.RuleParams.from_mappings(
            {"attendance_threshold": 80, "clean_followups_to_close": 3},
            {"attendance_threshold": "70"},
        )
        self.assertEqual(params.attendance_threshold, Decimal("70"))
        self.assertEqual(params.clean_followups_to_close, 3)
        self.assertEqual(params.months_between_followups, 6)

    def test_it_refuses_unknown_or_bad_parameters(self) -> None:
        with self.assertRaisesMessage(rules.RuleError, "attendance_treshold"):
            rules.RuleParams.from_mappings({"attendance_treshold": 75})
        with self.assertRaisesMessage(rules.RuleError, "between 0 and 100"):
            rules.RuleParams.from_mappings({"attendance_threshold": 101})
        with self.assertRaises(rules.RuleError):
            rules.RuleParams.from_mappings({"clean_followups_to_close": 0})

    def test_it_counts_clean_followups_six_months_apart(self) -> None:
        chain = rules.clean_chain(
            [(date(2025, 1, 31), True), (date(2025, 7, 30), True), (date(2025, 7, 31), True)], 6
        )
        self.assertEqual(chain, [date(2025, 1, 31), date(2025, 7, 31)])
        self.assertEqual(
            rules.clean_chain([(date(2025, 1, 1), True), (date(2025, 8, 1), False)], 6), []
        )


class ProjectRulesTests(f.MonitoringTestCase):
    def test_it_closes_after_the_project_number_of_clean_followups(self) -> None:
        ProjectRules.objects.create(project=self.project, rules={"clean_followups_to_close": 3})
        child = f.child(self.alice, self.partner_a, projects=[self.project])
        f.visit(self.alice, child, "identification", date(2024, 1, 1), **f.HAZARDOUS)
        f.refer_and_accept(self.alice, child, self.pete, self.provider)
        for day in (date(2024, 2, 1), date(2024, 8, 1)):
            f.visit(self.alice, child, "follow_up", day, **f.CLEAN)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.WITHDRAWN)
        f.visit(self.alice, child, "follow_up", date(2025, 2, 1), **f.CLEAN)
        child.refresh_from_db()
        self.assertEqual(child.status, Status.CLOSED)

    def test_it_refuses_a_bad_national_policy(self) -> None:
        with self.assertRaises(ValidationError):
            f.services.national_policy_set(
                actor=self.nina, country=self.country, policy={"min_age_generl": 14}
            )

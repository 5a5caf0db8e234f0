"""A computed indicator equals the records behind it: the CLMS outcomes (withdrawn by sex and
age group, in the period and scope), the project targets, and a formula of the two."""

from __future__ import annotations

from decimal import Decimal

from synergy.indicators.computed import Scope, clms_breakdown, compute, outcomes_behind
from synergy.indicators.periods import parse_period
from synergy.indicators.tests.personas import IndicatorsCase
from synergy.monitoring.models import Outcome

H1 = parse_period("2025-S1")


class ComputedTests(IndicatorsCase):
    def test_clms_counts_are_the_outcomes_of_the_period_and_scope(self) -> None:
        partner_a = self.of_partner(self.partner_a.pk)
        expected = Outcome.objects.filter(
            kind="withdrawn",
            organisation=self.partner_a,
            relapsed_on__isnull=True,
            achieved_on__range=(H1.start, H1.end),
        ).count()
        self.assertEqual(expected, 2)  # Asha and Bimal (see the scenario)
        self.assertEqual(compute(self.withdrawn, H1, partner_a).value, Decimal(expected))
        self.assertEqual(compute(self.withdrawn, H1, partner_a, {"sex": "F"}).value, 1)
        self.assertEqual(compute(self.withdrawn, H1, partner_a, {"age_group": "5-11"}).value, 1)
        self.assertEqual(
            clms_breakdown(self.withdrawn, H1, partner_a), {("F", "12-14"): 1, ("M", "5-11"): 1}
        )
        # The country adds partner B's child; the half-year before has none.
        self.assertEqual(compute(self.withdrawn, H1, self.national()).value, 3)
        self.assertEqual(compute(self.withdrawn, parse_period("2024-S2"), self.national()).value, 0)

    def test_the_figure_opens_the_children_behind_it(self) -> None:
        behind = outcomes_behind(
            self.withdrawn, H1, self.of_partner(self.partner_a.pk), {"sex": "M"}
        )
        self.assertEqual([o.child_id for o in behind], [self.children["bimal"].pk])

    def test_targets_are_the_project_targets_by_sex(self) -> None:
        self.assertEqual(compute(self.target_withdraw, H1, self.national()).value, 3)
        self.assertEqual(compute(self.target_withdraw, H1, self.national(), {"sex": "F"}).value, 2)
        self.assertEqual(compute(self.target_withdraw, H1, Scope("MG")).value, 0)

    def test_a_formula_computes_from_the_indicators_it_names(self) -> None:
        value = compute(self.rate, H1, self.of_partner(self.partner_a.pk)).value
        self.assertIsNotNone(value)
        assert value is not None
        self.assertEqual(round(value, 2), Decimal("66.67"))  # 2 withdrawn of 3 to withdraw

    def test_a_breakdown_the_records_do_not_have_gives_no_value(self) -> None:
        self.assertIsNone(
            compute(self.withdrawn, H1, self.national(), {"sector": "agriculture"}).value
        )
        self.assertIsNone(
            compute(self.target_withdraw, H1, self.national(), {"age_group": "5-11"}).value
        )

    def test_a_pages_one_query_count_equals_the_figure_by_figure_count(self) -> None:
        from synergy.indicators.computed import clms_by_month_and_sex
        from synergy.indicators.periods import periods_in

        periods = periods_in(2025, "quarter")
        for scope in (self.national(), self.of_partner(self.partner_a.pk)):
            monthly = clms_by_month_and_sex(self.withdrawn, periods, scope)
            assert monthly is not None
            for period in periods:
                for sex in ("F", "M"):
                    quick = sum(
                        n
                        for (m, s), n in monthly.items()
                        if s == sex and period.start <= m <= period.end
                    )
                    self.assertEqual(
                        quick, compute(self.withdrawn, period, scope, {"sex": sex}).value
                    )
        self.assertIsNone(clms_by_month_and_sex(self.withdrawn, periods, Scope("NP", area_id=1)))


class AgeGroupFilterTests(IndicatorsCase):
    def test_each_age_group_counts_what_the_ages_of_its_children_say(self) -> None:
        from synergy.indicators.models import Dimension
        from synergy.monitoring.indicators.targets import with_age_group

        groups = Dimension.objects.get(code="age_group").item_codes()
        for scope in (self.national(), self.of_partner(self.partner_a.pk)):
            everyone = outcomes_behind(self.withdrawn, H1, scope, {})
            ages = [group for _pk, group in with_age_group(everyone).values_list("pk", "age_group")]
            for group in groups:
                self.assertEqual(
                    compute(self.withdrawn, H1, scope, {"age_group": group}).value,
                    ages.count(group),
                    (scope, group),
                )
                behind = outcomes_behind(self.withdrawn, H1, scope, {"age_group": group})
                self.assertEqual(behind.count(), ages.count(group))
            self.assertEqual(sum(ages.count(g) for g in groups), everyone.count())

    def test_the_monthly_tally_counts_what_the_outcomes_say(self) -> None:
        # clms_by_month_and_sex reads the tally the database keeps, not the outcomes.
        from collections import Counter
        from datetime import date

        from synergy.indicators.computed import clms_by_month_and_sex

        periods = [parse_period("2025-S1"), parse_period("2025-S2")]
        for scope in (self.national(), self.of_partner(self.partner_a.pk)):
            expected: Counter[tuple[date, str]] = Counter()
            for period in periods:
                for day, sex in outcomes_behind(self.withdrawn, period, scope, {}).values_list(
                    "achieved_on", "sex"
                ):
                    expected[(date(day.year, day.month, 1), sex)] += 1
            self.assertTrue(expected)
            got = clms_by_month_and_sex(self.withdrawn, periods, scope)
            self.assertEqual({k: v for k, v in (got or {}).items() if v}, dict(expected))

    def test_a_series_by_age_group_gives_each_groups_own_count(self) -> None:
        # series() counts all groups in one grouped query; each must equal its own count.
        from synergy.indicators.models import Dimension
        from synergy.indicators.selectors import series

        groups = Dimension.objects.get(code="age_group").item_codes()
        for scope in (self.national(), self.of_partner(self.partner_a.pk)):
            (row,) = series(self.nina, self.withdrawn, scope, [H1], by="age_group")
            self.assertEqual(row.actual.value, compute(self.withdrawn, H1, scope).value)
            self.assertEqual(list(row.breakdown), list(groups))
            for group in groups:
                self.assertEqual(
                    row.breakdown[group].value,
                    compute(self.withdrawn, H1, scope, {"age_group": group}).value,
                    (scope, group),
                )

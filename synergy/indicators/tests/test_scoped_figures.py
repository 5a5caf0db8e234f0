"""A partner never sees another partner's figures, and small counts of children are
suppressed for roles that may not open the children's records."""

from __future__ import annotations

from decimal import Decimal

from django.test import override_settings

from synergy.indicators import selectors, services
from synergy.indicators.periods import parse_period
from synergy.indicators.services import Figure
from synergy.indicators.tests.personas import IndicatorsCase


class ScopeTests(IndicatorsCase):
    def test_an_organisations_figures_are_hidden_from_the_others(self) -> None:
        scope_a = self.of_partner(self.partner_a.pk)
        services.value_enter(
            actor=self.alice, figure=Figure(self.schools, "actual", "2025", scope_a, {}, Decimal(7))
        )
        seen = {
            u.username: selectors.values_for(u, self.schools, country_id="NP").count()
            for u in (self.alice, self.bob, self.charlie, self.nina)
        }
        self.assertEqual(seen, {"alice": 1, "bob": 1, "charlie": 0, "nina": 1})
        periods = [parse_period("2025")]
        self.assertEqual(selectors.series(self.charlie, self.schools, scope_a, periods), [])
        (row,) = selectors.series(self.alice, self.schools, scope_a, periods)
        self.assertEqual(row.actual.value, 7)


class SmallCellTests(IndicatorsCase):
    @override_settings(SMALL_CELL_MIN=5)
    def test_small_counts_are_suppressed_for_an_analyst_who_may_not_open_records(self) -> None:
        periods = [parse_period("2025-S1")]
        scope = self.national()
        (for_viewer,) = selectors.series(self.ana, self.withdrawn, scope, periods, by="sex")
        self.assertTrue(for_viewer.actual.suppressed)
        self.assertIsNone(for_viewer.actual.value)
        self.assertTrue(all(s.suppressed for s in for_viewer.breakdown.values() if s.value is None))
        (for_coordinator,) = selectors.series(self.nina, self.withdrawn, scope, periods, by="sex")
        self.assertEqual(
            (for_coordinator.actual.value, for_coordinator.breakdown["F"].value), (3, 2)
        )

    @override_settings(SMALL_CELL_MIN=2)
    def test_the_threshold_is_a_setting(self) -> None:
        (row,) = selectors.series(
            self.bob, self.withdrawn, self.national(), [parse_period("2025-S1")]
        )
        self.assertEqual(row.actual.value, 3)

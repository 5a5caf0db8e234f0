"""Disaggregations: parts that do not add up to their total are flagged, and changing an
indicator's dimensions after data exists leaves the old values intact and readable."""

from __future__ import annotations

from decimal import Decimal

from synergy.indicators import selectors, services
from synergy.indicators.services import Figure
from synergy.indicators.tests.personas import IndicatorsCase


class DisaggregationTests(IndicatorsCase):
    def enter(self, value: str, **dis: str) -> None:
        services.value_enter(
            actor=self.nina,
            figure=Figure(self.schools, "actual", "2025", self.national(), dis, Decimal(value)),
        )

    def values(self) -> list[selectors.IndicatorValue]:
        return list(selectors.values_for(self.nina, self.schools, country_id="NP"))

    def test_parts_that_do_not_add_up_are_flagged(self) -> None:
        self.enter("10")
        self.enter("4", sex="F")
        self.assertEqual(selectors.subtotal_mismatches(self.values()), [])  # incomplete, below
        self.enter("5", sex="M")
        (mismatch,) = selectors.subtotal_mismatches(self.values())
        self.assertEqual((mismatch.dimension, mismatch.total, mismatch.parts), ("sex", 10, 9))
        self.enter("6", sex="M")
        self.assertEqual(selectors.subtotal_mismatches(self.values()), [])

    def test_a_part_above_its_total_is_flagged_at_once(self) -> None:
        self.enter("3")
        self.enter("4", sex="F")
        self.assertEqual(len(selectors.subtotal_mismatches(self.values())), 1)

    def test_old_values_stay_readable_when_the_dimensions_change(self) -> None:
        self.enter("10")
        self.enter("4", sex="F")
        self.schools.refresh_from_db()
        services.indicator_update(
            actor=self.nina,
            indicator=self.schools,
            version=self.schools.version,
            dimensions=["area"],
        )
        kept = {(tuple(v.disaggregation.items()), v.value) for v in self.values()}
        self.assertEqual(kept, {((), Decimal(10)), ((("sex", "F"),), Decimal(4))})

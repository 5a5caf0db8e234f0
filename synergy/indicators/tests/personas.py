"""Shared set-up for the indicators tests: the monitoring scenario (whose right answers are
worked out by hand in synergy/monitoring/tests/test_indicators_scenario.py) plus indicators."""

from __future__ import annotations

from decimal import Decimal

from synergy.indicators import services
from synergy.indicators.computed import Scope
from synergy.indicators.models import Indicator
from synergy.monitoring.tests.test_indicators_scenario import ScenarioCase


class IndicatorsCase(ScenarioCase):
    withdrawn: Indicator
    target_withdraw: Indicator
    rate: Indicator
    schools: Indicator

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        define = services.indicator_create
        cls.withdrawn = define(
            actor=cls.root,
            code="clms-withdrawn",
            name="Children withdrawn",
            source="clms",
            measure="withdrawn",
            dimensions=["sex", "age_group"],
        )
        cls.target_withdraw = define(
            actor=cls.root,
            code="targets-withdraw",
            name="Children to withdraw",
            source="targets",
            measure="withdrawn",
            dimensions=["sex"],
        )
        cls.rate = define(
            actor=cls.root,
            code="withdrawn-rate",
            name="Share of the target withdrawn",
            value_type="percentage",
            source="formula",
            formula="100 * clms-withdrawn / targets-withdraw",
        )
        cls.schools = define(
            actor=cls.nina,
            code="np-bridge-schools",
            name="Bridge schools open",
            country=cls.country,
            dimensions=["sex"],
        )

    def national(self) -> Scope:
        return Scope("NP")

    def of_partner(self, organisation_id: int) -> Scope:
        return Scope("NP", organisation_id=organisation_id)

    def enter_two_values(self) -> None:
        """A national target for girls and an actual of partner A, entered by nina: what
        the exchange tests send out and back."""
        from synergy.indicators.services import Figure

        for kind, period, scope, dis, value in (
            ("target", "2026", self.national(), {"sex": "F"}, "7"),
            ("actual", "2025-S2", self.of_partner(self.partner_a.pk), {}, "3"),
        ):
            services.value_enter(
                actor=self.nina,
                figure=Figure(self.schools, kind, period, scope, dis, Decimal(value)),
            )


def d(text: str) -> Decimal:
    return Decimal(text)

"""Values are entered, submitted and approved; an approved value is locked, and a correction
after it is a new version with its reason that keeps the old one as history."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from synergy.core.models import AuditEvent
from synergy.indicators import selectors, services
from synergy.indicators.models import IndicatorValue
from synergy.indicators.services import Figure
from synergy.indicators.tests.personas import IndicatorsCase


class WorkflowTests(IndicatorsCase):
    def figure(self, value: str, **fields: object) -> Figure:
        defaults: dict[str, object] = {
            "indicator": self.schools,
            "kind": "actual",
            "period": "2025-S1",
            "scope": self.of_partner(self.partner_a.pk),
            "disaggregation": {},
            "value": Decimal(value),
        }
        defaults.update(fields)
        return Figure(**defaults)  # type: ignore[arg-type]

    def test_approval_locks_the_period_and_a_correction_keeps_history(self) -> None:
        value = services.value_enter(actor=self.alice, figure=self.figure("4"))
        value = services.value_enter(actor=self.alice, figure=self.figure("5"))  # a draft changes
        self.assertEqual(IndicatorValue.objects.count(), 1)
        services.value_submit(actor=self.alice, value=value)
        with self.assertRaises(PermissionDenied):
            services.value_approve(actor=self.alice, value=value)  # partners do not approve
        self.assertEqual(
            services.period_approve(
                actor=self.nina, indicator=self.schools, period="2025-S1", country_id="NP"
            ),
            1,
        )
        with self.assertRaises(ValidationError) as locked:
            services.value_enter(actor=self.alice, figure=self.figure("6"))
        self.assertEqual(locked.exception.code, "conflict")
        value.refresh_from_db()
        with self.assertRaises(ValidationError):
            services.value_correct(actor=self.alice, value=value, new_value=Decimal(6), reason=" ")
        correction = services.value_correct(
            actor=self.alice,
            value=value,
            new_value=Decimal(6),
            reason="Two schools were counted twice",
        )
        self.assertFalse(correction.current)  # the approved value stands until approval
        services.value_submit(actor=self.alice, value=correction)
        services.value_approve(actor=self.nina, value=correction)
        current = IndicatorValue.objects.get(current=True)
        self.assertEqual((current.value, current.correction), (Decimal(6), 2))
        history = selectors.history_of(current)
        self.assertEqual(
            [(v.value, v.reason) for v in history],
            [(Decimal(5), ""), (Decimal(6), "Two schools were counted twice")],
        )
        self.assertEqual(
            list(
                AuditEvent.objects.filter(object_type="indicators.indicatorvalue")
                .values_list("action", flat=True)
                .order_by("pk")
            ),
            ["create", "update", "submit", "approve", "correct", "submit", "approve"],
        )

    def test_bad_figures_name_their_field(self) -> None:
        cases = {
            "period": self.figure("1", period="2025-H1"),
            "kind": self.figure("1", indicator=self.withdrawn),  # computed
            "disaggregation.age_group": self.figure("1", disaggregation={"age_group": "5-11"}),
            "disaggregation.sex": self.figure("1", disaggregation={"sex": "X"}),
            "value": self.figure("-1"),
        }
        for field, figure in cases.items():
            with self.subTest(field), self.assertRaises(ValidationError) as caught:
                services.value_enter(actor=self.nina, figure=figure)
            self.assertIn(field, caught.exception.message_dict)
        self.assertEqual(IndicatorValue.objects.count(), 0)

    def test_a_partner_enters_only_its_own_figures(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.value_enter(actor=self.charlie, figure=self.figure("3"))
        with self.assertRaises(PermissionDenied):
            services.value_enter(actor=self.alice, figure=self.figure("3", scope=self.national()))
        services.value_enter(actor=self.nina, figure=self.figure("3", scope=self.national()))

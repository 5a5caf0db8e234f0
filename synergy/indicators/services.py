"""Writes of indicators, values and roadmaps. Each function is atomic, checks the actor's
right, validates before writing and leaves an audit event.

A value's life: entered (draft) -> submitted -> approved. An approved value is locked; a
correction is a new row with its reason, which takes the old one's place when it is approved
(the old one stays as history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from synergy.core.audit import audit_record
from synergy.core.models import AdminArea, Organisation, User
from synergy.core.versioning import versioned_update
from synergy.indicators import access
from synergy.indicators.computed import Scope, cell_key
from synergy.indicators.formula import FormulaError, formula_codes
from synergy.indicators.models import (
    Action,
    ActionNote,
    ActionStatus,
    Dimension,
    Indicator,
    IndicatorValue,
    Priority,
    Roadmap,
    Source,
    ValueKind,
    ValueStatus,
    ValueType,
)
from synergy.indicators.periods import PeriodError, parse_period

INDICATOR_FIELDS = (
    "code",
    "name",
    "description",
    "unit",
    "value_type",
    "direction",
    "references",
    "dimensions",
    "source",
    "measure",
    "formula",
    "country",
)


def _conflict(message: str) -> ValidationError:
    """The value's state forbids the change now (the API answers 409)."""
    return ValidationError(message, code="conflict")


def ensure_builtin_dimensions() -> None:
    """The shared dimensions, where a database was emptied after its migrations (the demo
    into a flushed test database, a restore of a partial backup)."""
    from synergy.indicators.dimensions import BUILTIN

    for code, name, is_area, items in BUILTIN:
        Dimension.objects.get_or_create(
            code=code, defaults={"name": name, "is_area": is_area, "items": items}
        )


# Words of the indicators' addresses (/indicators/roadmaps/...), never an indicator's code.
RESERVED_CODES = {"roadmaps", "values", "actions", "reports", "dashboard"}


def _check_indicator(indicator: Indicator) -> None:
    indicator.full_clean()
    if indicator.code in RESERVED_CODES:
        raise ValidationError({"code": [_("This code is reserved; choose another.")]})
    known = set(Dimension.objects.values_list("code", flat=True))
    unknown = [d for d in indicator.dimensions if d not in known]
    if unknown:
        raise ValidationError(
            {"dimensions": [_("Unknown dimension: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    if indicator.source == Source.FORMULA:
        try:
            codes = formula_codes(indicator.formula)
        except FormulaError as exc:
            raise ValidationError({"formula": [str(exc)]}) from None
        missing = set(codes) - set(
            Indicator.objects.filter(code__in=codes).values_list("code", flat=True)
        )
        if missing or indicator.code in codes:
            raise ValidationError(
                {
                    "formula": [
                        _("The formula names no indicator “%(codes)s”.")
                        % {"codes": ", ".join(sorted(missing)) or indicator.code}
                    ]
                }
            )
    elif indicator.formula:
        raise ValidationError({"formula": [_("Only a formula indicator has a formula.")]})
    if indicator.source in (Source.CLMS, Source.TARGETS, Source.SURVEY) and not indicator.measure:
        raise ValidationError({"measure": [_("Choose what the indicator counts.")]})


def _may_define(actor: User, indicator: Indicator) -> None:
    from synergy.core import roles

    if roles.is_system_admin(actor):
        return
    if indicator.country_id and indicator.country_id in roles.coordinated_country_ids(actor):
        return
    raise PermissionDenied(
        "Administrators define shared indicators; national coordinators their country's"
    )


@transaction.atomic
def indicator_create(*, actor: User, **fields: Any) -> Indicator:
    indicator = Indicator(
        created_by=actor, **{k: v for k, v in fields.items() if k in INDICATOR_FIELDS}
    )
    _may_define(actor, indicator)
    _check_indicator(indicator)
    indicator.save()
    audit_record(actor=actor, action="create", obj=indicator)
    return indicator


@transaction.atomic
def indicator_update(
    *, actor: User, indicator: Indicator, version: int, **fields: Any
) -> Indicator:
    """Change a definition. Values already recorded keep their own disaggregation: a
    dimension removed or added later leaves them as they were, readable."""
    _may_define(actor, indicator)
    changed = sorted(
        k for k, v in fields.items() if k in INDICATOR_FIELDS and getattr(indicator, k) != v
    )
    for key in changed:
        setattr(indicator, key, fields[key])
    _may_define(actor, indicator)
    _check_indicator(indicator)
    versioned_update(indicator, version, **{k: getattr(indicator, k) for k in changed})
    audit_record(actor=actor, action="update", obj=indicator, detail={"fields": changed})
    return indicator


@dataclass(frozen=True)
class Figure:
    """What one entered figure says (the grid's cell, an imported row)."""

    indicator: Indicator
    kind: str
    period: str
    scope: Scope
    disaggregation: dict[str, str]
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    comment: str = ""


def clean_figure(actor: User, figure: Figure) -> tuple[dict[str, Any], Decimal]:
    """The fields of the row to write, or ValidationError naming the field at fault."""
    indicator = figure.indicator
    errors: dict[str, list[str]] = {}
    if figure.kind not in ValueKind.values:
        errors["kind"] = [_("Choose baseline, target or actual.")]
    elif figure.kind == ValueKind.ACTUAL and indicator.computed:
        errors["kind"] = [_("The actual values of this indicator are computed, not entered.")]
    try:
        period = parse_period(figure.period)
    except PeriodError as exc:
        errors["period"] = [str(exc)]
        period = None
    scope = figure.scope
    if indicator.country_id and indicator.country_id != scope.country_id:
        errors["country"] = [_("This indicator is not one of this country's.")]
    area = None
    if scope.area_id is not None:
        area = AdminArea.objects.filter(pk=scope.area_id, country_id=scope.country_id).first()
        if area is None:
            errors["area"] = [_("No such area in this country.")]
    if (
        scope.organisation_id is not None
        and not Organisation.objects.filter(pk=scope.organisation_id).exists()
    ):
        errors["organisation"] = [_("No such organisation.")]
    dimensions = {d.code: d for d in Dimension.objects.filter(code__in=list(figure.disaggregation))}
    for code, item in figure.disaggregation.items():
        dimension = dimensions.get(code)
        if dimension is None or code not in indicator.dimensions:
            errors[f"disaggregation.{code}"] = [
                _("This indicator is not broken down by %(code)s.") % {"code": code}
            ]
        elif dimension.is_area:
            if not AdminArea.objects.filter(country_id=scope.country_id, code=item).exists():
                errors[f"disaggregation.{code}"] = [
                    _("No area “%(item)s” in this country.") % {"item": item}
                ]
        elif item not in dimension.item_codes():
            errors[f"disaggregation.{code}"] = [
                _("“%(item)s” is not one of the items of %(code)s.") % {"item": item, "code": code}
            ]
    value = figure.value
    if figure.numerator is not None or figure.denominator is not None:
        if figure.numerator is None or not figure.denominator:
            errors["denominator"] = [_("Give a numerator and a denominator above zero.")]
        else:
            share = figure.numerator / figure.denominator
            value = 100 * share if indicator.value_type == ValueType.PERCENTAGE else share
    if value is None:
        errors.setdefault("value", [_("Enter a value.")])
    elif indicator.value_type == ValueType.PERCENTAGE and not Decimal(0) <= value <= Decimal(100):
        errors["value"] = [_("A percentage lies between 0 and 100.")]
    elif value < 0:
        errors["value"] = [_("A value is not negative.")]
    if not errors and not access.may_enter(
        actor,
        country_id=scope.country_id,
        project_id=scope.project_id,
        organisation_id=scope.organisation_id,
    ):
        raise PermissionDenied("You may not enter values for this scope")
    if errors:
        raise ValidationError(errors)
    assert period is not None and value is not None
    fields = {
        "indicator": indicator,
        "kind": figure.kind,
        "period": period.code,
        "period_start": period.start,
        "period_end": period.end,
        "country_id": scope.country_id,
        "area_id": scope.area_id,
        "project_id": scope.project_id,
        "organisation_id": scope.organisation_id,
        "disaggregation": dict(sorted(figure.disaggregation.items())),
        "cell": cell_key(scope, figure.disaggregation),
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "comment": figure.comment,
    }
    return fields, value.quantize(Decimal("0.0001"))


def current_value(fields: dict[str, Any]) -> IndicatorValue | None:
    return (
        IndicatorValue.objects.select_for_update()
        .filter(
            indicator=fields["indicator"],
            kind=fields["kind"],
            period=fields["period"],
            cell=fields["cell"],
            current=True,
        )
        .first()
    )


@transaction.atomic
def value_enter(*, actor: User, figure: Figure) -> IndicatorValue:
    """Enter (or re-enter) a figure as a draft. An approved figure is locked: correct it."""
    fields, value = clean_figure(actor, figure)
    existing = current_value(fields)
    if existing is not None and existing.status == ValueStatus.APPROVED:
        raise _conflict(_("This value is approved and locked; correct it with a reason."))
    if existing is None:
        row = IndicatorValue.objects.create(value=value, entered_by=actor, **fields)
        audit_record(actor=actor, action="create", obj=row, detail={"cell": row.cell})
        return row
    pending = IndicatorValue.objects.filter(supersedes=existing).first()
    if pending is not None:
        raise _conflict(_("A correction of this value waits for approval."))
    for key in ("numerator", "denominator", "comment"):
        setattr(existing, key, fields[key])
    existing.value = value
    existing.status = ValueStatus.DRAFT
    existing.entered_by = actor
    existing.entered_at = timezone.now()
    existing.save()
    audit_record(actor=actor, action="update", obj=existing, detail={"cell": existing.cell})
    return existing


@transaction.atomic
def value_correct(
    *, actor: User, value: IndicatorValue, new_value: Decimal, reason: str
) -> IndicatorValue:
    """A correction of an approved value: a new draft version with its reason."""
    if value.status != ValueStatus.APPROVED or not value.current:
        raise _conflict(_("Only the approved value is corrected; change a draft directly."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the approved value is corrected.")]})
    if IndicatorValue.objects.filter(supersedes=value).exists():
        raise _conflict(_("A correction of this value waits for approval."))
    figure = Figure(
        indicator=value.indicator,
        kind=value.kind,
        period=value.period,
        scope=Scope(value.country_id, value.area_id, value.project_id, value.organisation_id),
        disaggregation=value.disaggregation,
        value=new_value,
        comment=value.comment,
    )
    fields, cleaned = clean_figure(actor, figure)
    row = IndicatorValue.objects.create(
        value=cleaned,
        entered_by=actor,
        correction=value.correction + 1,
        supersedes=value,
        reason=reason.strip(),
        current=False,
        **fields,
    )
    audit_record(actor=actor, action="correct", obj=row, detail={"supersedes": value.pk})
    return row


@transaction.atomic
def value_submit(*, actor: User, value: IndicatorValue) -> IndicatorValue:
    if not access.may_enter(
        actor,
        country_id=value.country_id,
        project_id=value.project_id,
        organisation_id=value.organisation_id,
    ):
        raise PermissionDenied("You may not submit this value")
    if value.status != ValueStatus.DRAFT:
        raise _conflict(_("Only a draft is submitted."))
    value.status = ValueStatus.SUBMITTED
    value.save(update_fields=["status"])
    audit_record(actor=actor, action="submit", obj=value)
    return value


@transaction.atomic
def value_approve(*, actor: User, value: IndicatorValue) -> IndicatorValue:
    """Approve a submitted value; an approved correction takes the old value's place."""
    if not access.may_approve(actor, value.country_id):
        raise PermissionDenied("Only the national coordinators approve values")
    if value.status != ValueStatus.SUBMITTED:
        raise _conflict(_("Only a submitted value is approved."))
    if value.supersedes_id is not None:
        IndicatorValue.objects.filter(pk=value.supersedes_id).update(current=False)
        value.current = True
    value.status = ValueStatus.APPROVED
    value.approved_by = actor
    value.approved_at = timezone.now()
    value.save(update_fields=["status", "approved_by", "approved_at", "current"])
    audit_record(actor=actor, action="approve", obj=value)
    return value


@transaction.atomic
def period_approve(*, actor: User, indicator: Indicator, period: str, country_id: str) -> int:
    """Approve every submitted value of an indicator's period in a country."""
    submitted = IndicatorValue.objects.filter(
        indicator=indicator, period=period, country_id=country_id, status=ValueStatus.SUBMITTED
    )
    count = 0
    for value in submitted.order_by("pk"):
        value_approve(actor=actor, value=value)
        count += 1
    return count


@transaction.atomic
def action_follow_up(
    *, actor: User, action: Action, version: int, status: str, note: str = ""
) -> Action:
    """Move an action's status and/or add a progress note."""
    if not access.may_follow_action(actor, action):
        raise PermissionDenied("Only the coordinators and the responsible organisations follow it")
    if status not in ActionStatus.values:
        raise ValidationError({"status": [_("Choose a status.")]})
    changed = status != action.status
    if changed:
        versioned_update(action, version, status=status)
    if note.strip():
        ActionNote.objects.create(action=action, text=note.strip(), author=actor)
    audit_record(
        actor=actor,
        action="update",
        obj=action,
        detail={"status": status, "note": bool(note.strip())},
    )
    return action


@transaction.atomic
def action_create(
    *,
    actor: User,
    roadmap: Roadmap,
    title: str,
    due_on: date | None = None,
    priority: Priority | None = None,
    responsible: list[Organisation] | tuple[Organisation, ...] = (),
    indicators: list[Indicator] | tuple[Indicator, ...] = (),
) -> Action:
    """A next step on a country's roadmap (its coordinators add them)."""
    if not access.may_edit_roadmap(actor, roadmap):
        raise PermissionDenied("Only the country's coordinators add actions to its roadmap")
    if priority is not None and priority.roadmap_id != roadmap.pk:
        raise ValidationError({"priority": [_("This priority is not one of this roadmap's.")]})
    action = Action(
        roadmap=roadmap, title=title.strip(), due_on=due_on, priority=priority, created_by=actor
    )
    action.full_clean()
    action.save()
    action.responsible.set(responsible)
    action.indicators.set(indicators)
    audit_record(actor=actor, action="create", obj=action, detail={"country": roadmap.country_id})
    return action

"""Reads of indicators and roadmaps, scoped to the user who asks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from synergy.core import roles
from synergy.core.models import User
from synergy.core.vocab import Sex
from synergy.indicators import access
from synergy.indicators.computed import (
    Computed,
    Scope,
    clms_breakdown,
    clms_by_month_and_sex,
    compute,
)
from synergy.indicators.models import (
    Action,
    ActionStatus,
    Dimension,
    Indicator,
    IndicatorValue,
    Roadmap,
    Source,
    ValueKind,
)
from synergy.indicators.periods import ReportingPeriod


def indicators_for(
    user: User, *, country_id: str | None = None, q: str = ""
) -> QuerySet[Indicator]:
    """Indicators every country shares, and those of ``country_id`` (every one's for an
    administrator who names no country)."""
    qs = Indicator.objects.select_related("country")
    if country_id:
        qs = qs.filter(Q(country__isnull=True) | Q(country_id=country_id))
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs.order_by("code")


def values_for(user: User, indicator: Indicator, *, country_id: str) -> QuerySet[IndicatorValue]:
    """The current values of the indicator in the country that the user may see: every
    organisation's own figures are hidden from other organisations."""
    qs = IndicatorValue.objects.filter(indicator=indicator, country_id=country_id, current=True)
    if not access.may_approve(user, country_id):
        qs = qs.filter(
            Q(organisation__isnull=True)
            | Q(organisation_id__in=roles.member_organisation_ids(user))
        )
    return qs.select_related("area", "project", "organisation").order_by(
        "period_start", "kind", "cell"
    )


def in_scope(qs: QuerySet[IndicatorValue], scope: Scope) -> QuerySet[IndicatorValue]:
    """The values of exactly this scope (not of the areas, projects or partners within it)."""
    for name in ("area", "project", "organisation"):
        value = getattr(scope, f"{name}_id")
        qs = qs.filter(**({f"{name}__isnull": True} if value is None else {f"{name}_id": value}))
    return qs


def history_of(value: IndicatorValue) -> list[IndicatorValue]:
    """Every version of a figure, the first first (corrections name what they supersede)."""
    versions = [value]
    while versions[0].supersedes_id is not None:
        previous = IndicatorValue.objects.get(pk=versions[0].supersedes_id)
        versions.insert(0, previous)
    following = IndicatorValue.objects.filter(supersedes=versions[-1]).first()
    while following is not None:
        versions.append(following)
        following = IndicatorValue.objects.filter(supersedes=following).first()
    return versions


@dataclass(frozen=True)
class Shown:
    """A figure as one user sees it: the number, or that it is too small to show."""

    value: Decimal | None
    suppressed: bool = False
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None


def shown(user: User, indicator: Indicator, computed: Computed, *, public: bool = False) -> Shown:
    """Counts of children below SMALL_CELL_MIN are suppressed for roles without access to
    the children's records (a small count can point at a child), and in ``public`` figures
    whoever reads them."""
    value = computed.value
    counts_children = indicator.source == Source.CLMS
    if (
        counts_children
        and value is not None
        and 0 < value < settings.SMALL_CELL_MIN
        and (public or not access.sees_exact_counts(user))
    ):
        return Shown(None, suppressed=True)
    return Shown(value, False, computed.ci_low, computed.ci_high)


@dataclass
class SeriesRow:
    period: ReportingPeriod
    baseline: Shown
    target: Shown
    actual: Shown
    breakdown: dict[str, Shown] = field(default_factory=dict)


def series(
    user: User,
    indicator: Indicator,
    scope: Scope,
    periods: list[ReportingPeriod],
    *,
    by: str = "",
    public: bool = False,
) -> list[SeriesRow]:
    """Baseline, target and actual for each period; ``by`` adds the actual by one dimension;
    ``public`` suppresses small counts whoever reads them."""
    if scope.organisation_id is not None and not access.may_see_organisation(
        user, scope.organisation_id, scope.country_id
    ):
        return []
    dimension = Dimension.objects.filter(code=by).first() if by else None
    # Children counted by month and sex in one query for every period, where that suffices.
    monthly = clms_by_month_and_sex(indicator, periods, scope) if by in ("", "sex") else None
    rows = []
    for period in periods:
        baseline, target = (
            shown(user, indicator, compute(indicator, period, scope, kind=kind), public=public)
            for kind in (ValueKind.BASELINE, ValueKind.TARGET)
        )
        if monthly is not None:
            in_period = {
                sex: sum(
                    n
                    for (month, s), n in monthly.items()
                    if s == sex and period.start <= month <= period.end
                )
                for sex in Sex.values
            }
            actual = shown(
                user, indicator, Computed(Decimal(sum(in_period.values()))), public=public
            )
            row = SeriesRow(period, baseline, target, actual)
            if by == "sex":
                row.breakdown = {
                    sex: shown(user, indicator, Computed(Decimal(n)), public=public)
                    for sex, n in in_period.items()
                }
            rows.append(row)
            continue
        if by == "age_group" and indicator.source == Source.CLMS:
            # One grouped count per period instead of one count per age group and the total.
            counts = clms_breakdown(indicator, period, scope)
            total = Computed(Decimal(sum(counts.values())))
            row = SeriesRow(period, baseline, target, shown(user, indicator, total, public=public))
            for item in dimension.item_codes() if dimension is not None else []:
                n = sum(count for (_sex, group), count in counts.items() if group == item)
                row.breakdown[item] = shown(user, indicator, Computed(Decimal(n)), public=public)
            rows.append(row)
            continue
        actual = shown(
            user,
            indicator,
            compute(indicator, period, scope, kind=ValueKind.ACTUAL),
            public=public,
        )
        row = SeriesRow(period, baseline, target, actual)
        if dimension is not None and not dimension.is_area:
            for item in dimension.item_codes():
                row.breakdown[item] = shown(
                    user,
                    indicator,
                    compute(indicator, period, scope, {dimension.code: item}),
                    public=public,
                )
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Mismatch:
    kind: str
    period: str
    cell: str
    dimension: str
    total: Decimal
    parts: Decimal


def subtotal_mismatches(values: list[IndicatorValue]) -> list[Mismatch]:
    """Where the parts of a total (one dimension's items) do not add up to it: all items
    given and a different sum, or some given and already more than the total."""
    items = {d.code: set(d.item_codes()) for d in Dimension.objects.filter(is_area=False)}
    totals: dict[tuple[str, str, str], IndicatorValue] = {}
    parts: dict[tuple[str, str, str, str], dict[str, Decimal]] = defaultdict(dict)
    for v in values:
        scope_key = v.cell.split("|")[:4]
        base = (v.kind, v.period, "|".join(scope_key))
        if not v.disaggregation:
            totals[base] = v
        elif len(v.disaggregation) == 1:
            ((dim, item),) = v.disaggregation.items()
            parts[(*base, dim)][item] = v.value
    found = []
    for (kind, period, cell, dim), given in parts.items():
        total = totals.get((kind, period, cell))
        if total is None:
            continue
        summed = sum(given.values(), Decimal(0))
        complete = dim in items and set(given) >= items[dim]
        if (complete and summed != total.value) or summed > total.value:
            found.append(Mismatch(kind, period, cell, dim, total.value, summed))
    return found


def roadmaps() -> QuerySet[Roadmap]:
    return Roadmap.objects.select_related("country").order_by("country__name")


def roadmap_actions(roadmap: Roadmap) -> QuerySet[Action]:
    return (
        roadmap.actions.select_related("priority")
        .prefetch_related("responsible", "indicators", "notes", "cooperation_needs")
        .order_by("due_on", "pk")
    )


def overdue_actions(*, country_id: str | None = None) -> QuerySet[Action]:
    qs = Action.objects.filter(
        status__in=(ActionStatus.PLANNED, ActionStatus.UNDER_WAY),
        due_on__lt=timezone.localdate(),
    ).select_related("roadmap__country")
    if country_id:
        qs = qs.filter(roadmap__country_id=country_id)
    return qs.order_by("due_on", "pk")

"""The values of computed indicators, from the records behind them: CLMS outcomes, project
targets, survey estimates, and formulas of other indicators. Aggregates only; the records
behind a CLMS figure are listed by ``outcomes_behind`` for those allowed to see them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from synergy.indicators.formula import evaluate, formula_codes
from synergy.indicators.models import Indicator, IndicatorValue, Measure, Source, ValueKind
from synergy.indicators.periods import ReportingPeriod
from synergy.monitoring.indicators.periods import Scope as ClmsScope
from synergy.monitoring.indicators.targets import counted_outcomes, with_age_group
from synergy.monitoring.models import Outcome
from synergy.partners.models import ProjectTarget
from synergy.partners.selectors import country_areas, descendant_ids

# Outcome.kind of each CLMS measure, and ProjectTarget.kind of each target measure.
OUTCOME_KIND = {Measure.WITHDRAWN.value: "withdrawn", Measure.PREVENTED.value: "prevented"}
TARGET_KIND = {Measure.WITHDRAWN.value: "withdraw", Measure.PREVENTED.value: "prevent"}
# A formula may name a formula, but not without end (nor itself).
MAX_FORMULA_DEPTH = 5


@dataclass(frozen=True)
class Scope:
    """Where a value applies: a country, and within it an area, a project or an organisation."""

    country_id: str
    area_id: int | None = None
    project_id: int | None = None
    organisation_id: int | None = None


def cell_key(scope: Scope, disaggregation: dict[str, str]) -> str:
    """The name of a figure within its indicator, kind and period: scope and breakdown."""
    parts = [
        f"c={scope.country_id}",
        f"a={scope.area_id or ''}",
        f"p={scope.project_id or ''}",
        f"o={scope.organisation_id or ''}",
    ]
    parts += [f"{k}={disaggregation[k]}" for k in sorted(disaggregation)]
    return "|".join(parts)


@dataclass(frozen=True)
class Computed:
    value: Decimal | None
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None


def outcomes_behind(
    indicator: Indicator, period: ReportingPeriod, scope: Scope, disaggregation: dict[str, str]
) -> QuerySet[Outcome]:
    """The CLMS outcomes a CLMS figure counts (one per child and project)."""
    kind = OUTCOME_KIND.get(indicator.measure)
    if indicator.source != Source.CLMS or kind is None:
        return Outcome.objects.none()
    qs = counted_outcomes(
        ClmsScope(scope.country_id, scope.organisation_id, scope.project_id)
    ).filter(kind=kind, achieved_on__gte=period.start, achieved_on__lte=period.end)
    if scope.area_id:
        areas = descendant_ids(country_areas(scope.country_id), scope.area_id)
        qs = qs.filter(child__area_id__in=areas)
    if "sex" in disaggregation:
        qs = qs.filter(sex=disaggregation["sex"])
    if "age_group" in disaggregation:
        # Filtered by the database: reading every outcome's age group into Python to keep one
        # group's keys was the slow part of an age-group breakdown (a country's outcomes read
        # once per group and period).
        qs = with_age_group(qs).filter(age_group=disaggregation["age_group"])
    return qs


def clms_breakdown(
    indicator: Indicator, period: ReportingPeriod, scope: Scope
) -> dict[tuple[str, str], int]:
    """(sex, age group) -> children, in one query: the figures of a dashboard."""
    qs = outcomes_behind(indicator, period, scope, {})
    rows = with_age_group(qs).values("sex", "age_group").annotate(n=Count("pk")).order_by()
    return {(r["sex"], r["age_group"]): r["n"] for r in rows}


def clms_by_month_and_sex(
    indicator: Indicator, periods: list[ReportingPeriod], scope: Scope
) -> dict[tuple[date, str], int] | None:
    """(first day of the month, sex) -> children, over all ``periods`` in one or two queries:
    what a page of several periods needs. The country is the counting organisation's (no
    child read), plus, only where organisations without a country exist, their children in
    the country, as the CLMS reports count. None where this shortcut does not apply (an area
    scope needs the children's areas)."""
    from synergy.core.models import Organisation

    kind = OUTCOME_KIND.get(indicator.measure)
    if indicator.source != Source.CLMS or kind is None or scope.area_id or not periods:
        return None
    from synergy.monitoring.models import OutcomeMonth

    counts: dict[tuple[date, str], int] = defaultdict(int)
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    # The counting organisations' outcomes from the monthly tally the database keeps (a few
    # thousand rows instead of every outcome of the country); periods start on a month.
    tallied = OutcomeMonth.objects.filter(kind=kind, month__gte=first, month__lte=last)
    if scope.country_id:
        country_orgs = Organisation.objects.filter(country_id=scope.country_id)
        tallied = tallied.filter(organisation__in=country_orgs.values("pk"))
    if scope.organisation_id:
        tallied = tallied.filter(organisation=scope.organisation_id)
    if scope.project_id:
        tallied = tallied.filter(project=scope.project_id)
    for row in tallied.values("month", "sex").annotate(total=Sum("n")).order_by():
        counts[(row["month"], row["sex"])] += int(row["total"] or 0)
    if Organisation.objects.filter(country__isnull=True).exists():
        # Organisations without a country: their children in the country, from the outcomes.
        clms = ClmsScope(scope.country_id, scope.organisation_id, scope.project_id)
        rows = (
            counted_outcomes(clms, country_of="stateless")
            .filter(kind=kind, achieved_on__gte=first, achieved_on__lte=last)
            .values("achieved_on", "sex")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            day = row["achieved_on"]
            counts[(date(day.year, day.month, 1), row["sex"])] += row["n"]
    return dict(counts)


def _clms(
    indicator: Indicator, period: ReportingPeriod, scope: Scope, dis: dict[str, str]
) -> Computed:
    if set(dis) - {"sex", "age_group"}:
        return Computed(None)  # the CLMS has no such breakdown
    return Computed(Decimal(outcomes_behind(indicator, period, scope, dis).count()))


def _targets(
    indicator: Indicator, period: ReportingPeriod, scope: Scope, dis: dict[str, str]
) -> Computed:
    """The targets of the projects under way in the period (a target is for a whole
    project), by sex; projects have no target per area."""
    kind = TARGET_KIND.get(indicator.measure)
    if kind is None or set(dis) - {"sex"} or scope.area_id:
        return Computed(None)
    qs = ProjectTarget.objects.filter(kind=kind, project__countries=scope.country_id).filter(
        Q(project__start_date__isnull=True) | Q(project__start_date__lte=period.end),
        Q(project__end_date__isnull=True) | Q(project__end_date__gte=period.start),
    )
    if scope.project_id:
        qs = qs.filter(project_id=scope.project_id)
    if scope.organisation_id:
        qs = qs.filter(organisation_id=scope.organisation_id)
    if "sex" in dis:
        qs = qs.filter(sex=dis["sex"])
    return Computed(Decimal(qs.aggregate(n=Sum("number"))["n"] or 0))


def _percent(share: float) -> Decimal:
    return Decimal(str(round(100 * share, 2)))


def _survey(
    indicator: Indicator, period: ReportingPeriod, scope: Scope, dis: dict[str, str]
) -> Computed:
    """SDG 8.7.1 from the latest ready survey of the country dated in the period."""
    from synergy.surveys.models import DatasetStatus, SurveyDataset
    from synergy.surveys.services import dataset_table

    national = not (scope.area_id or scope.project_id or scope.organisation_id)
    if indicator.measure != Measure.CHILD_LABOUR_RATE or not national:
        return Computed(None)
    if set(dis) - {"sex", "age_group"}:
        return Computed(None)
    dataset = (
        SurveyDataset.objects.filter(
            country_id=scope.country_id,
            status=DatasetStatus.READY,
            year__gte=period.start.year,
            year__lte=period.end.year,
        )
        .order_by("-year", "-pk")
        .first()
    )
    if dataset is None:
        return Computed(None)
    wanted = {"sex": dis.get("sex", "_T"), "age_group": dis.get("age_group", "5-17")}
    for row in dataset_table(dataset=dataset).rows:
        if all(row.domain.get(k) == v for k, v in wanted.items()):
            stat = row.child_labour
            return Computed(_percent(stat.estimate), _percent(stat.ci_low), _percent(stat.ci_high))
    return Computed(None)


def entered_value(
    code: str, kind: str, period: ReportingPeriod, scope: Scope, dis: dict[str, str]
) -> Decimal | None:
    """The current value entered for one figure (approved or not)."""
    return (
        IndicatorValue.objects.filter(
            indicator__code=code,
            kind=kind,
            period=period.code,
            current=True,
            cell=cell_key(scope, dis),
        )
        .values_list("value", flat=True)
        .first()
    )


def compute(
    indicator: Indicator,
    period: ReportingPeriod,
    scope: Scope,
    disaggregation: dict[str, str] | None = None,
    *,
    kind: str = ValueKind.ACTUAL,
    depth: int = 0,
) -> Computed:
    """The indicator's value for the period, scope and disaggregation: computed from the
    records for a computed indicator's actual, the current entered value otherwise."""
    dis = dict(disaggregation or {})
    if depth > MAX_FORMULA_DEPTH:
        return Computed(None)
    if kind == ValueKind.ACTUAL:
        if indicator.source == Source.CLMS:
            return _clms(indicator, period, scope, dis)
        if indicator.source == Source.TARGETS:
            return _targets(indicator, period, scope, dis)
        if indicator.source == Source.SURVEY:
            return _survey(indicator, period, scope, dis)
        if indicator.source == Source.FORMULA:
            codes = formula_codes(indicator.formula)
            others = {i.code: i for i in Indicator.objects.filter(code__in=codes)}

            def value_of(code: str) -> Decimal | None:
                other = others.get(code)
                if other is None:
                    return None
                return compute(other, period, scope, dis, kind=kind, depth=depth + 1).value

            return Computed(evaluate(indicator.formula, value_of))
    return Computed(entered_value(indicator.code, kind, period, scope, dis))

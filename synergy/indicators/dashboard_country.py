"""A country's dashboard: SDG 8.7.1 from the latest survey, children withdrawn and prevented
against the partners' targets by half-year and by sex, the roadmap's progress and overdue
actions, the coming events and the open commitments. Every figure is as the reader may see it
(``selectors.series``: small cells suppressed, an organisation's figures its own)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from synergy.core.models import User
from synergy.indicators import selectors
from synergy.indicators.computed import Scope, compute
from synergy.indicators.models import ActionStatus, Indicator, Roadmap
from synergy.indicators.periods import parse_period, periods_in

# (achieved, target) indicator codes of the two headline counts.
HEADLINES = (("clms-withdrawn", "targets-withdraw"), ("clms-prevented", "targets-prevent"))


@dataclass
class CountryDashboard:
    country_id: str
    prevalence: selectors.Shown | None = None
    prevalence_year: int | None = None
    headlines: list[dict[str, Any]] = field(default_factory=list)
    chart: dict[str, Any] = field(default_factory=dict)
    actions_done: int = 0
    actions_total: int = 0
    overdue: list[Any] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    open_commitments: int = 0
    coverage: dict[str, Any] = field(default_factory=dict)


def coverage_summary(country_id: str) -> dict[str, Any]:
    """Who does what where, in brief: the top-level areas with at least one organisation
    active, the gaps (areas with none), and the empty cells of the intervention × migration
    stage matrix (a kind of work nobody does at some stage)."""
    from synergy.partners import selectors as partners

    areas = partners.country_areas(country_id)
    filters = partners.ActivityFilters()
    # The matrix page's cache of grouped counts, under the activities' state token.
    token = partners.activity_state_token()
    covered, nationwide = partners.area_coverage(
        country=country_id, filters=filters, areas=areas, token=token
    )
    tables = partners.coverage_matrix(country=country_id, filters=filters, areas=areas, token=token)
    cells = [c for t in tables for r in t.rows for c in r.cells]
    gaps = [c.area for c in covered if c.organisations == 0]
    from synergy.partners.maps import coverage_map

    return {
        "map": coverage_map(covered),
        "areas_total": len(covered),
        "areas_covered": len(covered) - len(gaps),
        "gaps": gaps[:8],
        "more_gaps": max(0, len(gaps) - 8),
        "nationwide": nationwide,
        "cells_total": len(cells),
        "cells_empty": sum(1 for c in cells if c.total == 0),
    }


def country_dashboard(
    user: User, country_id: str, *, organisation_id: int | None = None, public: bool = False
) -> CountryDashboard:
    """The country's dashboard, or with ``organisation_id`` one organisation's: its children
    withdrawn and prevented against its own targets, beside the country's context (8.7.1,
    roadmap, who does what where). ``public``: the aggregates anyone may see (small counts of
    children suppressed whatever the reader's role)."""
    from synergy.knowledge.models import Event, FollowUpStatus
    from synergy.knowledge.models import Outcome as Commitment
    from synergy.surveys.models import DatasetStatus, SurveyDataset

    board = CountryDashboard(country_id)
    board.coverage = coverage_summary(country_id)
    scope = Scope(country_id, organisation_id=organisation_id)
    today = timezone.localdate()
    codes = {i.code: i for i in Indicator.objects.filter(code__in=["sdg-871", *sum(HEADLINES, ())])}
    survey_year = (
        SurveyDataset.objects.filter(country_id=country_id, status=DatasetStatus.READY)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if "sdg-871" in codes and survey_year:
        figure = compute(codes["sdg-871"], parse_period(str(survey_year)), scope)
        board.prevalence = selectors.shown(user, codes["sdg-871"], figure, public=public)
        board.prevalence_year = survey_year
    periods = [
        p
        for year in (today.year - 2, today.year - 1, today.year)
        for p in periods_in(year, "half-year")
    ]
    board.chart = {"title": "", "labels": [p.code for p in periods], "series": []}
    for achieved_code, target_code in HEADLINES:
        achieved, target = codes.get(achieved_code), codes.get(target_code)
        if achieved is None:
            continue
        rows = selectors.series(user, achieved, scope, periods, by="sex", public=public)
        targets = (
            [
                selectors.shown(user, target, compute(target, p, scope), public=public)
                for p in periods
            ]
            if target is not None
            else [selectors.Shown(None)] * len(periods)
        )
        this_year = [r for r in rows if r.period.start.year == today.year]
        # The current half-year by age group too (small cells suppressed as everywhere).
        by_age = selectors.series(
            user, achieved, scope, periods[-1:], by="age_group", public=public
        )
        board.headlines.append(
            {
                "indicator": achieved,
                "latest": rows[-1].actual if rows else selectors.Shown(None),
                "by_sex": this_year[-1].breakdown if this_year else {},
                "by_age": by_age[0].breakdown if by_age else {},
                "target": targets[-1],
            }
        )
        board.chart["series"].append(
            {"label": achieved.name, "values": [_number(r.actual) for r in rows], "type": "bar"}
        )
        board.chart["series"].append(
            {
                "label": target.name if target else "",
                "values": [_number(t) for t in targets],
                "type": "line",
            }
        )
    roadmap = Roadmap.objects.filter(country_id=country_id).first()
    if roadmap is not None:
        statuses = list(roadmap.actions.values_list("status", flat=True))
        board.actions_total = len(statuses)
        board.actions_done = statuses.count(ActionStatus.DONE)
        board.overdue = list(selectors.overdue_actions(country_id=country_id)[:5])
    board.events = list(
        Event.objects.filter(country_id=country_id, start_date__gte=today).order_by("start_date")[
            :5
        ]
    )
    board.open_commitments = Commitment.objects.filter(
        status__in=(FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS)
    ).count()
    return board


def _number(shown: selectors.Shown) -> float | None:
    return float(shown.value) if shown.value is not None else None

"""The children behind a figure (see the package's docstring for the definitions)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import (
    QuerySet,
)
from django.utils import timezone

from synergy.core import roles
from synergy.core.models import User
from synergy.monitoring.indicators.periods import AGE_GROUPS, OTHER_AGE, Period, Scope
from synergy.monitoring.indicators.shares import follow_up_ids, supported_q
from synergy.monitoring.indicators.targets import counted_outcomes
from synergy.monitoring.indicators.usdol import usdol_indicators
from synergy.monitoring.models import (
    Child,
    Outcome,
)


def may_list_children(user: User) -> bool:
    """Analysts (and service providers) see figures only, never the list behind them."""
    from synergy.monitoring.selectors import record_organisation_ids

    return (
        roles.is_system_admin(user)
        or bool(roles.coordinated_country_ids(user))
        or bool(record_organisation_ids(user))
    )


def children_behind(
    *, user: User, scope: Scope, key: str, period: Period | None = None
) -> QuerySet[Child]:
    """The children counted in figure ``key`` that ``user`` may see (empty for analysts).

    Keys: ``outcome:<project>:<organisation>:<kind>:<sex or *>:<age group or *>``, the USDOL
    figure keys (E1, E1:<type>, L1, POC1-4, POH1-4:<intake|end>), SUPPORTED, NO_LONGER_CL."""
    from synergy.monitoring.selectors import children_for

    visible = children_for(user)
    if not may_list_children(user):
        return visible.none()
    if key.startswith("outcome:"):
        parts = key.split(":")
        if len(parts) != 6:
            return visible.none()
        _prefix, project, organisation, kind, sex, group = parts
        outcomes = counted_outcomes(Scope(scope.country_id, scope.organisation_id, None)).filter(
            project_id=int(project) if project.isdigit() else 0,
            organisation_id=int(organisation) if organisation.isdigit() else 0,
            kind=kind,
        )
        if sex != "*":
            outcomes = outcomes.filter(sex=sex)
        ids = outcomes.values_list("child_id", flat=True)
        qs = visible.filter(pk__in=ids)
        if group != "*":
            wanted = {pk for pk, g in _age_groups_of(outcomes) if g == group}
            qs = qs.filter(pk__in=wanted)
        return qs
    if key == "SUPPORTED":
        return visible.filter(pk__in=scope.children().filter(supported_q()).values("pk"))
    if key == "NO_LONGER_CL":
        return visible.filter(pk__in=follow_up_ids(scope)[1])
    result = usdol_indicators(scope, period or Period.half_year(timezone.localdate()))
    return visible.filter(pk__in=result.members.get(key, set()))


def _age_groups_of(outcomes: QuerySet[Outcome]) -> Iterable[tuple[int, str]]:
    for child_id, achieved, born in outcomes.values_list(
        "child_id", "achieved_on", "child__date_of_birth"
    ):
        yield child_id, age_group_of(born, achieved)


def age_group_of(born: date | None, on: date) -> str:
    if born is None:
        return OTHER_AGE
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for label, lo, hi in AGE_GROUPS:
        if lo <= age <= hi:
            return label
    return OTHER_AGE

"""Who may see and write which figures and roadmaps.

- Values of an organisation's scope are that organisation's: its members, the national
  coordinators of the country and administrators see them; nobody else (404).
- Values of a country, area or project scope are the partnership's aggregates: every signed-in
  member sees them, with small cells suppressed for roles without access to children's records.
- A partner manager enters its organisation's values and those of projects it leads or
  implements; national coordinators enter any value of their country and alone approve.
- A roadmap is read by every signed-in member; its coordinators edit it; an action's
  responsible organisations' managers add progress notes and move its status.
"""

from __future__ import annotations

from django.http import Http404

from synergy.core import roles
from synergy.core.models import User
from synergy.indicators.models import Action, Indicator, IndicatorValue, Roadmap
from synergy.partners.models import ParticipantRole, ProjectParticipant


def sees_exact_counts(user: User) -> bool:
    """Whether small counts of children are shown as they are (roles that may open the
    children's records behind them); others see them suppressed."""
    from synergy.monitoring.indicators import may_list_children

    return may_list_children(user)


def may_approve(user: User, country_id: str) -> bool:
    return roles.is_system_admin(user) or country_id in roles.coordinated_country_ids(user)


def may_enter(
    user: User, *, country_id: str, project_id: int | None, organisation_id: int | None
) -> bool:
    if may_approve(user, country_id):
        return True
    managed = roles.managed_organisation_ids(user)
    if organisation_id is not None:
        return organisation_id in managed
    if project_id is not None:
        return ProjectParticipant.objects.filter(
            project_id=project_id,
            organisation_id__in=managed,
            role__in=(ParticipantRole.LEAD, ParticipantRole.IMPLEMENTING),
        ).exists()
    return False


def may_see_organisation(user: User, organisation_id: int, country_id: str) -> bool:
    return may_approve(user, country_id) or organisation_id in roles.member_organisation_ids(user)


def may_see_value(user: User, value: IndicatorValue) -> bool:
    if value.organisation_id is None:
        return True
    return may_see_organisation(user, value.organisation_id, value.country_id)


def access_indicator(user: User, code: str) -> Indicator:
    indicator = Indicator.objects.filter(code=code).select_related("country").first()
    if indicator is None:
        raise Http404("No such indicator")
    return indicator


def access_value(user: User, value_id: int) -> IndicatorValue:
    value = IndicatorValue.objects.select_related("indicator").filter(pk=value_id).first()
    if value is None or not may_see_value(user, value):
        raise Http404("No such value")
    return value


def access_roadmap(user: User, country_id: str) -> Roadmap:
    roadmap = (
        Roadmap.objects.filter(country_id=country_id.upper()).select_related("country").first()
    )
    if roadmap is None:
        raise Http404("No such roadmap")
    return roadmap


def may_edit_roadmap(user: User, roadmap: Roadmap) -> bool:
    return may_approve(user, roadmap.country_id)


def may_follow_action(user: User, action: Action) -> bool:
    """Coordinators of the country, and managers of a responsible organisation."""
    if may_approve(user, action.roadmap.country_id):
        return True
    managed = roles.managed_organisation_ids(user)
    return action.responsible.filter(pk__in=managed).exists()

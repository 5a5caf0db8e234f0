"""Home dashboard figures for steering: overdue roadmap actions, and values waiting for the
coordinator's approval (in the countries the user coordinates)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from synergy.core import roles
from synergy.core.dashboard import Card, Section
from synergy.core.models import Role, User
from synergy.indicators.models import IndicatorValue, ValueStatus
from synergy.indicators.selectors import overdue_actions


def cards(user: User) -> list[Card]:
    group = _("Indicators and roadmaps")
    out = [
        Card(
            _("Overdue roadmap actions"),
            overdue_actions().count(),
            reverse("indicators-roadmaps"),
            group,
        )
    ]
    countries = roles.coordinated_country_ids(user)
    if countries or roles.is_system_admin(user):
        waiting = IndicatorValue.objects.filter(status=ValueStatus.SUBMITTED)
        if not roles.is_system_admin(user):
            waiting = waiting.filter(country_id__in=countries)
        out.append(
            Card(
                _("Values waiting for approval"), waiting.count(), reverse("indicators-list"), group
            )
        )
    return out


PUBLIC_ROLES = (Role.VIEWER, Role.ANALYST, Role.SERVICE_PROVIDER)


def home_section(user: User) -> Section | None:
    """The home page opens on a dashboard: a national coordinator's is its (first) country's;
    a partner manager's is its organisation's (its own children against its own targets); any
    other member's is its country's, as that role may see it (small counts suppressed for
    roles without access to children's records)."""
    from synergy.core.models import Country, Organisation
    from synergy.indicators.dashboard_country import country_dashboard

    countries = sorted(roles.coordinated_country_ids(user))
    organisation = None
    if countries:
        country_id = countries[0]
    else:
        managed = sorted(roles.managed_organisation_ids(user))
        members = [m.organisation for m in roles.memberships(user) if m.organisation.country_id]
        if managed:
            organisation = Organisation.objects.filter(pk=managed[0]).first()
        home = organisation or (members[0] if members else None)
        if home is None or not home.country_id:
            return None
        country_id = home.country_id
    # Viewers, analysts and service providers see the public aggregates: every small count of
    # children suppressed, as for a reader with no access to any child's record.
    public = (
        not countries
        and not organisation
        and all(m.role in PUBLIC_ROLES for m in roles.memberships(user))
    )
    board = country_dashboard(
        user,
        country_id,
        organisation_id=organisation.pk if organisation else None,
        public=public,
    )
    country = Country.objects.get(pk=country_id)
    title = (
        format_lazy("{} · {}", _("Organisation dashboard"), organisation.name)
        if organisation
        else format_lazy("{} · {}", _("Country dashboard"), country.local_name)
    )
    return Section(
        "indicators/_country_board.html",
        {"board": board, "country": country, "chart": board.chart},
        title=title,
        url=f"{reverse('indicators-dashboard')}?country={country.pk}",
        scripts=["vendor/chartjs/chart.umd.js", "indicators/progress-chart.js"],
        styles=["indicators/indicators.css", "partners/partners.css"],
    )

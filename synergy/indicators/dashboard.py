"""Home dashboard figures for steering: overdue roadmap actions, and values waiting for the
coordinator's approval (in the countries the user coordinates)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from synergy.core import roles
from synergy.core.dashboard import Card, Section
from synergy.core.models import User
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


def home_section(user: User) -> Section | None:
    """A national coordinator's home page opens on the country dashboard of the (first)
    country it coordinates."""
    from synergy.core.models import Country
    from synergy.indicators.dashboard_country import country_dashboard

    countries = sorted(roles.coordinated_country_ids(user))
    if not countries:
        return None
    board = country_dashboard(user, countries[0])
    country = Country.objects.get(pk=countries[0])
    return Section(
        "indicators/_country_board.html",
        {"board": board, "country": country, "chart": board.chart},
        title=format_lazy("{} · {}", _("Country dashboard"), country.local_name),
        url=f"{reverse('indicators-dashboard')}?country={country.pk}",
        scripts=["vendor/chartjs/chart.umd.js", "indicators/progress-chart.js"],
        styles=["indicators/indicators.css"],
    )

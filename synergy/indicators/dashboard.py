"""Home dashboard figures for steering: overdue roadmap actions, and values waiting for the
coordinator's approval (in the countries the user coordinates)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synergy.core import roles
from synergy.core.dashboard import Card
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

"""Home dashboard figures for South-South cooperation, within what the user may see."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synergy.cooperation import selectors
from synergy.cooperation.models import ExchangeStatus, RequestStatus
from synergy.core.dashboard import Card
from synergy.core.models import User


def cards(user: User) -> list[Card]:
    group = _("Cooperation")
    exchanges = selectors.exchanges_for(user).filter(
        status__in=(ExchangeStatus.PROPOSED, ExchangeStatus.AGREED, ExchangeStatus.CARRIED_OUT)
    )
    return [
        Card(
            _("Open cooperation needs"),
            selectors.needs_for(user, status=RequestStatus.OPEN).count(),
            reverse("cooperation-needs") + "?status=open",
            group,
        ),
        Card(
            _("Open cooperation offers"),
            selectors.offers_for(status=RequestStatus.OPEN).count(),
            reverse("cooperation-offers") + "?status=open",
            group,
        ),
        Card(
            _("Exchanges under way"),
            exchanges.count(),
            reverse("cooperation-exchanges"),
            group,
        ),
    ]

"""Home dashboard figures for child labour monitoring, within the user's own scope: a partner
sees its children, a coordinator its country; a role without access to records sees none."""

from __future__ import annotations

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synergy.core import roles
from synergy.core.dashboard import Card
from synergy.core.models import User
from synergy.monitoring.models import ChildTally
from synergy.monitoring.selectors import record_organisation_ids


def counted(user: User) -> dict[str, int]:
    """Children followed, withdrawn and prevented in the user's scope (as ``children_for``:
    the children of its organisations and of the countries it coordinates), added up from
    the tally the database keeps per country and organisation: a country's children are not
    read one by one."""
    tally = ChildTally.objects.all()
    if not roles.is_system_admin(user):
        tally = tally.filter(
            Q(organisation__in=record_organisation_ids(user))
            | Q(country__in=roles.coordinated_country_ids(user))
        )
    sums = tally.aggregate(
        total=Sum("children"), withdrawn=Sum("withdrawn"), prevented=Sum("prevented")
    )
    return {key: int(value or 0) for key, value in sums.items()}


def cards(user: User) -> list[Card]:
    counts = counted(user)
    url = reverse("monitoring-child-list")
    group = _("Monitoring")
    return [
        Card(_("Children followed"), counts["total"], url, group),
        Card(_("Withdrawn from child labour"), counts["withdrawn"], url, group),
        Card(_("Prevented from child labour"), counts["prevented"], url, group),
    ]

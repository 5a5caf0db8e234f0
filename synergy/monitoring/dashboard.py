"""Home dashboard figures for child labour monitoring, within the user's own scope: a partner
sees its children, a coordinator its country; a role without access to records sees none."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synergy.core.dashboard import Card
from synergy.core.models import User
from synergy.monitoring.models import OutcomeKind
from synergy.monitoring.selectors import children_for


def cards(user: User) -> list[Card]:
    children = children_for(user)
    counted = children.aggregate(
        total=Count("pk", distinct=True),
        withdrawn=Count(
            "outcomes",
            filter=Q(outcomes__kind=OutcomeKind.WITHDRAWN, outcomes__relapsed_on=None),
        ),
        prevented=Count(
            "outcomes",
            filter=Q(outcomes__kind=OutcomeKind.PREVENTED, outcomes__relapsed_on=None),
        ),
    )
    url = reverse("monitoring-child-list")
    group = _("Monitoring")
    return [
        Card(_("Children followed"), counted["total"] or 0, url, group),
        Card(_("Withdrawn from child labour"), counted["withdrawn"] or 0, url, group),
        Card(_("Prevented from child labour"), counted["prevented"] or 0, url, group),
    ]

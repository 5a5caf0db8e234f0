"""Home dashboard figures for child labour monitoring, within the user's own scope: a partner
sees its children, a coordinator its country; a role without access to records sees none."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synergy.core import roles
from synergy.core.dashboard import Card
from synergy.core.models import User
from synergy.monitoring.models import OutcomeKind
from synergy.monitoring.selectors import children_for, record_organisation_ids


def _count(user: User) -> dict[str, int]:
    return children_for(user).aggregate(
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


def counted(user: User) -> dict[str, int]:
    """The cards' counts. A partner's are counted at each view (an indexed count of its own
    children); a whole country's read every child and outcome of the country (0.6 s at a
    million children), so they are kept REPORT_CACHE_SECONDS like the reports' sections, under
    a key of the reader's whole scope."""
    countries = sorted(roles.coordinated_country_ids(user))
    admin = roles.is_system_admin(user)
    if not (admin or countries):
        return _count(user)
    scope = f"{admin}:{countries}:{sorted(record_organisation_ids(user))}"
    key = "monitoring-cards:" + hashlib.sha256(scope.encode()).hexdigest()
    counts = cache.get_or_set(key, lambda: _count(user), settings.REPORT_CACHE_SECONDS)
    return dict(counts or _count(user))


def cards(user: User) -> list[Card]:
    counts = counted(user)
    url = reverse("monitoring-child-list")
    group = _("Monitoring")
    return [
        Card(_("Children followed"), counts["total"] or 0, url, group),
        Card(_("Withdrawn from child labour"), counts["withdrawn"] or 0, url, group),
        Card(_("Prevented from child labour"), counts["prevented"] or 0, url, group),
    ]

"""Home dashboard figures for partnerships, projects and 4W activities (open to all members)."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synergy.core.dashboard import Card
from synergy.core.models import User
from synergy.partners.models import Activity, Partnership, Project
from synergy.partners.selectors import CACHE_SECONDS, activity_state_token


def activity_count() -> int:
    """Counting 200,000 activities takes 30 ms of a page: kept under the activities' state
    token, which every write to an activity changes (so it is never stale)."""
    token = activity_state_token()
    if token is None:
        return Activity.objects.count()
    count = cache.get_or_set(
        f"partners:activity-count:{token}", Activity.objects.count, CACHE_SECONDS
    )
    return int(count or 0)


def cards(user: User) -> list[Card]:
    group = _("Partnerships")
    return [
        Card(
            _("Partnerships"),
            Partnership.objects.count(),
            reverse("partners-partnership-list"),
            group,
        ),
        Card(_("Projects"), Project.objects.count(), reverse("partners-project-list"), group),
        Card(_("Activities (4W)"), activity_count(), reverse("partners-activity-list"), group),
    ]

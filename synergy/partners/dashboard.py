"""Home dashboard figures for partnerships, projects and 4W activities (open to all members)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synergy.core.dashboard import Card
from synergy.core.models import User
from synergy.partners.models import Activity, Partnership, Project


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
        Card(
            _("Activities (4W)"), Activity.objects.count(), reverse("partners-activity-list"), group
        ),
    ]

"""Home dashboard figures for the knowledge base."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synergy.core.dashboard import Card
from synergy.core.models import User
from synergy.knowledge.models import Event, PracticeStatus
from synergy.knowledge.selectors import visible_practices


def cards(user: User) -> list[Card]:
    group = _("Knowledge")
    published = visible_practices(user).filter(status=PracticeStatus.PUBLISHED).count()
    return [
        Card(_("Published good practices"), published, reverse("knowledge-practice-list"), group),
        Card(
            _("Forums, workshops and study tours"),
            Event.objects.count(),
            reverse("knowledge-event-list"),
            group,
        ),
    ]

"""Home dashboard figure for surveys: the datasets the user may see."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from synergy.core.dashboard import Card
from synergy.core.models import User
from synergy.surveys.selectors import dataset_list


def cards(user: User) -> list[Card]:
    return [
        Card(
            _("Survey datasets"),
            dataset_list(user=user).count(),
            reverse("surveys-list"),
            _("Surveys"),
        ),
    ]

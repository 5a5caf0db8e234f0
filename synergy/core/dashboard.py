"""The home dashboard's figures, gathered from every area.

Core cannot import the domain apps (dependencies point the other way), so each app that has
figures to show ships a ``dashboard`` module with ``cards(user) -> list[Card]``, computed within
what that user may see. The home page shows them in app order.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.apps import apps
from django.utils.functional import Promise

from synergy.core.models import User


@dataclass(frozen=True)
class Card:
    label: str | Promise
    value: int
    url: str = ""
    group: str | Promise = ""


def cards_for(user: User) -> list[Card]:
    cards: list[Card] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("synergy.") or config.name == "synergy.core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
            continue
        cards.extend(module.cards(user))
    return cards

"""The home dashboard's figures, gathered from every area.

Core cannot import the domain apps (dependencies point the other way), so each app that has
figures to show ships a ``dashboard`` module with ``cards(user) -> list[Card]``, computed within
what that user may see. The home page shows them in app order.

An app may also give a whole section at the top of the home page: ``home_section(user) ->
Section | None`` (the national coordinator's country dashboard, from the indicators app).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.functional import Promise

from synergy.core.models import User


@dataclass(frozen=True)
class Card:
    label: str | Promise
    value: int
    url: str = ""
    group: str | Promise = ""


@dataclass(frozen=True)
class Section:
    """A block of the home page: a template and its context, with the static files it needs."""

    template: str
    context: dict[str, Any]
    title: str | Promise = ""
    url: str = ""  # where the section's own page is
    scripts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)


def _dashboard_modules() -> list[Any]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("synergy.") or config.name == "synergy.core":
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.dashboard"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
    return modules


def cards_for(user: User) -> list[Card]:
    cards: list[Card] = []
    for module in _dashboard_modules():
        cards.extend(module.cards(user))
    return cards


def sections_for(user: User) -> list[Section]:
    sections = []
    for module in _dashboard_modules():
        build = getattr(module, "home_section", None)
        section = build(user) if build is not None else None
        if section is not None:
            sections.append(section)
    return sections

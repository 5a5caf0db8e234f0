"""A plan: what one row of an import will write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone


@dataclass
class Plan:
    obj: models.Model
    created: bool
    changed: bool
    write: Callable[[], None] | None = None


def assign(obj: models.Model, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def bump(obj: Any) -> None:
    obj.version += 1
    obj.updated_at = timezone.now()

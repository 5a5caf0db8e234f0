"""A plan: what one row of an import will write, through the owning app's service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Plan:
    created: bool
    changed: bool
    write: Callable[[], None]

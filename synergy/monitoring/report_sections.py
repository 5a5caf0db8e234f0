"""The heavy sections of a report, kept for a few minutes.

The support shares, the USDOL indicators and the ages table read every visit or outcome of
the period: at a million children that is seconds of database work for each view of a
country report. They are kept REPORT_CACHE_SECONDS under the report's scope, period and
language, and the page says when they were counted and offers to count again. The counts
against targets above them are always counted at the view.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from synergy.monitoring.indicators import Period, Scope

T = TypeVar("T")


def _key(section: str, scope: Scope, period: Period) -> str:
    where = ",".join(f"{k}={v}" for k, v in sorted(scope.as_query().items()))
    # The labels are translated when counted: one entry per language.
    return f"monitoring:report:{section}:{where}:{period.start}:{period.end}:{get_language()}"


def section(
    name: str, scope: Scope, period: Period, count: Callable[[], T], *, fresh: bool = False
) -> tuple[T, datetime]:
    """The section's value and when it was counted: from the cache unless ``fresh``."""
    seconds = settings.REPORT_CACHE_SECONDS
    key = _key(name, scope, period)
    if seconds > 0 and not fresh:
        kept = cache.get(key)
        if kept is not None:
            value, counted_at = kept
            return value, counted_at
    value = count()
    counted_at = timezone.now()
    if seconds > 0:
        cache.set(key, (value, counted_at), seconds)
    return value, counted_at

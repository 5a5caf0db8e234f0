"""The heavy sections of a report, kept for a few minutes.

The support shares, the USDOL indicators and the ages table read every visit or outcome of
the period: at a million children that is seconds of database work for each view of a
country report. They are kept REPORT_CACHE_SECONDS under the report's scope and period (their
labels are translated when shown), and the page says when they were counted and offers to
count again. The counts against targets above them are always counted at the view.
``synergy monitoring count-reports`` counts them ahead of the readers (with a cache that the
server's processes share, CACHE_URL).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from synergy.monitoring import indicators
from synergy.monitoring.indicators import Period, Scope


def _usdol(scope: Scope, period: Period) -> list[indicators.Figure]:
    return indicators.usdol_indicators(scope, period, with_members=False).figures


def _shares(scope: Scope, period: Period) -> list[indicators.Figure]:
    return indicators.support_shares(scope)


def _ages(scope: Scope, period: Period) -> list[indicators.TargetRow]:
    return indicators.target_table(scope, by_age=True)


# The sections and how each is counted.
SECTIONS: dict[str, Callable[[Scope, Period], Any]] = {
    "usdol": _usdol,
    "shares": _shares,
    "ages": _ages,
}


def _key(name: str, scope: Scope, period: Period) -> str:
    where = ",".join(f"{k}={v}" for k, v in sorted(scope.as_query().items()))
    # No language: the figures' labels are translated when shown.
    return f"monitoring:report:{name}:{where}:{period.start}:{period.end}"


def section(
    name: str, scope: Scope, period: Period, *, fresh: bool = False
) -> tuple[Any, datetime]:
    """The section's figures and when they were counted: as kept unless ``fresh``."""
    seconds = settings.REPORT_CACHE_SECONDS
    key = _key(name, scope, period)
    if seconds > 0 and not fresh:
        kept = cache.get(key)
        if kept is not None:
            value, counted_at = kept
            return value, counted_at
    value = SECTIONS[name](scope, period)
    counted_at = timezone.now()
    if seconds > 0:
        cache.set(key, (value, counted_at), seconds)
    return value, counted_at


def count_ahead(scope: Scope, periods: list[Period]) -> Iterator[tuple[Period, str, float]]:
    """Count and keep every section of ``scope`` for each period, yielding (period, section,
    seconds) as each is done."""
    for period in periods:
        for name in SECTIONS:
            started = time.perf_counter()
            section(name, scope, period, fresh=True)
            yield period, name, time.perf_counter() - started

"""Reporting periods as ISO 8601 writes them: a year (2025), a half-year (2025-S1), a quarter
(2025-Q3) or a month (2025-06). Pure functions: a value's period is stored as its code and its
first and last day, so that values of different lengths can be compared and summed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

_CODE = re.compile(r"^(\d{4})(?:-(?:S([12])|Q([1-4])|(0[1-9]|1[0-2])))?$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class ReportingPeriod:
    start: date
    end: date
    code: str

    @property
    def kind(self) -> str:
        if "-S" in self.code:
            return "half-year"
        if "-Q" in self.code:
            return "quarter"
        return "month" if "-" in self.code else "year"

    def contains(self, other: ReportingPeriod) -> bool:
        return self.start <= other.start and other.end <= self.end

    @property
    def dhis2(self) -> str:
        """DHIS2's period identifier: 2025, 2025S1, 2025Q3, 202506."""
        return self.code.replace("-", "")

    @property
    def adx(self) -> str:
        """ADX's period: the first day and an ISO 8601 duration (2025-07-01/P3M)."""
        months = {"year": 12, "half-year": 6, "quarter": 3, "month": 1}[self.kind]
        return f"{self.start.isoformat()}/" + ("P1Y" if months == 12 else f"P{months}M")


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def parse_period(code: str) -> ReportingPeriod:
    """``2025``, ``2025-S1``, ``2025-Q3`` or ``2025-06``; DHIS2's ``2025S1``, ``2025Q3`` and
    ``202506`` are read too. Raises PeriodError naming the problem."""
    text = code.strip().upper()
    dhis2 = re.match(r"^(\d{4})(S[12]|Q[1-4]|0[1-9]|1[0-2])$", text)
    if dhis2:
        text = f"{dhis2.group(1)}-{dhis2.group(2)}"
    found = _CODE.match(text)
    if not found:
        raise PeriodError(
            _("“%(code)s” is not a period (2025, 2025-S1, 2025-Q3 or 2025-06).") % {"code": code}
        )
    year = int(found.group(1))
    if not 1990 <= year <= 2100:
        raise PeriodError(_("The year %(year)s is out of range.") % {"year": year})
    half, quarter, month = found.group(2), found.group(3), found.group(4)
    if half:
        first = 1 if half == "1" else 7
        return ReportingPeriod(date(year, first, 1), _month_end(year, first + 5), text)
    if quarter:
        first = 3 * int(quarter) - 2
        return ReportingPeriod(date(year, first, 1), _month_end(year, first + 2), text)
    if month:
        m = int(month)
        return ReportingPeriod(date(year, m, 1), _month_end(year, m), text)
    return ReportingPeriod(date(year, 1, 1), date(year, 12, 31), text)


def parse_adx_period(text: str) -> ReportingPeriod:
    """``2025-07-01/P3M`` -> 2025-Q3 (only periods that are one of the four kinds)."""
    match = re.match(r"^(\d{4})-(\d{2})-01/P(1Y|12M|6M|3M|1M)$", text.strip())
    if not match:
        raise PeriodError(_("“%(code)s” is not an ADX period (2025-07-01/P3M).") % {"code": text})
    year, month, span = int(match.group(1)), int(match.group(2)), match.group(3)
    if span in ("1Y", "12M") and month == 1:
        return parse_period(str(year))
    if span == "6M" and month in (1, 7):
        return parse_period(f"{year}-S{1 if month == 1 else 2}")
    if span == "3M" and month in (1, 4, 7, 10):
        return parse_period(f"{year}-Q{(month + 2) // 3}")
    if span == "1M":
        return parse_period(f"{year}-{month:02d}")
    raise PeriodError(_("“%(code)s” is not a year, half-year, quarter or month.") % {"code": text})


def periods_in(year: int, kind: str) -> list[ReportingPeriod]:
    """Every period of ``kind`` in ``year``: the columns of an entry grid."""
    if kind == "year":
        return [parse_period(str(year))]
    if kind == "half-year":
        return [parse_period(f"{year}-S{h}") for h in (1, 2)]
    if kind == "quarter":
        return [parse_period(f"{year}-Q{q}") for q in (1, 2, 3, 4)]
    return [parse_period(f"{year}-{m:02d}") for m in range(1, 13)]

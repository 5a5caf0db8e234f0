"""ISO 8601 reporting periods, and the forms DHIS2 and ADX write them in."""

from __future__ import annotations

from datetime import date

import pytest

from synergy.indicators.periods import PeriodError, parse_adx_period, parse_period, periods_in


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2025-S2", date(2025, 7, 1), date(2025, 12, 31)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-12", date(2025, 12, 1), date(2025, 12, 31)),
    ],
)
def test_a_period_has_its_first_and_last_day(code: str, start: date, end: date) -> None:
    period = parse_period(code)
    assert (period.start, period.end, period.code) == (start, end, code)


def test_every_period_reads_back_from_dhis2_and_adx() -> None:
    for kind in ("year", "half-year", "quarter", "month"):
        for period in periods_in(2025, kind):
            assert parse_period(period.dhis2) == period
            assert parse_adx_period(period.adx) == period
    assert parse_period("2025-Q3").dhis2 == "2025Q3"
    assert parse_period("2025-Q3").adx == "2025-07-01/P3M"


@pytest.mark.parametrize("bad", ["25", "2025-Q5", "2025-13", "2025-H1", "1800", "", "2025-S1x"])
def test_anything_else_is_refused_by_name(bad: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(bad)


def test_an_adx_span_that_is_no_reporting_period_is_refused() -> None:
    with pytest.raises(PeriodError):
        parse_adx_period("2025-02-01/P3M")

"""Formula indicators: arithmetic over codes and nothing else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from synergy.indicators.formula import FormulaError, evaluate, formula_codes

VALUES = {"clms-withdrawn": Decimal(2), "targets-withdraw": Decimal(3), "zero": Decimal(0)}


def test_it_computes_over_hyphenated_codes() -> None:
    result = evaluate("100 * clms-withdrawn / targets-withdraw", VALUES.get)
    assert result is not None and round(result, 4) == Decimal("66.6667")
    assert formula_codes("(a_1 + b-2) * a_1") == ["a_1", "b-2"]


def test_a_missing_value_or_a_division_by_zero_gives_no_value() -> None:
    assert evaluate("clms-withdrawn / zero", VALUES.get) is None
    assert evaluate("clms-withdrawn + unknown", VALUES.get) is None


@pytest.mark.parametrize(
    "text", ["__import__('os')", "a.b", "a ** 2", "[a]", "a if b else c", "'x'", "a +"]
)
def test_only_numbers_codes_and_four_operations_are_allowed(text: str) -> None:
    with pytest.raises(FormulaError):
        formula_codes(text)

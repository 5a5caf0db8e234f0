"""Formula indicators: arithmetic over other indicators' codes, e.g.
``100 * clms-withdrawn / targets-withdraw``. Parsed with Python's own parser and evaluated by a
walk that knows only numbers, names, + - * / and brackets: nothing else in a formula runs."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.utils.translation import gettext as _

# Indicator codes are slugs; a hyphen would read as a minus, so codes are written as they
# are and turned into names before parsing.
_CODE = re.compile(r"(?<![\w.])([a-z][a-z0-9_]*(?:-[a-z0-9_]+)*)", re.IGNORECASE)


class FormulaError(ValueError):
    pass


def _names(text: str) -> tuple[str, dict[str, str]]:
    found: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        code = match.group(1)
        name = (
            f"v{len(found)}"
            if code not in found.values()
            else next(k for k, v in found.items() if v == code)
        )
        found[name] = code
        return name

    return _CODE.sub(rename, text), found


def _parse(text: str) -> tuple[ast.expr, dict[str, str]]:
    source, names = _names(text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise FormulaError(
            _("The formula “%(formula)s” cannot be read.") % {"formula": text}
        ) from None
    for node in ast.walk(tree.body):
        allowed = (ast.BinOp, ast.UnaryOp, ast.Constant, ast.Name, ast.Load)
        operators = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd)
        if not isinstance(node, allowed + operators):
            raise FormulaError(
                _("A formula has numbers, indicator codes, + - * / and brackets only.")
            )
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise FormulaError(
                _("A formula has numbers, indicator codes, + - * / and brackets only.")
            )
    return tree.body, names


def formula_codes(text: str) -> list[str]:
    """The indicator codes a formula reads (checking that it is a formula)."""
    _tree, names = _parse(text)
    return list(dict.fromkeys(names.values()))


def evaluate(text: str, value_of: Callable[[str], Decimal | None]) -> Decimal | None:
    """The formula's value, or None when a value it needs is missing or it divides by zero."""
    tree, names = _parse(text)

    def walk(node: ast.expr) -> Decimal | None:
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            return value_of(names[node.id])
        if isinstance(node, ast.UnaryOp):
            inner = walk(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
        assert isinstance(node, ast.BinOp)
        left, right = walk(node.left), walk(node.right)
        if left is None or right is None:
            return None
        try:
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            return left / right if right else None
        except (DivisionByZero, InvalidOperation):
            return None

    return walk(tree)

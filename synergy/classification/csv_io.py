"""CSV input and output of `synergy classify`: validate every row first, then write all.

Input: id,age,sex,econ_hours,chore_hours,hazardous_industry,hazardous_conditions,night_work
with optional other_wfcl, industry and occupation; other columns are ignored. An empty age is
allowed (OOS with a warning); anything else unparseable is a RowError naming line and column.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from synergy.classification.engine import ChildInput, classify
from synergy.classification.policy import Policy

REQUIRED = (
    "id",
    "age",
    "sex",
    "econ_hours",
    "chore_hours",
    "hazardous_industry",
    "hazardous_conditions",
    "night_work",
)
OUTPUT = ("id", "label", "is_child_labour", "reasons", "warnings")
FLAGS = ("hazardous_industry", "hazardous_conditions", "night_work", "other_wfcl")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


class CsvInputError(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the input")
        self.errors = errors


def _number(text: str) -> float:
    value = float(text)  # ValueError for non-numeric text
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _parse_row(row: dict[str | None, str | None], line: int) -> tuple[ChildInput, list[RowError]]:
    errors: list[RowError] = []

    def cell(column: str) -> str:
        value = row.get(column)
        if value is None:  # a short row: fewer fields than the header
            errors.append(RowError(line, column, "value missing (row shorter than header)"))
            return ""
        return value.strip()

    age: int | None = None
    age_text = cell("age")
    if age_text:
        try:
            years = _number(age_text)
            if years < 0 or years != int(years):
                raise ValueError(age_text)
            age = int(years)
        except ValueError:
            errors.append(RowError(line, "age", f"{age_text!r} is not whole completed years"))
    hours: dict[str, float] = {}
    for column in ("econ_hours", "chore_hours"):
        text = cell(column)
        try:
            hours[column] = _number(text)
        except ValueError:
            errors.append(RowError(line, column, f"{text!r} is not a number of hours"))
    flags: dict[str, bool] = {}
    for column in FLAGS:
        text = cell(column) if column in row else "0"  # other_wfcl is optional
        if text not in ("0", "1"):
            errors.append(RowError(line, column, f"{text!r} is not 0 or 1"))
        flags[column] = text == "1"
    if not cell("id"):
        errors.append(RowError(line, "id", "id is empty"))
    child = ChildInput(
        age=age,
        sex=cell("sex"),
        econ_hours=hours.get("econ_hours", 0.0),
        chore_hours=hours.get("chore_hours", 0.0),
        industry=(row.get("industry") or "").strip(),
        occupation=(row.get("occupation") or "").strip(),
        **{
            name: flags[name]
            for name in ("hazardous_industry", "hazardous_conditions", "night_work", "other_wfcl")
        },
    )
    return child, errors


def read_children(stream: Iterable[str]) -> list[tuple[str, ChildInput]]:
    """Every row of the CSV, or CsvInputError listing every bad cell (none is skipped)."""
    reader = csv.DictReader(stream)
    header = reader.fieldnames
    if not header:
        raise CsvInputError([RowError(1, "id", "the file is empty (no header row)")])
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise CsvInputError([RowError(1, column, "required column missing") for column in missing])
    children: list[tuple[str, ChildInput]] = []
    errors: list[RowError] = []
    for row in reader:
        child, row_errors = _parse_row(dict(row), reader.line_num)
        errors += row_errors
        children.append(((row.get("id") or "").strip(), child))
    if errors:
        raise CsvInputError(errors)
    return children


def render_results(
    children: list[tuple[str, ChildInput]], *, framework: str, policy: Policy | None
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OUTPUT)
    for child_id, child in children:
        result = classify(child, framework=framework, policy=policy)
        writer.writerow(
            [
                child_id,
                result.label,
                int(result.is_child_labour),
                "; ".join(result.reasons),
                "; ".join(result.warnings),
            ]
        )
    return out.getvalue()


def classify_csv(stream: TextIO, *, framework: str, policy: Policy | None) -> str:
    return render_results(read_children(stream), framework=framework, policy=policy)

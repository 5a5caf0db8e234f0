"""Reading an import table's cells: one row's values, checked, with its errors named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from synergy.core.errors import ImportRowError
from synergy.interop import hxl
from synergy.interop.tabular import (
    Table,
)

MAX_ERRORS = 500


@dataclass
class ImportSummary:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class RowErrors:
    def __init__(self) -> None:
        self.items: list[tuple[int, str, str]] = []

    def add(self, line: int, tag: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append((line, tag, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRowError(sorted(self.items, key=lambda e: (e[0], e[1])))


class Row:
    """One data row: typed accessors that record an error (and return None) on bad input."""

    def __init__(
        self, line: int, cells: dict[str, str], tags: dict[str, str], errors: RowErrors
    ) -> None:
        self.line = line
        self.cells = cells
        self.tags = tags
        self.errors = errors
        self.ok = True

    def error(self, key: str, message: str) -> None:
        self.ok = False
        self.errors.add(self.line, self.tags.get(key, ""), message)

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.cells.get(key, "").strip()
        if required and not value:
            self.error(key, _("This value is required."))
        return value

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        value = self.text(key, required=required)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10]) if len(value) >= 10 else bad_date()
        except ValueError:
            self.error(key, _("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": value})
            return None

    def count(self, key: str, *, default: int | None = None) -> int | None:
        value = self.text(key)
        if not value:
            return default
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            number = Decimal("NaN")
        if number.is_nan() or number != number.to_integral_value():
            self.error(key, _("“%(value)s” is not a whole number.") % {"value": value})
            return None
        if number < 0:
            self.error(key, _("%(value)s is negative; counts start at 0.") % {"value": value})
            return None
        return int(number)

    def amount(self, key: str) -> Decimal | None:
        value = self.text(key)
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", ""))
        except InvalidOperation:
            self.error(key, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if not number.is_finite():
            self.error(key, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if number < 0:
            self.error(key, _("%(value)s is negative.") % {"value": value})
            return None
        return number.quantize(Decimal("0.01"))

    def choice(self, key: str, enum: type[models.TextChoices], *, required: bool = True) -> str:
        value = self.text(key, required=required)
        if value and value.lower() not in enum.values:
            self.error(key, bad_code(value, enum.values))
            return ""
        return value.lower()

    def choice_list(self, key: str, enum: type[models.TextChoices]) -> list[str]:
        codes = []
        for value in hxl.split_list(self.text(key)):
            if value.lower() not in enum.values:
                self.error(key, bad_code(value, enum.values))
            elif value.lower() not in codes:
                codes.append(value.lower())
        return codes


def bad_date() -> dt.date:
    raise ValueError


def bad_code(value: str, allowed: Sequence[str]) -> str:
    return _("“%(value)s” is not one of: %(allowed)s.") % {
        "value": value,
        "allowed": ", ".join(allowed),
    }


def read_rows(table: Table, kind: str, errors: RowErrors) -> list[Row]:
    """Map the table's columns to keys; complain once about a missing required column."""
    columns = hxl.TABLES[kind]
    positions: dict[str, int] = {}
    # First the columns whose hashtag is exactly one of ours (attributes in any order)…
    for column in columns:
        if column.export_only:
            continue
        for tag in column.tags():
            index = table.column(tag)
            if index is not None:
                positions[column.key] = index
                break
    # …then, as HXL reads a tag pattern, a column with more attributes than ours
    # (#org+impl+name for #org+name), among the columns no other of our tags names.
    known = {tag for column in columns for tag in column.tags()}
    claimed = set(positions.values())
    for column in columns:
        if column.export_only or column.key in positions:
            continue
        index = table.matching(column.tags()[0], skip={*claimed, *table.columns_tagged(known)})
        if index is not None:
            positions[column.key] = index
            claimed.add(index)
    tags = hxl.column_tags(columns)
    required = [c for c in columns if c.key in REQUIRED_COLUMNS[kind]]
    for column in required:
        if column.key not in positions:
            errors.add(table.tag_line, column.tag, _("The file has no column with this hashtag."))
    if errors.items:
        return []
    rows = []
    for line, values in table.rows:
        cells = {key: values[index] for key, index in positions.items()}
        rows.append(Row(line, cells, tags, errors))
    return rows


# Columns a file must have (their cells may still be checked row by row).
REQUIRED_COLUMNS = {
    "organisations": {"name", "kind"},
    "projects": {"code", "title", "countries"},
    "targets": {"code", "organisation"},
    "activities": {
        "organisation",
        "country",
        "intervention_type",
        "level",
        "exploitation_form",
        "migration_stage",
        "start_date",
    },
}


def clean(obj: models.Model, row: Row, *, exclude: Sequence[str] = ()) -> None:
    """full_clean() with the messages put on the row's columns."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            key = "end_date" if name == NON_FIELD_ERRORS and "date" in str(messages) else name
            for message in messages:
                row.error(key, message)

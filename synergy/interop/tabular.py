"""Reading and writing HXL-tagged tables as CSV or Excel.

A table is a header row of human labels, a row of HXL hashtags, then data. On reading, the
hashtag row is the first of the first five rows whose non-empty cells are all hashtags (as
libhxl finds it), so a file without the label row is accepted too. Lines are numbered as a
spreadsheet shows them (the first row of the file is line 1), so error messages point at the
row a person sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HASHTAG_ROW_SEARCH = 5
_TAG_RE = re.compile(r"^\s*#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*\s*$")

Cell = str | int | Decimal | dt.date | None


class TableError(ValueError):
    """The file cannot be read as a tagged table at all (not a row-level problem)."""


def normalise_tag(tagspec: str) -> str:
    """``#Org +Type`` → ``#org+type``; attributes sorted, since their order carries no meaning
    in HXL."""
    parts = [p.strip().lower() for p in tagspec.strip().split("+")]
    head, attributes = parts[0], sorted({p for p in parts[1:] if p})
    return "+".join([head, *attributes])


@dataclass
class Table:
    """What was read: one normalised hashtag per column and the data rows with their line."""

    tags: list[str]
    tag_line: int = 1
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def column(self, tag: str) -> int | None:
        wanted = normalise_tag(tag)
        for index, have in enumerate(self.tags):
            if have == wanted:
                return index
        return None


def _is_hashtag_row(cells: Sequence[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(_TAG_RE.match(c) for c in filled)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # Excel stores dates as date-times at midnight.
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_from_rows(raw: Iterable[Sequence[object]]) -> Table:
    rows = [[_cell_text(v) for v in row] for row in raw]
    for index, row in enumerate(rows[:HASHTAG_ROW_SEARCH]):
        if _is_hashtag_row(row):
            tags = [normalise_tag(c) if c.strip() else "" for c in row]
            table = Table(tags=tags, tag_line=index + 1)
            for offset, data in enumerate(rows[index + 1 :], start=index + 2):
                if any(c for c in data):
                    table.rows.append((offset, data + [""] * (len(tags) - len(data))))
            return table
    raise TableError(_("No row of HXL hashtags (such as #org) in the first rows of the file."))


def read_csv(stream: IO[bytes]) -> Table:
    data = stream.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(_("The CSV file is not UTF-8 text.")) from None
    try:
        return _table_from_rows(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise TableError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None


def read_xlsx(stream: IO[bytes]) -> Table:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile):
        raise TableError(_("The file is not an Excel (.xlsx) workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        return _table_from_rows(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def format_of(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return "xlsx"
    if lower.endswith(".csv"):
        return "csv"
    raise TableError(_("The file must be a .csv or .xlsx file."))


def read_table(stream: IO[bytes], filename: str) -> Table:
    return read_xlsx(stream) if format_of(filename) == "xlsx" else read_csv(stream)


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def write_csv(labels: Sequence[str], tags: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(labels)
    writer.writerow(tags)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8")


def write_xlsx(
    labels: Sequence[str], tags: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str
) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "data")
    sheet.append(list(labels))
    sheet.append(list(tags))
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

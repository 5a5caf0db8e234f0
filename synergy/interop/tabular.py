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
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

import hxl
from django.utils.translation import gettext as _
from openpyxl import Workbook

from synergy.core.tabular import TableError, format_of, read_lines

__all__ = ["TableError", "format_of", "read_table", "write_csv", "write_xlsx"]

# The formats Synergy writes; it reads these and OpenDocument (see ``core.tabular``).
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
HASHTAG_ROW_SEARCH = 5
_TAG_RE = re.compile(r"^\s*#[A-Za-z][A-Za-z0-9_]*(\s*\+\s*[A-Za-z][A-Za-z0-9_]*)*\s*$")

Cell = str | int | Decimal | dt.date | None


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

    def columns_tagged(self, tags: set[str]) -> set[int]:
        """The columns whose (normalised) hashtag is one of ``tags``."""
        return {index for index, have in enumerate(self.tags) if have in tags}

    def matching(self, pattern: str, *, skip: Set[int] = frozenset()) -> int | None:
        """The first column, not in ``skip``, that HXL's tag pattern ``pattern`` matches: same
        hashtag, every attribute of the pattern present, other attributes allowed (libhxl's
        ``TagPattern``)."""
        wanted = hxl.model.TagPattern.parse(pattern)
        for index, have in enumerate(self.tags):
            if index in skip or not have:
                continue
            if wanted.match(hxl.model.Column.parse(have)):
                return index
        return None


def _is_hashtag_row(cells: Sequence[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(_TAG_RE.match(c) for c in filled)


def _table_from_lines(lines: Iterable[tuple[int, list[str]]]) -> Table:
    seen = 0
    lines = iter(lines)
    for line, row in lines:
        seen += 1
        if line > HASHTAG_ROW_SEARCH:
            break
        if _is_hashtag_row(row):
            tags = [normalise_tag(c) if c.strip() else "" for c in row]
            table = Table(tags=tags, tag_line=line)
            for data_line, data in lines:
                table.rows.append((data_line, data + [""] * (len(tags) - len(data))))
            return table
    raise TableError(_("No row of HXL hashtags (such as #org) in the first rows of the file."))


def read_table(stream: IO[bytes], filename: str) -> Table:
    """A tagged table from a CSV, Excel or OpenDocument file (read by ``core.tabular``)."""
    return _table_from_lines(read_lines(stream.read(), format_of(filename)))


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

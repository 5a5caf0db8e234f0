"""Reading a CSV or Excel file into a table of text cells, with cleaned column names."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.utils.translation import gettext as _

from synergy.monitoring.importing.targets import FORMATS, MappingError


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line of the file, column -> text)


def source_format(filename: str) -> str:
    fmt = FORMATS.get(Path(filename).suffix.lower())
    if fmt is None:
        raise MappingError(_("Upload a .csv or .xlsx file."))
    return fmt


def read_table(data: bytes, fmt: str, *, limit: int | None = None) -> Table:
    """Every row as text, keyed by the header; lines numbered as in the file (header = 1).
    ``limit`` reads only the header and that many rows (for the mapping form)."""
    if fmt == "csv":
        return _read_csv(data, limit)
    if fmt == "xlsx":
        return _read_xlsx(data, limit)
    raise MappingError(_("Upload a .csv or .xlsx file."))


def _clean_header(columns: Iterable[object]) -> list[str]:
    out = [str(c).strip() if c is not None else "" for c in columns]
    seen: set[str] = set()
    for name in out:
        if name and name in seen:
            raise MappingError(
                _("The column %(name)s appears twice in the header.") % {"name": name}
            )
        seen.add(name)
    if not any(out):
        raise MappingError(_("The file has no header row."))
    return out


def _read_csv(data: bytes, limit: int | None) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _clean_header(next(reader))
    except StopIteration:
        raise MappingError(_("The file is empty.")) from None
    rows: list[tuple[int, dict[str, str]]] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        rows.append(
            (
                line,
                {
                    c: (values[i].strip() if i < len(values) else "")
                    for i, c in enumerate(header)
                    if c
                },
            )
        )
        if limit is not None and len(rows) >= limit:
            break
    return Table([c for c in header if c], rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else (value.isoformat())
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes, limit: int | None) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same problem to the user
        raise MappingError(_("The Excel file cannot be read (is it a .xlsx workbook?).")) from None
    sheet = book.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    try:
        header = _clean_header(next(rows_iter))
    except StopIteration:
        raise MappingError(_("The file is empty.")) from None
    rows: list[tuple[int, dict[str, str]]] = []
    for line, values in enumerate(rows_iter, start=2):
        texts = [_cell_text(v) for v in values]
        if not any(texts):
            continue
        rows.append(
            (line, {c: (texts[i] if i < len(texts) else "") for i, c in enumerate(header) if c})
        )
        if limit is not None and len(rows) >= limit:
            break
    book.close()
    return Table([c for c in header if c], rows)

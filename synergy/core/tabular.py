"""One reader for every spreadsheet a user uploads: CSV, Excel (.xlsx) and OpenDocument (.ods).

Partners save files from Excel on Windows (cp1252, or UTF-8 with a byte-order mark), from
LibreOffice (UTF-8, often semicolon-separated in French or Spanish locales) and from KoBo or ODK
exports (UTF-8). Every importer reads through here, so that a file one importer accepts is
never refused by another for its encoding, and every error names the line a spreadsheet shows
(the first row of the file is line 1).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".ods": "ods"}
# Tried in this order when the file has no byte-order mark; cp1252 decodes any byte, so it is
# the last resort, and the one Excel on Windows writes.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DELIMITERS = ",;\t"
_CODE_PAGES = ("cp1252", "cp1256", "cp1251")

Line = tuple[int, list[str]]


class TableError(ValueError):
    """The file cannot be read as a table; ``line`` names the row at fault where there is one."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def format_of(filename: str) -> str:
    fmt = FORMATS.get(Path(filename).suffix.lower())
    if fmt is None:
        raise TableError(_("The file must be a .csv, .xlsx or .ods file."))
    return fmt


def decode_text(data: bytes) -> str:
    """The text of a CSV file: by its byte-order mark, else UTF-8, else the Windows code page
    (Western, Arabic or Cyrillic) charset-normalizer finds, else Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError:
                raise TableError(_("The file starts as Unicode text but is not.")) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Only the Windows code pages Excel writes in the partnership's languages: left free, the
    # detector reads a short French or Spanish file as Czech (cp1250).
    best = from_bytes(data[:200_000], cp_isolation=list(_CODE_PAGES)).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        try:
            return data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    header = text[: text.find("\n")] if "\n" in text else text
    return max(_DELIMITERS, key=lambda d: (header.count(d), d == ","))


def cell_text(value: object) -> str:
    """A cell as the text a person sees: dates as YYYY-MM-DD, 12.0 as 12."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # Spreadsheets store dates as date-times at midnight.
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_lines(data: bytes, fmt: str, *, sheet: int = 0) -> Iterator[Line]:
    """Every row of a sheet (the first by default) as text cells with its line; blank rows are
    skipped."""
    if fmt == "csv":
        raw: Iterable[Sequence[object]] = _csv_rows(data)
    elif fmt == "xlsx":
        raw = _xlsx_rows(data, sheet)
    elif fmt == "ods":
        raw = _ods_rows(data)
    else:
        raise TableError(_("The file must be a .csv, .xlsx or .ods file."))
    for line, values in enumerate(raw, start=1):
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield line, cells


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    # One record is one spreadsheet row, even when a quoted cell spans several lines of text.
    text = decode_text(data)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    except csv.Error as exc:
        raise TableError(_("The CSV file is malformed: %(error)s") % {"error": exc}) from None


def sheet_names(data: bytes) -> list[str]:
    """The names of an Excel workbook's sheets, in order."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile):
        raise TableError(_("The file is not an Excel (.xlsx) workbook.")) from None
    names = list(book.sheetnames)
    book.close()
    return names


def _xlsx_rows(data: bytes, sheet: int = 0) -> Iterator[tuple[object, ...]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile):
        raise TableError(_("The file is not an Excel (.xlsx) workbook.")) from None
    try:
        yield from book.worksheets[sheet].iter_rows(values_only=True)
    finally:
        book.close()


def _ods_rows(data: bytes) -> Iterator[tuple[object, ...]]:
    import pandas as pd

    try:
        frame = pd.read_excel(
            io.BytesIO(data), engine="odf", header=None, dtype=object, sheet_name=0
        )
    except (ValueError, OSError, KeyError, zipfile.BadZipFile, AttributeError):
        raise TableError(_("The file is not an OpenDocument (.ods) spreadsheet.")) from None
    for values in frame.itertuples(index=False, name=None):
        yield tuple(None if pd.isna(v) else v for v in values)


@dataclass(frozen=True)
class Table:
    """A table with a header: its column names and each data row keyed by them."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line of the file, column -> text)


def read_table(data: bytes, fmt: str, *, limit: int | None = None, sheet: int = 0) -> Table:
    """The first non-blank row is the header; ``limit`` reads only that many data rows;
    ``sheet`` is the sheet of an Excel workbook."""
    lines = read_lines(data, fmt, sheet=sheet)
    try:
        _line, header = next(lines)
    except StopIteration:
        raise TableError(_("The file is empty.")) from None
    columns = _clean_header(header)
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in lines:
        # A value with no column to go in is never dropped without a word.
        if any(cells[i] for i in range(len(cells)) if i >= len(columns) or not columns[i]):
            raise TableError(
                _("Line %(line)s has a value in a column without a name in the header.")
                % {"line": line},
                line=line,
            )
        rows.append(
            (line, {c: (cells[i] if i < len(cells) else "") for i, c in enumerate(columns) if c})
        )
        if limit is not None and len(rows) >= limit:
            break
    return Table([c for c in columns if c], rows)


def _clean_header(cells: list[str]) -> list[str]:
    seen: set[str] = set()
    for name in cells:
        if name and name in seen:
            raise TableError(_("The column %(name)s appears twice in the header.") % {"name": name})
        seen.add(name)
    if not any(cells):
        raise TableError(_("The file has no header row."))
    return cells

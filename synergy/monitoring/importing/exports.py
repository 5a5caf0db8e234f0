"""KoBoToolbox and ODK exports with repeat groups: every sheet read, repeat rows joined to
their parents, and each row's identifier in the tool kept so that importing the same export
again changes nothing.

The shapes, as the tools write them:

- KoBoToolbox XLSX: the first sheet holds one row per submission (``_index``, ``_uuid``,
  ``_submission_time``, group paths joined by ``/``); each repeat group has its own sheet, named
  after the group, whose rows point to their parent with ``_parent_table_name`` and
  ``_parent_index`` and to the submission with ``_submission__uuid``. An edited submission
  keeps ``meta/rootUuid`` (newer KoBo keeps ``_uuid`` too).
- ODK Central (a zip of CSV files) and ODK Briefcase (CSV files): groups joined by ``-``
  (``hh-head_name``), ``SubmissionDate`` and ``KEY`` on the main file, and on each repeat file
  ``PARENT_KEY`` (the parent row's ``KEY``) and a ``KEY`` of its own
  (``uuid:…/children[2]``). ``KEY`` stays the same when a submission is edited;
  ``meta-instanceID`` does not.

One sheet becomes the rows of the import: the deepest sheet holding a mapped column (the
children's repeat, usually). Its ancestors' columns are joined to each row; a mapped column
from a sheet that is not an ancestor cannot be joined and is refused by name. Columns that only
describe the export (``_index``, ``PARENT_KEY``, …) of the repeat sheets are not offered for
mapping; the main sheet's are.

Record identifiers (``ExportTable.sources``: the line of a row -> ``RowSource``):
- the row's own: ``KEY`` (ODK), the submission's ``rootUuid``/``_uuid`` on the main sheet
  (KoBo), or for a KoBo repeat row its parent's identifier with the sheet and the row's place
  among its siblings (``…/children[2]``, as ODK writes it);
- the submission's: the identifier of the row's main-sheet ancestor.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from synergy.core.tabular import Table, TableError, format_of, read_table, sheet_names
from synergy.monitoring.importing.mapping import last_part

# What ``format_of`` accepts, and ODK Central's zip of CSV files.
EXPORT_SUFFIXES = (".csv", ".txt", ".xlsx", ".ods", ".zip")
MAX_SHEETS = 30

# Columns of a repeat sheet that only link it to its parent (never offered for mapping).
_KOBO_LINK = ("_parent_table_name", "_parent_index", "_index")
_ODK_LINK = ("PARENT_KEY", "KEY")


def export_format(filename: str) -> str:
    if PurePosixPath(filename.lower()).suffix == ".zip":
        return "zip"
    return format_of(filename)


@dataclass(frozen=True)
class RowSource:
    record: str  # the row's identifier in the tool
    submission: str  # its submission's


@dataclass(frozen=True)
class Sheet:
    name: str
    table: Table
    parent: str | None = None  # the parent sheet's name; None for the main sheet
    # line -> the identifier the row is known by in its children's link columns
    link_ids: dict[int, str] = field(default_factory=dict)
    # line -> the parent row's link identifier
    parent_ids: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportTable(Table):
    """A table with, for each line, the record's identifiers in the tool (when it has them)
    and the sheet its rows come from."""

    sources: dict[int, RowSource] = field(default_factory=dict)
    sheet: str = ""


def read_sheets(data: bytes, fmt: str) -> list[tuple[str, Table]]:
    """Every sheet (XLSX) or every CSV file (zip) with its name; one table otherwise."""
    if fmt == "xlsx":
        return _xlsx_sheets(data)
    if fmt == "zip":
        return _zip_sheets(data)
    return [("", read_table(data, fmt))]


def _xlsx_sheets(data: bytes) -> list[tuple[str, Table]]:
    names = sheet_names(data)
    if len(names) > MAX_SHEETS:
        raise TableError(_("The workbook has more than %(n)s sheets.") % {"n": MAX_SHEETS})
    sheets: list[tuple[str, Table]] = []
    for position, name in enumerate(names):
        try:
            sheets.append((name, read_table(data, "xlsx", sheet=position)))
        except TableError as exc:
            if position and str(exc) == _("The file is empty."):
                continue  # KoBo writes a sheet for a repeat nobody filled
            if len(names) == 1:
                raise
            raise TableError(
                _("Sheet %(sheet)s: %(error)s") % {"sheet": name, "error": exc}, line=exc.line
            ) from None
    return sheets


def _zip_sheets(data: bytes) -> list[tuple[str, Table]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TableError(_("The file is not a zip archive.")) from None
    members = sorted(
        (info for info in archive.infolist() if info.filename.lower().endswith(".csv")),
        # ODK Central names the main file after the form and each repeat <form>-<group>.csv:
        # the shortest name is the main file.
        key=lambda info: (len(PurePosixPath(info.filename).stem), info.filename),
    )
    if not members:
        raise TableError(_("The zip archive holds no CSV file."))
    if len(members) > MAX_SHEETS:
        raise TableError(_("The archive has more than %(n)s CSV files.") % {"n": MAX_SHEETS})
    sheets: list[tuple[str, Table]] = []
    for info in members:
        if info.file_size > 200 * 1024 * 1024:
            raise TableError(_("A file in the archive is too large."))
        name = PurePosixPath(info.filename).stem
        try:
            sheets.append((name, read_table(archive.read(info), "csv")))
        except TableError as exc:
            if str(exc) == _("The file is empty."):
                continue
            raise TableError(
                _("File %(sheet)s: %(error)s") % {"sheet": name, "error": exc}, line=exc.line
            ) from None
    return sheets


def _is_kobo_repeat(table: Table) -> bool:
    return "_parent_index" in table.columns


def _is_odk_repeat(table: Table) -> bool:
    return "PARENT_KEY" in table.columns


def _link(sheets: list[tuple[str, Table]]) -> list[Sheet]:
    """The sheets with their parent sheet and each row's link identifiers."""
    main_name, main = sheets[0]
    if _is_kobo_repeat(main) or _is_odk_repeat(main):
        raise TableError(
            _("The first sheet must be the main one (one row per submission), not a repeat.")
        )
    # A file of one sheet needs no links (and its KEY or _index may mean something else).
    if len(sheets) == 1:
        return [Sheet(main_name, main, None, {line: str(line) for line, _r in main.rows})]
    out = [Sheet(main_name, main, None, _own_links(main_name, main))]
    owner: dict[str, str] = {key: main_name for key in out[0].link_ids.values()}
    for name, table in sheets[1:]:
        kobo, odk = _is_kobo_repeat(table), _is_odk_repeat(table)
        if not (kobo or odk):
            raise TableError(
                _(
                    "Sheet %(sheet)s is neither the main sheet nor a repeat group linked to "
                    "it (no _parent_index or PARENT_KEY column)."
                )
                % {"sheet": name}
            )
        parent_ids: dict[int, str] = {}
        for line, row in table.rows:
            if kobo:
                parent_sheet = row.get("_parent_table_name", "") or main_name
                parent_ids[line] = f"{parent_sheet}#{row.get('_parent_index', '')}"
            else:
                parent_ids[line] = row.get("PARENT_KEY", "")
        parents = {owner.get(p) for p in parent_ids.values()}
        if None in parents:
            line = next(ln for ln, p in parent_ids.items() if p not in owner)
            raise TableError(
                _("Sheet %(sheet)s, line %(line)s: the row's parent is not in the export.")
                % {"sheet": name, "line": line},
                line=line,
            )
        if len(parents) > 1:
            raise TableError(
                _("Sheet %(sheet)s has rows under two different sheets.") % {"sheet": name}
            )
        sheet = Sheet(name, table, parents.pop(), _own_links(name, table), parent_ids)
        out.append(sheet)
        for key in sheet.link_ids.values():
            owner[key] = name
    return out


def _own_links(name: str, table: Table) -> dict[int, str]:
    if "KEY" in table.columns:
        links = {line: row.get("KEY", "") for line, row in table.rows}
    elif "_index" in table.columns:
        links = {line: f"{name}#{row.get('_index', '')}" for line, row in table.rows}
    else:
        return {line: f"{name}#line-{line}" for line, _row in table.rows}
    first: dict[str, int] = {}
    for line, link in links.items():
        if link in first:
            raise TableError(
                _(
                    "Sheet %(sheet)s, line %(line)s: the same KEY or _index as line %(first)s; "
                    "rows under them could not be told apart."
                )
                % {"sheet": name or "1", "line": line, "first": first[link]},
                line=line,
            )
        first[link] = line
    return links


def _record_columns(columns: Sequence[str]) -> list[str]:
    """The main sheet's columns that identify a submission, best first: ODK's KEY, KoBo's
    rootUuid (kept across edits) or _uuid, else the instanceID."""
    found = []
    for wanted in ("KEY", "rootUuid", "_uuid", "instanceID"):
        found += [c for c in columns if c == wanted or last_part(c) == wanted.lower()]
    return found


def _main_record(row: dict[str, str], columns: Sequence[str]) -> str:
    """A submission's identifier ('' when there is none)."""
    for name in columns:
        value = row.get(name, "").strip()
        if value:
            return value.removeprefix("uuid:")
    return ""


def offered_columns(sheets: Sequence[Sheet]) -> list[str]:
    """The columns a mapping may name: every column of every sheet, without the repeat
    sheets' link columns. A name found on two sheets is refused."""
    seen: dict[str, str] = {}
    for sheet in sheets:
        for column in sheet.table.columns:
            if sheet.parent is not None and (
                column in _KOBO_LINK
                or column in _ODK_LINK
                or column.startswith("_submission_")
                or column == "__submission__version__"
            ):
                continue
            if column in seen:
                raise TableError(
                    _("The column %(name)s is on sheets %(first)s and %(second)s.")
                    % {"name": column, "first": seen[column], "second": sheet.name}
                )
            seen[column] = sheet.name
    return list(seen)


def read_export(data: bytes, fmt: str) -> tuple[list[Sheet], list[str]]:
    """The linked sheets of a file and the columns a mapping may name."""
    raw = read_sheets(data, fmt)
    if not raw:
        raise TableError(_("The file is empty."))
    sheets = _link(raw)
    return sheets, offered_columns(sheets)


def flatten(sheets: Sequence[Sheet], mapped: Sequence[str]) -> ExportTable:
    """The rows of the import: the deepest sheet holding one of the ``mapped`` columns, each
    row with its ancestors' columns, and every row's identifiers."""
    by_name = {s.name: s for s in sheets}
    sheet_of = {c: s.name for s in sheets for c in s.table.columns}

    def ancestors(name: str) -> list[str]:
        chain = [name]
        while by_name[chain[-1]].parent is not None:
            chain.append(by_name[chain[-1]].parent or "")
        return chain

    used = {sheet_of[c] for c in mapped if c in sheet_of} or {sheets[0].name}
    deepest = max(used, key=lambda n: len(ancestors(n)))
    chain = ancestors(deepest)
    stray = sorted(c for c in mapped if c in sheet_of and sheet_of[c] not in chain)
    if stray:
        raise TableError(
            _(
                "Columns %(columns)s are on a sheet that is not linked to the rows of sheet "
                "%(sheet)s: map columns of that sheet and of the sheets above it."
            )
            % {"columns": ", ".join(stray), "sheet": deepest}
        )
    # Each sheet's rows by their link identifier, and each row's identifier in the tool.
    index: dict[str, dict[str, tuple[int, dict[str, str]]]] = {}
    for name in chain:
        sheet = by_name[name]
        index[name] = {sheet.link_ids[line]: (line, row) for line, row in sheet.table.rows}
    records: dict[tuple[str, int], str] = {}
    main_ids = _record_columns(by_name[chain[-1]].table.columns)
    rows_by_line = {name: dict(by_name[name].table.rows) for name in chain}
    # A KoBo repeat row's place among the rows under the same parent (1, 2, ...).
    places: dict[tuple[str, int], int] = {}
    for name in chain:
        counts: dict[str, int] = {}
        for line, _row in by_name[name].table.rows:
            parent_link = by_name[name].parent_ids.get(line, "")
            counts[parent_link] = counts.get(parent_link, 0) + 1
            places[(name, line)] = counts[parent_link]

    def record_of(name: str, line: int) -> str:
        if (name, line) in records:
            return records[(name, line)]
        sheet = by_name[name]
        row = rows_by_line[name][line]
        if sheet.parent is None:
            value = _main_record(row, main_ids)
        elif "KEY" in sheet.table.columns:
            value = row.get("KEY", "").strip().removeprefix("uuid:")
        else:
            parent_line, _row = index[sheet.parent][sheet.parent_ids[line]]
            parent = record_of(sheet.parent, parent_line)
            value = f"{parent}/{name}[{places[(name, line)]}]" if parent else ""
        records[(name, line)] = value
        return value

    rows_sheet = by_name[deepest]
    columns = [c for name in reversed(chain) for c in by_name[name].table.columns]
    rows: list[tuple[int, dict[str, str]]] = []
    sources: dict[int, RowSource] = {}
    for line, row in rows_sheet.table.rows:
        joined = dict(row)
        name, current = deepest, line
        while by_name[name].parent is not None:
            parent_name = by_name[name].parent or ""
            parent_line, parent_row = index[parent_name][by_name[name].parent_ids[current]]
            for column, value in parent_row.items():
                joined.setdefault(column, value)
            name, current = parent_name, parent_line
        rows.append((line, joined))
        if not main_ids:
            continue  # not an export of KoBo or ODK: no identifiers to keep
        record, submission = record_of(deepest, line), record_of(name, current)
        if record and submission:
            sources[line] = RowSource(record, submission)
    unique = list(dict.fromkeys(columns))
    return ExportTable(unique, rows, sources, deepest if len(sheets) > 1 else "")

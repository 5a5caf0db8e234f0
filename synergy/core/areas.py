"""Import of a country's administrative areas from a CSV, Excel or OpenDocument file: validate
every row, then write all or nothing.

Columns: ``code,name,level,parent_code,valid_from,valid_to`` (dates as YYYY-MM-DD, the last
three optional). A parent may be defined earlier in the same file or already exist.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from synergy.core.audit import audit_record
from synergy.core.errors import ImportRowError
from synergy.core.models import AdminArea, Country, User
from synergy.core.tabular import TableError, format_of, read_table

REQUIRED_COLUMNS = ("code", "name", "level")
OPTIONAL_COLUMNS = ("parent_code", "valid_from", "valid_to")
# Checked here so that an over-long value is a row error, not a database error on PostgreSQL.
MAX_CODE: int = AdminArea._meta.get_field("code").max_length or 40
MAX_NAME: int = AdminArea._meta.get_field("name").max_length or 200


def _parse_date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def admin_areas_import(
    *, country: Country, data: bytes, actor: User | None, filename: str = "areas.csv"
) -> int:
    """Import areas for ``country`` from a CSV, Excel or OpenDocument file (``filename``
    gives the format); raises ImportRowError naming every bad line."""
    try:
        table = read_table(data, format_of(filename))
    except TableError as exc:
        raise ImportRowError([(exc.line or 1, "row" if exc.line else "file", str(exc))]) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing:
        raise ImportRowError([(1, c, "required column is missing") for c in missing])

    existing = {a.code: a for a in AdminArea.objects.filter(country=country)}
    seen: dict[str, int] = {}
    levels: dict[str, int] = {code: a.level for code, a in existing.items()}
    errors: list[tuple[int, str, str]] = []
    rows = []
    for line, row in table.rows:
        code, name, parent = row.get("code", ""), row.get("name", ""), row.get("parent_code", "")
        if not code:
            errors.append((line, "code", "is empty"))
        elif len(code) > MAX_CODE:
            errors.append((line, "code", f"is longer than {MAX_CODE} characters"))
        elif code in seen:
            errors.append((line, "code", f"{code!r} already appears on line {seen[code]}"))
        if not name:
            errors.append((line, "name", "is empty"))
        elif len(name) > MAX_NAME:
            errors.append((line, "name", f"is longer than {MAX_NAME} characters"))
        level: int | None = None
        try:
            level = int(row.get("level", ""))
            if level < 0:
                raise ValueError
        except ValueError:
            level = None
            errors.append((line, "level", f"{row.get('level')!r} is not a whole number ≥ 0"))
        dates: dict[str, date | None] = {}
        for field in ("valid_from", "valid_to"):
            try:
                dates[field] = _parse_date(row.get(field, ""))
            except ValueError:
                errors.append((line, field, f"{row.get(field)!r} is not a date (YYYY-MM-DD)"))
        if dates.get("valid_from") and dates.get("valid_to"):
            if dates["valid_from"] > dates["valid_to"]:  # type: ignore[operator]
                errors.append((line, "valid_to", "is before valid_from"))
        if parent:
            if parent not in levels:
                errors.append((line, "parent_code", f"{parent!r} is not a known area"))
            # A parent whose own level is bad (-1) is already reported on its line.
            elif level is not None and levels[parent] >= 0 and levels[parent] != level - 1:
                errors.append(
                    (
                        line,
                        "parent_code",
                        f"{parent!r} is at level {levels[parent]}, not {level - 1}",
                    )
                )
        if code:
            seen.setdefault(code, line)
            levels[code] = level if level is not None else -1
        rows.append(
            (code, name, level or 0, parent, dates.get("valid_from"), dates.get("valid_to"))
        )
    if errors:
        raise ImportRowError(errors)
    if not rows:
        raise ImportRowError([(1, "file", "contains no rows")])

    with transaction.atomic():
        by_code = dict(existing)
        for code, name, level, parent, valid_from, valid_to in rows:
            area, _ = AdminArea.objects.update_or_create(
                country=country,
                code=code,
                defaults={
                    "name": name,
                    "level": level,
                    "parent": by_code[parent] if parent else None,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                },
            )
            by_code[code] = area
        audit_record(
            actor=actor,
            action="import",
            object_type="core.adminarea",
            object_id=country.iso2,
            detail={"rows": len(rows)},
        )
    return len(rows)

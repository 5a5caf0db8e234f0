"""Importing households, children and visits from a CSV or Excel file (a KoBoToolbox or ODK
export, or any table) with a column mapping; all rows or none.

The file: one row per child, or per visit of a child (several rows with the same ``child_ref``
are several visits of one child; several children with the same ``household_ref`` share one
household). Column names may carry the group prefixes of KoBo/ODK exports
(``child/name_first``, ``group_hh/head``); a mapping may name the full column or, when it is
unambiguous, only its last part (``name_first``). ``select_one`` answers are codes: ``values``
translates them (``{"sex": {"1": "M", "2": "F"}}``); ``select_multiple`` answers are
space-separated codes (risk factors).

The mapping, as JSON::

    {"columns": {"first_name": "child/name_first", "last_name": "child/name_last",
                 "sex": "child/sex", "age": "child/age", "household_ref": "_parent_index",
                 "head_name": "hh/head", "area": "hh/village_pcode",
                 "visit_date": "today", "econ_hours": "work/hours_week"},
     "values": {"sex": {"1": "M", "2": "F"}},
     "defaults": {"consent_given": true, "consent_by": "head", "visit_kind": "identification"}}

Targets (``FIELDS``): household fields, child fields, visit fields. Required: ``first_name``,
``sex``, and ``date_of_birth`` or ``age``; the household's consent (``consent_given`` and
``consent_by``, from columns or as ``defaults`` the uploader confirms) whenever household
columns are mapped. A row with an empty ``visit_date`` registers the child without a visit.

``parse_rows`` + ``plan_import`` check every row (named errors: line of the file, column,
message; never the value, which may be personal data) and raise
``synergy.core.errors.ImportRowError``; ``run_import`` then writes everything in one
transaction through the CLMS services (encryption, blind indexes, duplicate flags,
classification of each visit, status rules, outcomes, audit), so an error on any row - even one
only a service detects - leaves nothing written.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from synergy.core.errors import ImportRowError
from synergy.core.models import AdminArea, Organisation, User

MAX_ERRORS = 200
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}

HOUSEHOLD_TARGETS = (
    "household_ref",
    "head_name",
    "address",
    "contact_phone",
    "member_count",
    "livelihood",
    "consent_given",
    "consent_by",
    "consent_date",
)
CHILD_TARGETS = (
    "child_ref",
    "first_name",
    "last_name",
    "other_names",
    "sex",
    "date_of_birth",
    "age",
    "area",
    "school_status",
    "grade",
    "risk_factors",
    "project",
    "registered_on",
)
VISIT_TARGETS = (
    "visit_date",
    "visit_kind",
    "monitor_role",
    "activities",
    "industry_code",
    "occupation_code",
    "econ_hours",
    "chore_hours",
    "hazardous_conditions",
    "night_work",
    "worst_forms",
    "attendance_percent",
)
FIELDS = HOUSEHOLD_TARGETS + CHILD_TARGETS + VISIT_TARGETS
BOOLEAN_TARGETS = ("consent_given", "hazardous_conditions", "night_work", "worst_forms")
DATE_TARGETS = ("consent_date", "date_of_birth", "registered_on", "visit_date")
CHOICE_TARGETS = (
    "sex",
    "livelihood",
    "consent_by",
    "school_status",
    "visit_kind",
    "monitor_role",
)
HOUSEHOLD_DATA = tuple(t for t in HOUSEHOLD_TARGETS if t != "household_ref")

# Codes that KoBo/ODK forms commonly use, lower case.
DEFAULT_CODES: dict[str, dict[str, str]] = {
    "sex": {
        "1": "M",
        "2": "F",
        "m": "M",
        "f": "F",
        "male": "M",
        "female": "F",
        "boy": "M",
        "girl": "F",
    },
}
TRUE_WORDS = {"1", "yes", "y", "true", "oui", "si", "sí", "sim", "نعم"}
FALSE_WORDS = {"0", "no", "n", "false", "non", "não", "nao", "لا"}

# Likely source columns (last part of the name, lower case) for each target.
GUESSES: dict[str, tuple[str, ...]] = {
    "household_ref": ("household_ref", "household_id", "hh_id", "_parent_index", "hhid"),
    "head_name": ("head_name", "hh_head", "head", "household_head", "name_head"),
    "address": ("address", "hh_address"),
    "contact_phone": ("contact_phone", "phone", "telephone"),
    "member_count": ("member_count", "hh_size", "household_size", "members"),
    "livelihood": ("livelihood", "main_livelihood"),
    "consent_given": ("consent_given", "consent"),
    "consent_by": ("consent_by",),
    "consent_date": ("consent_date",),
    "child_ref": ("child_ref", "child_id", "_index", "childid"),
    "first_name": ("first_name", "name_first", "firstname", "given_name", "child_name"),
    "last_name": ("last_name", "name_last", "lastname", "surname", "family_name"),
    "other_names": ("other_names", "middle_name", "name_other"),
    "sex": ("sex", "gender", "child_sex"),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate"),
    "age": ("age", "child_age", "age_years"),
    "area": ("area", "area_code", "pcode", "village_pcode", "admin_code"),
    "school_status": ("school_status", "schooling"),
    "grade": ("grade", "school_grade"),
    "risk_factors": ("risk_factors", "risks"),
    "project": ("project", "project_code"),
    "registered_on": ("registered_on", "today", "registration_date"),
    "visit_date": ("visit_date", "date_visit", "interview_date", "today"),
    "visit_kind": ("visit_kind", "visit_type"),
    "monitor_role": ("monitor_role",),
    "activities": ("activities", "work_activities"),
    "industry_code": ("industry_code", "isic"),
    "occupation_code": ("occupation_code", "isco"),
    "econ_hours": ("econ_hours", "hours_work", "work_hours", "hours_week"),
    "chore_hours": ("chore_hours", "hours_chores", "chores_hours"),
    "hazardous_conditions": ("hazardous_conditions", "hazardous", "haz_conditions"),
    "night_work": ("night_work", "works_at_night"),
    "worst_forms": ("worst_forms", "wfcl"),
    "attendance_percent": ("attendance_percent", "attendance", "school_attendance"),
}


class MappingError(ValueError):
    """The mapping itself is wrong (unknown target, missing column, ambiguous name)."""


# ---------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# The mapping
# ---------------------------------------------------------------------------------------------


def _last_part(column: str) -> str:
    return re.split(r"[/:.]", column)[-1].strip().lower()


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]  # target -> source column (resolved against the file)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "values": self.values, "defaults": self.defaults}


def parse_mapping(data: dict[str, Any] | str, columns: Sequence[str]) -> Mapping:
    """Check a mapping against the file's columns; raises MappingError naming the problem."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise MappingError(
                _("The mapping is not valid JSON: %(error)s") % {"error": exc}
            ) from None
    if not isinstance(data, dict):
        raise MappingError(_("The mapping must be a JSON object."))
    raw_columns = data.get("columns", {})
    values = data.get("values", {}) or {}
    defaults = data.get("defaults", {}) or {}
    if not isinstance(raw_columns, dict) or not isinstance(defaults, dict):
        raise MappingError("'columns' and 'defaults' must be objects.")
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise MappingError("'values' must map a field to an object of codes.")
    unknown = sorted((set(raw_columns) | set(values) | set(defaults)) - set(FIELDS))
    if unknown:
        raise MappingError(
            _("Unknown field(s) in the mapping: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    resolved: dict[str, str] = {}
    for target, wanted in raw_columns.items():
        if wanted in (None, ""):
            continue
        resolved[target] = resolve_column(str(wanted), columns)
    missing = [t for t in ("first_name", "sex") if t not in resolved and t not in defaults]
    if "date_of_birth" not in resolved and "age" not in resolved:
        missing.append("date_of_birth or age")
    if missing:
        raise MappingError(
            _("The mapping must name a column for: %(fields)s") % {"fields": ", ".join(missing)}
        )
    if any(t in resolved for t in HOUSEHOLD_DATA) or "household_ref" in resolved:
        for target in ("consent_given", "consent_by"):
            if target not in resolved and target not in defaults:
                raise MappingError(
                    _(
                        "Households need their consent: map consent_given and consent_by, or "
                        "confirm that consent was recorded for every household."
                    )
                )
    return Mapping(
        resolved,
        {str(k): {str(c).strip().lower(): str(v) for c, v in m.items()} for k, m in values.items()},
        dict(defaults),
    )


def resolve_column(wanted: str, columns: Sequence[str]) -> str:
    if wanted in columns:
        return wanted
    lowered = [c for c in columns if c.lower() == wanted.lower()]
    if len(lowered) == 1:
        return lowered[0]
    by_last = [c for c in columns if _last_part(c) == _last_part(wanted)]
    if len(by_last) == 1:
        return by_last[0]
    if len(by_last) > 1:
        raise MappingError(
            _("Column %(name)s is ambiguous (%(columns)s): give the full name.")
            % {"name": wanted, "columns": ", ".join(by_last)}
        )
    raise MappingError(_("The file has no column %(name)s.") % {"name": wanted})


def guess_mapping(columns: Sequence[str]) -> dict[str, str]:
    """A first mapping for the form: the first column whose last part is a known name."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for target in FIELDS:
        for guess in GUESSES.get(target, ()):
            hits = [c for c in columns if _last_part(c) == guess and c not in used]
            if hits:
                out[target] = hits[0]
                used.add(hits[0])
                break
    return out


# ---------------------------------------------------------------------------------------------
# Validation: rows -> a plan
# ---------------------------------------------------------------------------------------------


@dataclass
class VisitPlan:
    line: int
    visit_date: date
    kind: str
    fields: dict[str, Any]


@dataclass
class ChildPlan:
    line: int
    key: str
    household_key: str | None
    fields: dict[str, Any]
    estimated_age: int | None
    registered_on: date
    area_code: str
    project_code: str
    visits: list[VisitPlan] = field(default_factory=list)


@dataclass
class HouseholdPlan:
    line: int
    key: str
    fields: dict[str, Any]
    area_code: str


@dataclass
class Plan:
    households: dict[str, HouseholdPlan]
    children: list[ChildPlan]
    areas: dict[str, AdminArea]
    projects: dict[str, Any]

    @property
    def visit_count(self) -> int:
        return sum(len(c.visits) for c in self.children)

    def summary(self) -> dict[str, int]:
        return {
            "households": len(self.households),
            "children": len(self.children),
            "visits": self.visit_count,
        }


class _Errors:
    def __init__(self) -> None:
        self.items: list[tuple[int, str, str]] = []
        self.total = 0

    def add(self, line: int, column: str, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_ERRORS:
            self.items.append((line, column, message))


def _choices(target: str) -> set[str]:
    from synergy.monitoring import models as m

    enum = {
        "sex": m.Sex,
        "livelihood": m.Livelihood,
        "consent_by": m.ConsentBy,
        "school_status": m.SchoolStatus,
        "visit_kind": m.VisitKind,
        "monitor_role": m.MonitorRole,
    }[target]
    return {str(v) for v in enum.values}


_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


def _parse_date(text: str) -> date:
    """ISO dates (KoBo/ODK exports, with or without a time) or day/month/year."""
    text = text.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    found = _DMY.match(text)
    if found:
        day, month, year = (int(g) for g in found.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ValueError(_("not a date (use YYYY-MM-DD)"))


def plan_import(
    table: Table,
    mapping: Mapping,
    *,
    organisation: Organisation,
    today: date | None = None,
    on_row: Callable[[int], None] | None = None,
) -> Plan:
    """Check every row; raise ImportRowError listing each problem, or return what to write."""
    from synergy.monitoring.models import RiskFactor
    from synergy.partners.models import Project

    today = today or timezone.localdate()
    errors = _Errors()
    col = mapping.columns
    choice_sets = {t: _choices(t) for t in CHOICE_TARGETS}
    country_id = organisation.country_id
    area_codes = {
        (r[col["area"]] or "").strip()
        for _line, r in table.rows
        if "area" in col and r.get(col["area"], "").strip()
    }
    areas = {
        a.code: a for a in AdminArea.objects.filter(country_id=country_id, code__in=area_codes)
    }
    project_codes = {
        r.get(col["project"], "").strip() for _line, r in table.rows if "project" in col
    } - {""}
    if "project" in mapping.defaults:
        project_codes.add(str(mapping.defaults["project"]))
    projects = {p.code: p for p in Project.objects.filter(code__in=project_codes)}
    risk_codes = set(RiskFactor.objects.filter(active=True).values_list("code", flat=True))

    def column_of(target: str) -> str:
        return col.get(target, target)

    def raw(row: dict[str, str], target: str) -> str:
        if target in col:
            text = row.get(col[target], "").strip()
        else:
            text = ""
        if not text and target in mapping.defaults:
            default = mapping.defaults[target]
            text = ("yes" if default else "no") if isinstance(default, bool) else str(default)
        codes = mapping.values.get(target) or DEFAULT_CODES.get(target)
        if text and codes:
            text = codes.get(text.lower(), text)
        return text

    households: dict[str, HouseholdPlan] = {}
    children: dict[str, ChildPlan] = {}
    order: list[ChildPlan] = []
    has_household = any(t in col for t in HOUSEHOLD_DATA) or "household_ref" in col
    for index, (line, row) in enumerate(table.rows):
        if on_row is not None and index % 500 == 0:
            on_row(index)
        values: dict[str, Any] = {}
        for target in FIELDS:
            text = raw(row, target)
            if not text:
                continue
            try:
                values[target] = _convert(target, text, choice_sets, today)
            except ValueError as exc:
                errors.add(line, column_of(target), str(exc))
        for target in ("first_name", "sex"):
            if target not in values and not any(
                e[0] == line and e[1] == column_of(target) for e in errors.items
            ):
                errors.add(line, column_of(target), _("required"))
        if "date_of_birth" not in values and "age" not in values:
            errors.add(
                line,
                column_of("date_of_birth" if "date_of_birth" in col else "age"),
                _("give a date of birth or an age"),
            )
        for code in values.get("risk_factors", []):
            if code not in risk_codes:
                errors.add(
                    line,
                    column_of("risk_factors"),
                    _("unknown risk factor code %(code)s") % {"code": code},
                )
        area_code = values.get("area", "")
        if area_code and area_code not in areas:
            errors.add(line, column_of("area"), _("unknown area code in this country"))
        project_code = values.get("project", "")
        if project_code and project_code not in projects:
            errors.add(line, column_of("project"), _("unknown project code"))
        registered_on = values.get("registered_on") or values.get("visit_date") or today
        dob = values.get("date_of_birth")
        if dob is not None and dob > registered_on:
            errors.add(line, column_of("date_of_birth"), _("the date of birth is after the visit"))
        # Household
        household_key: str | None = None
        if has_household:
            household_key = values.get("household_ref") or f"line-{line}"
            data = {t: values[t] for t in HOUSEHOLD_DATA if t in values}
            known = households.get(household_key)
            if known is None:
                if not data.get("consent_given"):
                    errors.add(
                        line,
                        column_of("consent_given"),
                        _("the household's consent is not recorded"),
                    )
                if not data.get("consent_by"):
                    errors.add(line, column_of("consent_by"), _("required"))
                households[household_key] = HouseholdPlan(line, household_key, data, area_code)
            else:
                for target, value in data.items():
                    if target in known.fields and known.fields[target] != value:
                        errors.add(
                            line,
                            column_of(target),
                            _("differs from line %(line)s of the same household")
                            % {"line": known.line},
                        )
        # Child (several rows with the same child_ref are visits of one child)
        child_key = values.get("child_ref") or f"line-{line}"
        child_fields = {
            t: values[t]
            for t in (
                "first_name",
                "last_name",
                "other_names",
                "sex",
                "date_of_birth",
                "school_status",
                "grade",
                "risk_factors",
            )
            if t in values
        }
        plan = children.get(child_key)
        if plan is None:
            plan = ChildPlan(
                line=line,
                key=child_key,
                household_key=household_key,
                fields=child_fields,
                estimated_age=values.get("age") if "date_of_birth" not in values else None,
                registered_on=registered_on,
                area_code=area_code,
                project_code=project_code,
            )
            children[child_key] = plan
            order.append(plan)
        else:
            for target, value in child_fields.items():
                if plan.fields.get(target) != value:
                    errors.add(
                        line,
                        column_of(target),
                        _("differs from line %(line)s of the same child") % {"line": plan.line},
                    )
            if household_key != plan.household_key and "household_ref" in col:
                errors.add(
                    line,
                    column_of("household_ref"),
                    _("differs from line %(line)s of the same child") % {"line": plan.line},
                )
            plan.registered_on = min(plan.registered_on, registered_on)
        if "visit_date" in values:
            visit_fields = {
                t: values[t]
                for t in VISIT_TARGETS
                if t in values and t not in ("visit_date", "visit_kind")
            }
            plan.visits.append(
                VisitPlan(line, values["visit_date"], values.get("visit_kind", ""), visit_fields)
            )
        elif any(t in values for t in VISIT_TARGETS if t != "visit_kind") and not any(
            e[0] == line and e[1] == column_of("visit_date") for e in errors.items
        ):
            errors.add(line, column_of("visit_date"), _("a visit needs its date"))
    if not table.rows:
        errors.add(1, "", _("the file has no data rows"))
    if errors.items:
        raise ImportRowError(errors.items)
    for plan in order:
        plan.visits.sort(key=lambda v: (v.visit_date, v.line))
        for position, visit in enumerate(plan.visits):
            if not visit.kind:
                visit.kind = "identification" if position == 0 else "follow_up"
    return Plan(households, order, areas, projects)


def _convert(target: str, text: str, choice_sets: dict[str, set[str]], today: date) -> Any:
    if target in BOOLEAN_TARGETS:
        word = text.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("answer yes or no (1/0)"))
    if target in DATE_TARGETS:
        value = _parse_date(text)
        if value > today:
            raise ValueError(_("the date is in the future"))
        return value
    if target in CHOICE_TARGETS:
        if text not in choice_sets[target]:
            allowed = ", ".join(sorted(choice_sets[target]))
            raise ValueError(_("not one of the codes %(codes)s") % {"codes": allowed})
        return text
    if target in ("age", "member_count"):
        try:
            number = int(Decimal(text))
        except (InvalidOperation, ValueError):
            raise ValueError(_("not a whole number")) from None
        if target == "age" and not 0 <= number <= 25:
            raise ValueError(_("give an age between 0 and 25"))
        if number < 0:
            raise ValueError(_("must not be negative"))
        return number
    if target in ("econ_hours", "chore_hours", "attendance_percent"):
        try:
            number_d = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("not a number")) from None
        top = 100 if target == "attendance_percent" else 168
        if not 0 <= number_d <= top:
            raise ValueError(_("must be between 0 and %(top)s") % {"top": top})
        return number_d
    if target == "risk_factors":
        return sorted({code for code in re.split(r"[\s,;]+", text) if code})
    if target in ("first_name", "last_name", "other_names", "head_name") and len(text) > 200:
        raise ValueError(_("too long (200 characters at most)"))
    return text


# ---------------------------------------------------------------------------------------------
# Writing, through the services
# ---------------------------------------------------------------------------------------------


def run_import(
    *,
    actor: User,
    organisation: Organisation,
    plan: Plan,
    progress: Callable[[int], None] | None = None,
    batch: bool = True,
) -> dict[str, int]:
    """Write the plan in ONE transaction. By default through ``run_import_batch`` (same
    records and rules, written in bulk); ``batch=False`` calls the CLMS services row by row.
    A rule refusing a row raises ImportRowError with that row's line: nothing is written.
    ``progress`` is called with the number of children written."""
    from synergy.monitoring import services

    if batch:
        return run_import_batch(
            actor=actor, organisation=organisation, plan=plan, progress=progress
        )

    with transaction.atomic():
        household_objs: dict[str, Any] = {}
        for key, hp in plan.households.items():
            with _row(hp.line):
                household_objs[key] = services.household_register(
                    actor=actor,
                    organisation=organisation,
                    area=plan.areas.get(hp.area_code),
                    **hp.fields,
                )
        for done, cp in enumerate(plan.children, start=1):
            with _row(cp.line):
                extra: dict[str, Any] = dict(cp.fields)
                if cp.household_key is not None:
                    extra["household"] = household_objs[cp.household_key]
                child = services.child_register(
                    actor=actor,
                    organisation=organisation,
                    estimated_age=cp.estimated_age,
                    area=plan.areas.get(cp.area_code),
                    projects=[plan.projects[cp.project_code]] if cp.project_code else [],
                    today=cp.registered_on,
                    **extra,
                )
            for vp in cp.visits:
                with _row(vp.line):
                    services.visit_record(
                        actor=actor,
                        child=child,
                        kind=vp.kind,
                        visit_date=vp.visit_date,
                        **vp.fields,
                    )
            if progress is not None and (done % 200 == 0 or done == len(plan.children)):
                progress(done)
    return plan.summary()


class _row:
    """Turns a service's ValidationError into ImportRowError naming the line and field."""

    def __init__(self, line: int) -> None:
        self.line = line

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, ValidationError):
            errors: list[tuple[int, str, str]] = []
            if hasattr(exc, "error_dict"):
                for name, items in exc.message_dict.items():
                    for message in items:
                        errors.append((self.line, name, str(message)))
            else:
                errors.extend((self.line, "", str(m)) for m in exc.messages)
            raise ImportRowError(errors) from None


class _Known(NamedTuple):
    """An existing child as the duplicate check needs it (blind indexes, no personal data)."""

    pk: int
    name_fp: str
    phonetic_fp: str
    sex: str
    birth_year: int | None
    area_id: int | None
    organisation_id: int


def _not_from_file(model: type[Any], from_file: Iterable[str]) -> list[str]:
    """The fields ``_clean`` leaves alone: foreign keys (instances resolved once for the whole
    file, so no existence check is needed) and the fields the import computes itself (status,
    blind indexes, classification, ...), which would only cost time to validate."""
    wanted = set(from_file)
    return [f.name for f in model._meta.concrete_fields if f.is_relation or f.name not in wanted]


def _clean(obj: Any, exclude: list[str]) -> None:
    """full_clean of the values that came from the file, without per-row queries:
    ``public_id`` is a fresh uuid4 (no unique check); the database still enforces keys."""
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


# The conditions of services.duplicate_check as SQL over a table ``f`` of the file's
# (name fingerprint, phonetic fingerprint, sex, birth year, area).
_CANDIDATE_COMMON = (
    "WHERE c.country_id = %s AND c.merged_into_id IS NULL AND c.sex = f.sex "
    "AND (f.area IS NULL OR c.area_id IS NULL OR c.area_id = f.area)"
)
# The birth year as three exclusive cases, so that a known year is a range of the
# (fingerprint, sex, birth year) index rather than a filter over every record of a common
# name (0.97 -> 0.47 s for 5,000 children among a million).
_CANDIDATE_YEARS = (
    "AND f.byear IS NOT NULL AND c.birth_year BETWEEN f.byear - 1 AND f.byear + 1",
    "AND f.byear IS NOT NULL AND c.birth_year IS NULL",
    "AND f.byear IS NULL",
)


def _candidate_sql(keys: str) -> tuple[str, int]:
    """The candidate query reading the file's keys from the common table expression ``keys``
    (which defines f), and how many times it takes the country as a parameter."""
    from synergy.monitoring.models import Child

    table = connection.ops.quote_name(Child._meta.db_table)
    select = (
        "SELECT c.id, c.name_fp, c.phonetic_fp, c.sex, c.birth_year, c.area_id, "
        f"c.organisation_id FROM {table} c JOIN "
    )
    # Joins on one index each rather than one join on an OR. Each join reads the file's keys
    # in its index's order, so that consecutive lookups hit the same index pages (100,000
    # keys among a million children: 2.8 -> 1.8 s for each fingerprint).
    branches = [
        f"{select} (SELECT * FROM f ORDER BY {key}, sex, byear) f ON c.{column} = f.{key} "
        f"{_CANDIDATE_COMMON} {year}"
        for column, key in (("name_fp", "nfp"), ("phonetic_fp", "pfp"))
        for year in _CANDIDATE_YEARS
    ]
    return f"WITH {keys} " + " UNION ".join(branches), len(branches)


CandidateKey = tuple[str, str, str, int | None, int | None]


def _random_uuids(count: int) -> Iterator[uuid.UUID]:
    """``count`` version-4 UUIDs, as uuid4() makes them, from one read of the system's
    random source instead of one per record (3 s of a 100,000-children import)."""
    data = os.urandom(16 * count)
    for start in range(0, 16 * count, 16):
        yield uuid.UUID(bytes=data[start : start + 16], version=4)


class _CandidateSearch:
    """The duplicate-candidate query, on PostgreSQL in a second thread: the database works on
    it while the import builds and checks its records (100,000 children: a 4 s query, and
    the import 2.5 s faster).

    The thread uses the import's own connection (its transaction sees the same records);
    until ``result`` returns, the importing thread must not query."""

    def __init__(self, keys: list[CandidateKey], country_id: str) -> None:
        distinct = sorted(set(keys), key=repr)
        self._executor: ThreadPoolExecutor | None = None
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import")
            self._future = self._executor.submit(
                _candidates_postgresql, connection.connection, distinct, country_id
            )
        else:
            self._rows = _candidates_sqlite(distinct, country_id)

    def result(self) -> list[_Known]:
        if self._executor is None:
            return self._rows
        try:
            return self._future.result()
        finally:
            self._executor.shutdown()

    def wait(self) -> None:
        """Let the query finish (its result unused) before the transaction is undone."""
        if self._executor is not None:
            wait([self._future])
            self._executor.shutdown()


def _candidates_postgresql(raw: Any, keys: list[CandidateKey], country_id: str) -> list[_Known]:
    """The whole file's keys in a temporary table, read in one query (``raw``: the psycopg
    connection)."""
    sql, countries = _candidate_sql("f AS (SELECT * FROM synergy_import_keys)")
    # Index lookups in key order: with many keys the planner would rather merge or hash each
    # fingerprint's whole index with the keys, which multiplies the rows of common names
    # before the birth-year filter (12.9 s for 100,000 keys, against 4 s by lookups).
    settings = ("enable_mergejoin", "enable_hashjoin", "jit")
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE synergy_import_keys "
            "(nfp text, pfp text, sex text, byear integer, area bigint) ON COMMIT DROP"
        )
        with cursor.copy("COPY synergy_import_keys FROM STDIN") as copy:
            for key in keys:
                copy.write_row(key)
        cursor.execute("ANALYZE synergy_import_keys")
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(sql, [country_id] * countries)
        rows = cursor.fetchall()
        for setting in settings:
            cursor.execute(f"RESET {setting}")
        cursor.execute("DROP TABLE synergy_import_keys")
    return [_Known(*row) for row in rows]


def _candidates_sqlite(keys: list[CandidateKey], country_id: str) -> list[_Known]:
    """VALUES lists within SQLite's parameter limit."""
    found: list[_Known] = []
    step = 300
    with connection.cursor() as cursor:
        for start in range(0, len(keys), step):
            chunk = keys[start : start + step]
            values = ", ".join(
                ["(%s, %s, %s, CAST(%s AS integer), CAST(%s AS integer))"] * len(chunk)
            )
            sql, countries = _candidate_sql(f"f(nfp, pfp, sex, byear, area) AS (VALUES {values})")
            cursor.execute(sql, [v for key in chunk for v in key] + [country_id] * countries)
            found.extend(_Known(*row) for row in cursor.fetchall())
    return found


def run_import_batch(
    *,
    actor: User,
    organisation: Organisation,
    plan: Plan,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """The same records, rules and audit events as writing the plan row by row through
    ``services.household_register`` / ``child_register`` (+ ``child_enrol``) / ``visit_record``,
    without their per-row queries: rights, national policy and rules are read once per file
    (per project), risk-factor codes once, duplicate candidates in one query for the file
    (``_CandidateSearch``); the rules run in memory over each new child's own history (a new
    child has no referral and no other record yet), and every table is written in bulk
    (``synergy.core.bulk``: COPY on PostgreSQL) - audit events too, one per created record as
    in the services. Children are flagged, and their rules run, in file order, so a child is
    flagged against earlier children of the same file exactly as in the row-by-row path."""

    from synergy.core import bulk
    from synergy.core.context import current_ip
    from synergy.core.models import AuditEvent
    from synergy.monitoring import crypto, rules, services
    from synergy.monitoring.models import (
        Child,
        ChildNameToken,
        Household,
        Outcome,
        PossibleDuplicate,
        ProjectEnrolment,
        RiskFactor,
        Status,
        StatusChange,
        Visit,
        VisitKind,
    )
    from synergy.monitoring.services import CHILD_FIELDS, CHILD_OBJECT, HOUSEHOLD_FIELDS

    country = organisation.country
    if country is None:
        raise ImportRowError([(1, "", str(_("Choose the child's country.")))])
    services.require_write(actor, organisation_id=organisation.pk, country_id=country.pk)
    actor_or_none = actor if actor.is_authenticated else None
    ip = current_ip.get()
    today = timezone.localdate()
    known_risks = set(RiskFactor.objects.values_list("code", flat=True))
    setups: dict[tuple[int, ...], services.CountryRules] = {}

    def setup_for(project_ids: tuple[int, ...]) -> services.CountryRules:
        if project_ids not in setups:
            setups[project_ids] = services.country_rules(country.pk, project_ids)
        return setups[project_ids]

    # Audit events as (action, object type, record, detail, visit): the record's key (and the
    # visit's, for visits) is only known once it is written.
    audits: list[tuple[str, str, Any, dict[str, Any], Any]] = []

    def audit(
        action: str, obj: Any, object_type: str, detail: dict[str, Any], visit: Any = None
    ) -> None:
        audits.append((action, object_type, obj, detail, visit))

    with transaction.atomic():
        public_ids = _random_uuids(len(plan.households) + len(plan.children) + plan.visit_count)

        # Households
        household_fks = _not_from_file(Household, HOUSEHOLD_FIELDS)
        households: dict[str, Any] = {}
        for key, hp in plan.households.items():
            with _row(hp.line):
                unknown = set(hp.fields) - set(HOUSEHOLD_FIELDS)
                if unknown:
                    raise TypeError(f"unknown household fields: {sorted(unknown)}")
                household = Household(
                    public_id=next(public_ids),
                    organisation_id=organisation.pk,
                    country_id=country.pk,
                    created_by_id=actor.pk,
                    area=plan.areas.get(hp.area_code),
                    **hp.fields,
                )
                if not household.consent_given or not household.consent_by:
                    raise ValidationError(
                        {"consent_given": _("Record the household's consent and who gave it.")}
                    )
                if household.area is not None and household.area.country_id != country.pk:
                    raise ValidationError(
                        {"area": _("The area is not in the household's country.")}
                    )
                _clean(household, household_fks)
                households[key] = household
                audit("create", household, Household._meta.label_lower, {})
        bulk.insert_instances(Household, list(households.values()))

        # Existing children that may be duplicates, found by the blind indexes of the file's
        # names (computed once here, for the children's records too).
        indexer = crypto.NameIndexer()
        keys: list[CandidateKey] = []
        name_tokens: list[list[tuple[str, str]]] = []
        for cp in plan.children:
            names = (
                cp.fields.get("first_name", ""),
                cp.fields.get("last_name", ""),
                cp.fields.get("other_names", ""),
            )
            dob = cp.fields.get("date_of_birth")
            if dob is None and cp.estimated_age is not None:
                dob = services.estimated_birth_date(cp.estimated_age, cp.registered_on)
            area = plan.areas.get(cp.area_code)
            name_fp, phonetic_fp, digests = indexer.index(*names)
            name_tokens.append(digests)
            keys.append(
                (
                    name_fp,
                    phonetic_fp,
                    cp.fields.get("sex", ""),
                    dob.year if dob is not None else None,
                    area.pk if area is not None else None,
                )
            )

        # The national rules of each project combination, read before the search below
        # starts: while it runs, this thread must not use the database.
        def projects_of(cp: ChildPlan) -> tuple[int, ...]:
            return (plan.projects[cp.project_code].pk,) if cp.project_code else ()

        for cp in plan.children:
            setup_for(projects_of(cp))

        # Pass 1, while the database looks for candidates: build and check every child and
        # visit, and classify the visits (no query).
        child_fks = _not_from_file(Child, (*CHILD_FIELDS, "first_name", "sex"))
        visit_fks = _not_from_file(Visit, (*services.VISIT_FIELDS, "kind", "visit_date"))

        def build_records() -> list[tuple[Any, list[tuple[VisitPlan, Any, Any, int | None]]]]:
            built: list[tuple[Any, list[tuple[VisitPlan, Any, Any, int | None]]]] = []
            for index, cp in enumerate(plan.children):
                with _row(cp.line):
                    fields: dict[str, Any] = dict(cp.fields)
                    unknown = set(fields) - set(CHILD_FIELDS) - {"first_name", "sex"}
                    if unknown:
                        raise TypeError(f"unknown child fields: {sorted(unknown)}")
                    registered_on = cp.registered_on
                    if fields.get("date_of_birth") is None and cp.estimated_age is not None:
                        if not 0 <= cp.estimated_age <= 25:
                            raise ValidationError(
                                {"estimated_age": _("Give an age between 0 and 25.")}
                            )
                        fields["date_of_birth"] = services.estimated_birth_date(
                            cp.estimated_age, registered_on
                        )
                        fields["dob_estimated"] = True
                    wanted = sorted(set(fields.get("risk_factors") or []))
                    missing = [c for c in wanted if c not in known_risks]
                    if missing:
                        raise ValidationError(
                            {"risk_factors": _("Unknown risk factor: %s") % missing[0]}
                        )
                    fields["risk_factors"] = wanted
                    # Keys rather than instances where the instance is not needed: an instance
                    # goes through the relation's checks (a tenth of the time of building a child).
                    child = Child(
                        public_id=next(public_ids),
                        organisation_id=organisation.pk,
                        country_id=country.pk,
                        household=households.get(cp.household_key) if cp.household_key else None,
                        area=plan.areas.get(cp.area_code),
                        first_name=(fields.pop("first_name", "") or "").strip(),
                        created_by_id=actor.pk,
                        status=Status.IDENTIFIED,
                        **fields,
                    )
                    if child.area is not None and child.area.country_id != country.pk:
                        raise ValidationError(
                            {"area": _("The area is not in the child's country.")}
                        )
                    if child.date_of_birth is not None:
                        if child.date_of_birth > registered_on:
                            raise ValidationError(
                                {"date_of_birth": _("The date of birth is in the future.")}
                            )
                        child.birth_year = child.date_of_birth.year
                    # The blind indexes computed for the duplicate search above (same names).
                    child.name_fp, child.phonetic_fp = keys[index][0], keys[index][1]
                    child.next_followup_on = registered_on
                    _clean(child, child_fks)
                setup = setup_for(projects_of(cp))
                child_visits: list[tuple[VisitPlan, Any, Any, int | None]] = []
                for vp in cp.visits:
                    with _row(vp.line):
                        unknown = set(vp.fields) - set(services.VISIT_FIELDS)
                        if unknown:
                            raise TypeError(f"unknown visit fields: {sorted(unknown)}")
                        if vp.visit_date > today:
                            raise ValidationError(
                                {"visit_date": _("The visit date is in the future.")}
                            )
                        visit = Visit(
                            public_id=next(public_ids),
                            child=child,
                            organisation_id=organisation.pk,
                            kind=vp.kind,
                            visit_date=vp.visit_date,
                            created_by_id=actor.pk,
                            **vp.fields,
                        )
                        visit.hazards = list(visit.hazards or [])
                        age = services.age_on(child, vp.visit_date)
                        result = services.classify_visit(visit, age=age, sex=child.sex, setup=setup)
                        visit.age_at_visit = age
                        visit.label = result.label
                        visit.is_child_labour = result.is_child_labour
                        visit.reasons = list(result.reasons)
                        visit.warnings = list(result.warnings)
                        visit.framework = setup.framework
                        visit.policy_name = setup.policy.name
                        attendance = visit.attendance_percent
                        if attendance is not None and not 0 <= attendance <= 100:
                            raise ValidationError(
                                {
                                    "attendance_percent": _("must be between 0 and %(top)s")
                                    % {"top": 100}
                                }
                            )
                        _clean(visit, visit_fks)
                    child_visits.append((vp, visit, result, age))
                built.append((child, child_visits))
                if progress is not None and index % 1000 == 999:
                    progress((index + 1) // 4)  # a quarter of the work; the rules and writes follow
            return built

        search = _CandidateSearch(keys, country.pk)
        try:
            built = build_records()
        except BaseException:
            search.wait()
            raise

        by_name: dict[str, list[Any]] = {}
        by_phonetic: dict[str, list[Any]] = {}
        rank: dict[int, tuple[int, int]] = {}  # id(child) -> sort key (pk order)
        existing_ids: set[int] = set()
        for known in search.result():
            if known.pk in existing_ids:
                continue
            existing_ids.add(known.pk)
            rank[id(known)] = (0, known.pk)
            by_name.setdefault(known.name_fp, []).append(known)
            by_phonetic.setdefault(known.phonetic_fp, []).append(known)
        existing_outcomes: dict[int, set[int]] = {}

        def outcome_projects(pk: int) -> set[int]:
            """Projects in which an existing record counts (read when first needed)."""
            if pk not in existing_outcomes:
                existing_outcomes[pk] = set(
                    Outcome.objects.filter(child_id=pk).values_list("project_id", flat=True)
                )
            return existing_outcomes[pk]

        # Pass 2, in file order: duplicate flags against existing and earlier children, the
        # rules over each child's visits, outcomes and audit events.
        children: list[Any] = []
        tokens: list[tuple[Any, str, str]] = []  # (child, kind, digest)
        changes: list[tuple[Any, str, str, str, Any]] = []  # (child, from, to, reason, visit)
        flags: list[Any] = []
        enrolments: list[Any] = []
        visits: list[Any] = []
        outcomes: list[Any] = []
        new_outcomes: dict[int, dict[int, Any]] = {}  # id(child) -> project -> Outcome
        for index, (cp, (child, child_visits)) in enumerate(zip(plan.children, built, strict=True)):
            children.append(child)
            tokens.extend((child, kind, digest) for kind, digest in name_tokens[index])
            changes.append((child, "", Status.IDENTIFIED, "registered", None))
            # Duplicate flags: as services.duplicate_check, against existing and earlier rows.
            seen: set[int] = set()
            candidates: list[tuple[Any, str]] = []
            for other in by_name.get(child.name_fp, []) + by_phonetic.get(child.phonetic_fp, []):
                if id(other) in seen:
                    continue
                seen.add(id(other))
                if child.sex and other.sex != child.sex:
                    continue
                if child.birth_year and other.birth_year is not None:
                    if abs(other.birth_year - child.birth_year) > 1:
                        continue
                if child.area_id is not None and other.area_id not in (None, child.area_id):
                    continue
                candidates.append(
                    (other, "exact" if other.name_fp == child.name_fp else "phonetic")
                )
            candidates.sort(key=lambda pair: rank[id(pair[0])])
            candidates = candidates[:50]
            flags.extend(
                PossibleDuplicate(
                    child=child,
                    **(
                        {"candidate_id": other.pk}
                        if isinstance(other, _Known)
                        else {"candidate": other}
                    ),
                    match=match,
                    score=1.0 if match == "exact" else 0.8,
                    cross_organisation=other.organisation_id != organisation.pk,
                )
                for other, match in candidates
            )
            rank[id(child)] = (1, index)
            by_name.setdefault(child.name_fp, []).append(child)
            by_phonetic.setdefault(child.phonetic_fp, []).append(child)
            audit("create", child, Child._meta.label_lower, {"duplicates_flagged": len(candidates)})
            project_ids = projects_of(cp)
            if cp.project_code:
                project = plan.projects[cp.project_code]
                enrolments.append(
                    ProjectEnrolment(
                        child=child, project=project, organisation=organisation, created_by=actor
                    )
                )
                audit("enrol", child, CHILD_OBJECT, {"project": project.pk})
            # Visits, in date order, with the rules run over this child's history in memory.
            setup = setup_for(project_ids)
            history: list[tuple[date, str, bool]] = []  # (date, kind, clean) of earlier visits
            reached_on: dict[str, date | None] = {}  # status -> date of the visit that set it
            mine = new_outcomes.setdefault(id(child), {})
            for vp, visit, result, age in child_visits:
                followups: tuple[tuple[date, bool], ...] = ()
                since = reached_on.get(child.status)
                if child.status in (Status.WITHDRAWN, Status.PREVENTED) and since:
                    followups = tuple(
                        (d, clean)
                        for d, kind, clean in sorted(history, key=lambda h: h[0])
                        if d >= since and kind in (VisitKind.FOLLOW_UP, VisitKind.VERIFICATION)
                    )
                state = rules.CaseState(
                    status=child.status,
                    track=child.track,
                    has_risk_factors=bool(child.risk_factors),
                    has_accepted_referral=False,
                    has_education_service=False,
                    followups_since_outcome=followups,
                )
                decision = services.rules_on_visit(state, visit, result, age=age, setup=setup)
                visit.clean_followup = decision.clean
                visits.append(visit)
                history.append((vp.visit_date, vp.kind, decision.clean))
                # services.apply_rules, in memory
                for rule_step in decision.steps:
                    changes.append(
                        (child, child.status, rule_step.to_status, rule_step.reason, visit)
                    )
                    child.status = rule_step.to_status
                    reached_on[rule_step.to_status] = vp.visit_date
                child.track = decision.track or child.track
                last = max(child.last_visit_on or vp.visit_date, vp.visit_date)
                child.last_visit_on = last
                child.next_followup_on = rules.next_followup(child.status, last, setup.params)
                if decision.outcome and project_ids:
                    # services.count_outcomes: once per project, not if a linked record counts.
                    for project_id in project_ids:
                        outcome = mine.get(project_id)
                        if outcome is not None:
                            if outcome.relapsed_on is not None or outcome.kind != decision.outcome:
                                outcome.relapsed_on = None
                                outcome.kind = decision.outcome
                            continue
                        taken = any(
                            project_id in outcome_projects(other.pk)
                            if rank[id(other)][0] == 0
                            else project_id in new_outcomes.get(id(other), {})
                            for other, _m in candidates
                        )
                        if taken:
                            continue
                        outcome = Outcome(
                            project_id=project_id,
                            child=child,
                            organisation_id=organisation.pk,
                            kind=decision.outcome,
                            sex=child.sex,
                            achieved_on=vp.visit_date,
                            visit=visit,
                        )
                        mine[project_id] = outcome
                        outcomes.append(outcome)
                if decision.relapse:
                    for outcome in mine.values():
                        if outcome.relapsed_on is None:
                            outcome.relapsed_on = vp.visit_date
                audit("visit", child, CHILD_OBJECT, {"kind": vp.kind, "label": result.label}, visit)
            if progress is not None and index % 1000 == 999:
                progress(len(plan.children) // 4 + (index + 1) // 4)  # the writes follow

        bulk.insert_instances(Child, children)
        bulk.insert_rows(
            ChildNameToken,
            ("child_id", "kind", "digest"),
            ((child.pk, kind, digest) for child, kind, digest in tokens),
        )
        bulk.insert_instances(PossibleDuplicate, flags)
        bulk.insert_instances(ProjectEnrolment, enrolments)
        bulk.insert_instances(Visit, visits)
        now = timezone.now()
        actor_id = actor_or_none.pk if actor_or_none is not None else None
        bulk.insert_rows(
            StatusChange,
            ("child_id", "from_status", "to_status", "reason", "visit_id", "actor_id", "at"),
            (
                (child.pk, old, new, reason, visit.pk if visit else None, actor_id, now)
                for child, old, new, reason, visit in changes
            ),
        )
        bulk.insert_instances(Outcome, outcomes)
        bulk.insert_rows(
            AuditEvent,
            ("actor_id", "action", "object_type", "object_id", "organisation_id", "ip")
            + ("detail", "at"),
            (
                (
                    actor_id,
                    action,
                    object_type,
                    str(obj.pk),
                    organisation.pk,
                    ip,
                    {"visit": visit.pk, **detail} if visit is not None else detail,
                    now,
                )
                for action, object_type, obj, detail, visit in audits
            ),
        )
        if progress is not None:
            progress(len(plan.children))
    return plan.summary()


# ---------------------------------------------------------------------------------------------
# Import jobs: upload -> map -> preview -> confirm, with progress
# ---------------------------------------------------------------------------------------------
# Until the CLMS has an ImportJob table, a job is a directory MEDIA_ROOT/monitoring/imports/<id>/
# holding the upload ENCRYPTED with the field-encryption keys (it is personal data) and a
# job.json of metadata (column names, mapping, status, counts, errors as line/column/message -
# never values). The progress of a running import is written there too, outside the import's
# transaction, so the page can poll it.

JOB_STATUSES = ("uploaded", "invalid", "valid", "queued", "importing", "done", "failed")


@dataclass
class ImportJob:
    id: str
    owner_id: int
    organisation_id: int
    filename: str
    fmt: str
    columns: list[str]
    row_count: int = 0
    mapping: dict[str, Any] = field(default_factory=dict)
    status: str = "uploaded"
    rows_done: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_total: int = 0
    summary: dict[str, int] = field(default_factory=dict)
    created_at: str = ""

    @property
    def percent(self) -> int:
        total = self.summary.get("children") or self.row_count or 1
        return min(100, round(100 * self.rows_done / total))


def jobs_dir() -> Path:
    from django.conf import settings

    return Path(settings.MEDIA_ROOT) / "monitoring" / "imports"


def _job_dir(job_id: str) -> Path:
    import uuid

    return jobs_dir() / str(uuid.UUID(str(job_id)))


def _write_atomic(path: Path, data: bytes) -> None:
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def job_save(job: ImportJob) -> None:
    from dataclasses import asdict

    _write_atomic(_job_dir(job.id) / "job.json", json.dumps(asdict(job)).encode())


def job_get(job_id: str) -> ImportJob | None:
    try:
        path = _job_dir(job_id) / "job.json"
    except ValueError:
        return None
    if not path.exists():
        return None
    return ImportJob(**json.loads(path.read_text(encoding="utf-8")))


def _source(job: ImportJob) -> bytes:
    from synergy.monitoring import crypto

    token = (_job_dir(job.id) / "source.enc").read_text(encoding="ascii")
    return crypto.decrypt_bytes(token)


def job_create(*, actor: User, organisation: Organisation, filename: str, data: bytes) -> ImportJob:
    """Store an upload (encrypted) and read its header. Raises MappingError for an unreadable
    file."""
    import uuid

    from synergy.monitoring import crypto

    # Uploads nobody went on with are removed as new ones arrive (and by
    # `synergy monitoring purge-uploads`), so that no personal data lingers on disk.
    jobs_purge()
    fmt = source_format(filename)
    table = read_table(data, fmt)
    job = ImportJob(
        id=str(uuid.uuid4()),
        owner_id=actor.pk,
        organisation_id=organisation.pk,
        filename=Path(filename).name[:200],
        fmt=fmt,
        columns=table.columns,
        row_count=len(table.rows),
        created_at=timezone.now().isoformat(),
    )
    _write_atomic(_job_dir(job.id) / "source.enc", crypto.encrypt_bytes(data).encode("ascii"))
    job_save(job)
    return job


# A job whose import is under way is never purged, however old.
ACTIVE_JOB_STATUSES = ("queued", "importing")


def jobs_purge(*, now: datetime | None = None) -> int:
    """Delete the uploads (encrypted personal data) and records of import jobs older than
    IMPORT_UPLOAD_RETENTION_HOURS that are not under way: files that were checked but never
    imported, failed imports, and the records of finished ones. Returns how many went."""
    import shutil

    from django.conf import settings

    root = jobs_dir()
    if not root.is_dir():
        return 0
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.IMPORT_UPLOAD_RETENTION_HOURS)
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        job = job_get(folder.name) if _is_job_id(folder.name) else None
        if job is not None and job.status in ACTIVE_JOB_STATUSES:
            continue
        created = _job_created(job, folder)
        if created is not None and created < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _is_job_id(name: str) -> bool:
    import uuid

    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False


def _job_created(job: ImportJob | None, folder: Path) -> datetime | None:
    """When the job was created; for a folder without a readable record (an interrupted
    upload), when the folder was last written."""
    if job is not None and job.created_at:
        try:
            return datetime.fromisoformat(job.created_at)
        except ValueError:
            pass
    try:
        return datetime.fromtimestamp(folder.stat().st_mtime, tz=UTC)
    except OSError:
        return None


def job_check(job: ImportJob, mapping_data: dict[str, Any] | str) -> Plan | None:
    """Validate the whole file with ``mapping_data``: the job becomes "valid" (with the
    counts to write) or "invalid" (with the errors). Raises MappingError for a bad mapping."""
    organisation = Organisation.objects.get(pk=job.organisation_id)
    table = read_table(_source(job), job.fmt)
    mapping = parse_mapping(mapping_data, table.columns)
    job.mapping = mapping.to_json()
    try:
        plan = plan_import(table, mapping, organisation=organisation)
    except ImportRowError as exc:
        job.status = "invalid"
        job.errors = [{"line": ln, "column": col, "message": msg} for ln, col, msg in exc.errors]
        job.error_total = len(exc.errors)
        job.summary = {}
        job_save(job)
        return None
    job.status = "valid"
    job.errors = []
    job.summary = plan.summary()
    job_save(job)
    return plan


def job_execute(job_id: str) -> str:
    """Run a confirmed job: validate again, write all or nothing, record the progress."""
    from synergy.core.audit import audit_record

    job = job_get(job_id)
    if job is None:
        return "missing"
    actor = User.objects.get(pk=job.owner_id)
    organisation = Organisation.objects.select_related("country").get(pk=job.organisation_id)
    job.status = "importing"
    job.rows_done = 0
    job_save(job)

    def progress(done: int) -> None:
        job.rows_done = done
        job_save(job)

    try:
        table = read_table(_source(job), job.fmt)
        plan = plan_import(
            table, parse_mapping(job.mapping, table.columns), organisation=organisation
        )
        with transaction.atomic():
            job.summary = run_import(
                actor=actor, organisation=organisation, plan=plan, progress=progress
            )
            audit_record(
                actor=actor,
                action="import",
                object_type="monitoring.import",
                object_id=job.id,
                organisation=organisation,
                detail={"format": job.fmt, **job.summary},
            )
    except ImportRowError as exc:
        job.status = "failed"
        job.rows_done = 0
        job.errors = [{"line": ln, "column": col, "message": msg} for ln, col, msg in exc.errors]
        job.error_total = len(exc.errors)
        job_save(job)
        return job.status
    except MappingError as exc:
        job.status = "failed"
        job.errors = [{"line": 0, "column": "", "message": str(exc)}]
        job_save(job)
        return job.status
    job.status = "done"
    job_save(job)
    # The personal data were written (encrypted) to the database; the upload is not kept.
    (_job_dir(job.id) / "source.enc").unlink(missing_ok=True)
    return job.status


@task()
def import_job_run(job_id: str) -> str:
    """Background import of a confirmed job (the database worker; immediate in tests)."""
    return job_execute(job_id)

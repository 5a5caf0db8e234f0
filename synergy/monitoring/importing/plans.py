"""Validation: every row of the file checked and turned into a plan of what to write, or
all the errors, each with its line and column."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from synergy.core.errors import ImportRowError
from synergy.core.models import AdminArea, Organisation
from synergy.core.tabular import Table
from synergy.monitoring.importing.mapping import Mapping
from synergy.monitoring.importing.targets import (
    BOOLEAN_TARGETS,
    CHOICE_TARGETS,
    DATE_TARGETS,
    DEFAULT_CODES,
    FALSE_WORDS,
    FIELDS,
    HOUSEHOLD_DATA,
    MAX_ERRORS,
    TRUE_WORDS,
    VISIT_TARGETS,
)
from synergy.monitoring.models import HAZARD_LABELS


@dataclass
class VisitPlan:
    line: int
    visit_date: date
    kind: str
    fields: dict[str, Any]
    # The row's identifier in KoBo/ODK (``exports``), and whether the file gave the kind.
    source: str = ""
    kind_given: bool = False
    record: Any = None  # the Visit, once written


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
    source: str = ""
    record: Any = None  # the Child, once written (or the existing one it updates)
    existing: Any = None  # the child Synergy knows whose visits these rows are (synergy_child)


@dataclass
class HouseholdPlan:
    line: int
    key: str
    fields: dict[str, Any]
    area_code: str
    source: str = ""
    record: Any = None  # the Household, once written (or the existing one new children join)


@dataclass
class Plan:
    households: dict[str, HouseholdPlan]
    children: list[ChildPlan]
    areas: dict[str, AdminArea]
    projects: dict[str, Any]
    # Households already in the database that new children of this file join (by key).
    existing_households: dict[str, Any] = field(default_factory=dict)

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
# ODK Briefcase writes dates the way Java does in English: "Mar 1, 2025 10:22:33 AM".
_BRIEFCASE = re.compile(r"^([A-Z][a-z]{2}) (\d{1,2}), (\d{4})\b")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _parse_date(text: str) -> date:
    """ISO dates (KoBo/ODK exports, with or without a time and offset: the date is the one
    the device recorded), ODK Briefcase's "Mar 1, 2025 …" or day/month/year."""
    text = text.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    found = _BRIEFCASE.match(text)
    if found and found.group(1) in _MONTHS:
        try:
            return date(int(found.group(3)), _MONTHS.index(found.group(1)) + 1, int(found.group(2)))
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
    from synergy.monitoring import casework
    from synergy.monitoring.models import RiskFactor
    from synergy.monitoring.services import project_facts
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
    facts = project_facts(p.pk for p in projects.values())
    risk_codes = set(RiskFactor.objects.filter(active=True).values_list("code", flat=True))
    # Visits of children Synergy knows (the visit form): the organisation's own children by
    # number; another organisation's child reads as unknown.
    known_children: dict[str, Any] = {}
    if "synergy_child" in col:
        from synergy.monitoring.models import Child

        known_children = {
            public_id.hex: pk
            for public_id, pk in Child.objects.filter(
                organisation=organisation, merged_into__isnull=True
            ).values_list("public_id", "pk")
        }

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
    # KoBo/ODK exports: each row's identifier in the tool (see ``exports``).
    sources = getattr(table, "sources", {})
    joined: bool = bool(getattr(table, "sheet", ""))  # rows of a repeat sheet
    for index, (line, row) in enumerate(table.rows):
        row_source = sources.get(line)
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
        existing_child = None
        if "synergy_child" in col:
            existing_child = _known_child(values.get("synergy_child", ""), known_children)
            if existing_child is None:
                errors.add(line, column_of("synergy_child"), _("no child of yours has this number"))
        # A row of a known child needs no registration fields.
        registers = "synergy_child" not in col
        for target in ("first_name", "sex") if registers else ():
            if target not in values and not any(
                e[0] == line and e[1] == column_of(target) for e in errors.items
            ):
                errors.add(line, column_of(target), _("required"))
        if registers and "date_of_birth" not in values and "age" not in values:
            errors.add(
                line,
                column_of("date_of_birth" if "date_of_birth" in col else "age"),
                _("give a date of birth or an age"),
            )
        for code in values.get("hazards", []):
            if code not in HAZARD_LABELS:
                errors.add(
                    line, column_of("hazards"), _("unknown hazard code %(code)s") % {"code": code}
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
        elif project_code:
            try:
                casework.enrolment(facts[projects[project_code].pk], organisation.pk)
            except ValidationError as exc:
                errors.add(line, column_of("project"), " ".join(exc.messages))
        registered_on = values.get("registered_on") or values.get("visit_date") or today
        dob = values.get("date_of_birth")
        if dob is not None and dob > registered_on:
            errors.add(line, column_of("date_of_birth"), _("the date of birth is after the visit"))
        # Household
        household_key: str | None = None
        if has_household:
            household_key = values.get("household_ref") or (
                # A joined repeat row belongs to its submission's household.
                f"submission:{row_source.submission}"
                if row_source is not None and joined
                else f"line-{line}"
            )
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
                households[household_key] = HouseholdPlan(
                    line,
                    household_key,
                    data,
                    area_code,
                    source=_source_of(household_key, "household", row_source),
                )
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
        if existing_child is not None:
            child_key = f"known-{existing_child}"
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
                source=_source_of(values.get("child_ref", ""), "child", row_source),
                existing=existing_child,
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
                if t in values and t not in ("visit_date", "visit_kind", "synergy_child")
            }
            plan.visits.append(
                VisitPlan(
                    line,
                    values["visit_date"],
                    values.get("visit_kind", ""),
                    visit_fields,
                    source=row_source.record if row_source is not None else "",
                    kind_given="visit_kind" in values,
                )
            )
        elif any(
            t in values for t in VISIT_TARGETS if t not in ("visit_kind", "synergy_child")
        ) and not any(e[0] == line and e[1] == column_of("visit_date") for e in errors.items):
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


def _known_child(number: str, known: dict[str, Any]) -> Any:
    """The key of the child whose number (public id, with or without dashes, or its first 8
    or more characters) this is; None when no child or more than one has it."""
    if len(number) < 8:
        return None
    if number in known:
        return known[number]
    hits = [pk for public_id, pk in known.items() if public_id.startswith(number)]
    return hits[0] if len(hits) == 1 else None


def _source_of(ref: str, kind: str, row_source: Any) -> str:
    """A record's identifier for a file from KoBo/ODK: the file's own reference (a household
    or child code) when it has one, else the submission's (household) or the row's."""
    if row_source is None:
        return ""
    if ref and not ref.startswith(("line-", "submission:")):
        return f"{kind}:{ref}"
    return f"{kind}:" + (row_source.submission if kind == "household" else row_source.record)


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
    if target in ("risk_factors", "hazards"):
        return sorted({code for code in re.split(r"[\s,;]+", text) if code})
    if target == "synergy_child":
        return text.strip().lower().replace("-", "")
    if target in ("first_name", "last_name", "other_names", "head_name") and len(text) > 200:
        raise ValueError(_("too long (200 characters at most)"))
    return text

"""Imports of HXL tables (organisations, projects, 4W activities) and audited exports.

An import reads every row first, resolving codes and names and checking the actor's right to
write each row; all problems are collected as ``(line, hashtag, message)`` and raised together
as :class:`ImportRowError`. Only a clean file is written, in one transaction, with one audit
event. Rows are matched on natural keys, so importing the same file twice changes nothing:

* organisation: name + country (empty country = international);
* project: code;
* activity: organisation + project (or none) + country + admin area (or none) + intervention
  type + form of exploitation + level + migration stage + start date. The other columns (title,
  end date, people reached, description) are updated in place.

The partners app had no bulk services when this was written, so rows are written here with
``full_clean()``; switch to partners' services once they offer bulk creation.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from synergy.core import roles
from synergy.core.audit import audit_record
from synergy.core.errors import ImportRowError
from synergy.core.models import AdminArea, Country, Organisation, OrganisationKind, Role, User
from synergy.interop import hxl, iati
from synergy.interop.tabular import (
    CONTENT_TYPES,
    Table,
    format_of,
    read_table,
    write_csv,
    write_xlsx,
)
from synergy.partners.models import (
    Activity,
    ExploitationForm,
    Focus,
    InterventionType,
    Level,
    MigrationStage,
    ParticipantRole,
    Project,
    ProjectParticipant,
    ProjectStatus,
    ProjectTarget,
    ServiceType,
    TargetGroup,
)

MAX_ERRORS = 500

# ---------------------------------------------------------------------------------------------
# Who may import what
# ---------------------------------------------------------------------------------------------


def managed_organisation_ids(user: User) -> set[int]:
    return {m.organisation_id for m in roles.memberships(user) if m.role == Role.PARTNER_MANAGER}


@dataclass(frozen=True)
class _Rights:
    """What the actor may write; no actor = the command line, run by the server's operator."""

    admin: bool
    coordinated: set[str]
    managed: set[int]

    @classmethod
    def of(cls, actor: User | None) -> _Rights:
        if actor is None:
            return cls(True, set(), set())
        return cls(
            roles.is_system_admin(actor),
            roles.coordinated_country_ids(actor),
            managed_organisation_ids(actor),
        )


def can_import(user: User, kind: str) -> bool:
    """System administrators and national coordinators import any table; a partner manager
    imports its own organisation's activities (rows of others are refused row by row)."""
    if roles.is_system_admin(user) or roles.coordinated_country_ids(user):
        return True
    return kind == "activities" and bool(managed_organisation_ids(user))


def importable_kinds(user: User) -> list[str]:
    return [kind for kind in hxl.KINDS if can_import(user, kind)]


# ---------------------------------------------------------------------------------------------
# Reading cells
# ---------------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class _Errors:
    def __init__(self) -> None:
        self.items: list[tuple[int, str, str]] = []

    def add(self, line: int, tag: str, message: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append((line, tag, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRowError(sorted(self.items, key=lambda e: (e[0], e[1])))


class _Row:
    """One data row: typed accessors that record an error (and return None) on bad input."""

    def __init__(
        self, line: int, cells: dict[str, str], tags: dict[str, str], errors: _Errors
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
            return dt.date.fromisoformat(value[:10]) if len(value) >= 10 else _bad_date()
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
            self.error(key, _bad_code(value, enum.values))
            return ""
        return value.lower()

    def choice_list(self, key: str, enum: type[models.TextChoices]) -> list[str]:
        codes = []
        for value in hxl.split_list(self.text(key)):
            if value.lower() not in enum.values:
                self.error(key, _bad_code(value, enum.values))
            elif value.lower() not in codes:
                codes.append(value.lower())
        return codes


def _bad_date() -> dt.date:
    raise ValueError


def _bad_code(value: str, allowed: Sequence[str]) -> str:
    return _("“%(value)s” is not one of: %(allowed)s.") % {
        "value": value,
        "allowed": ", ".join(allowed),
    }


def _rows(table: Table, kind: str, errors: _Errors) -> list[_Row]:
    """Map the table's columns to keys; complain once about a missing required column."""
    columns = hxl.TABLES[kind]
    positions: dict[str, int] = {}
    for column in columns:
        if column.export_only:
            continue
        for tag in column.tags():
            index = table.column(tag)
            if index is not None:
                positions[column.key] = index
                break
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
        rows.append(_Row(line, cells, tags, errors))
    return rows


# Columns a file must have (their cells may still be checked row by row).
REQUIRED_COLUMNS = {
    "organisations": {"name", "kind"},
    "projects": {"code", "title", "countries"},
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


def _clean(obj: models.Model, row: _Row, *, exclude: Sequence[str] = ()) -> None:
    """full_clean() with the messages put on the row's columns."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            key = "end_date" if name == NON_FIELD_ERRORS and "date" in str(messages) else name
            for message in messages:
                row.error(key, message)


# ---------------------------------------------------------------------------------------------
# Looking up codes and names
# ---------------------------------------------------------------------------------------------


class _Lookups:
    def __init__(self, rows: Sequence[_Row], name_keys: Sequence[str]) -> None:
        self.countries: dict[str, Country] = {}
        for country in Country.objects.all():
            self.countries[country.iso2.upper()] = country
            self.countries[country.iso3.upper()] = country
        names: set[str] = set()
        for row in rows:
            for key in name_keys:
                names.update(hxl.split_list(row.cells.get(key, "")))
        self.organisations: dict[str, list[Organisation]] = {}
        for org in Organisation.objects.filter(name__in=names).order_by("pk"):
            self.organisations.setdefault(org.name, []).append(org)

    def country(self, row: _Row, key: str, code: str) -> Country | None:
        country = self.countries.get(code.upper())
        if country is None:
            row.error(key, _("Unknown country code “%(code)s”.") % {"code": code})
        return country

    def organisation(
        self, row: _Row, key: str, name: str, countries: Iterable[str]
    ) -> Organisation | None:
        candidates = self.organisations.get(name, [])
        if len(candidates) > 1:
            in_country = [o for o in candidates if o.country_id in set(countries)]
            international = [o for o in candidates if o.country_id is None]
            candidates = in_country or international or candidates
        if not candidates:
            row.error(key, _("Unknown organisation “%(name)s”.") % {"name": name})
            return None
        if len(candidates) > 1:
            row.error(key, _("Several organisations are named “%(name)s”.") % {"name": name})
            return None
        return candidates[0]


def _areas_by_code(rows: Sequence[_Row], keys: Sequence[str]) -> dict[tuple[str, str], AdminArea]:
    codes: set[str] = set()
    for row in rows:
        for key in keys:
            codes.update(hxl.split_list(row.cells.get(key, "")))
    return {
        (a.country_id, a.code): a
        for a in AdminArea.objects.filter(code__in=codes).select_related("parent")
    }


AREA_KEYS = [f"adm{level}_code" for level in range(1, hxl.MAX_AREA_LEVEL + 1)]


# ---------------------------------------------------------------------------------------------
# Plans: what one row will write
# ---------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    obj: models.Model
    created: bool
    changed: bool
    write: Callable[[], None] | None = None


def _assign(obj: models.Model, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _bump(obj: Any) -> None:
    obj.version += 1
    obj.updated_at = timezone.now()


# --- organisations ----------------------------------------------------------------------------


def _plan_organisations(actor: User | None, rows: list[_Row], errors: _Errors) -> list[_Plan]:
    lookups = _Lookups([], [])
    rights = _Rights.of(actor)
    admin, coordinated = rights.admin, rights.coordinated
    names = {row.text("name") for row in rows}
    existing: dict[tuple[str, str | None], Organisation] = {}
    for org in Organisation.objects.filter(name__in=names).order_by("-pk"):
        existing[(org.name, org.country_id)] = org
    seen: dict[tuple[str, str | None], int] = {}
    plans: list[_Plan] = []
    for row in rows:
        name = row.text("name", required=True)
        kind = row.choice("kind", OrganisationKind)
        code = row.text("country")
        country = lookups.country(row, "country", code) if code else None
        if not admin and (country is None or country.pk not in coordinated):
            if code and country is None:
                pass  # already reported as unknown
            elif country is None:
                row.error(
                    "country",
                    _("Only a system administrator may import international organisations."),
                )
            else:
                row.error(
                    "country",
                    _("You may not import organisations of %(country)s.")
                    % {"country": country.local_name},
                )
        key = (name, country.pk if country else None)
        if key in seen:
            row.error("name", _("Same organisation as line %(line)s.") % {"line": seen[key]})
        seen[key] = row.line
        values = {
            "name": name,
            "acronym": row.text("acronym"),
            "kind": kind,
            "country": country,
            "iati_identifier": row.text("iati_identifier"),
            "website": row.text("website"),
            "description": row.text("description"),
        }
        if not row.ok:
            continue
        found = existing.get(key)
        created = found is None
        org = found or Organisation()
        changed = _assign(org, values)
        _clean(org, row)
        if row.ok:
            if changed and not created:
                _bump(org)
            plans.append(_Plan(org, created, changed))
    return plans


# --- projects ---------------------------------------------------------------------------------


@dataclass
class _ProjectRelations:
    countries: list[Country]
    areas: list[AdminArea]
    participants: list[tuple[Organisation, str]]
    targets: dict[tuple[str, str], int] = field(default_factory=dict)


def _plan_projects(actor: User | None, rows: list[_Row], errors: _Errors) -> list[_Plan]:
    lookups = _Lookups(rows, ["lead", "implementing", "funders"])
    areas_by_code = _areas_by_code(rows, AREA_KEYS)
    rights = _Rights.of(actor)
    admin, coordinated = rights.admin, rights.coordinated
    codes = {row.text("code") for row in rows}
    existing = {
        p.code: p
        for p in Project.objects.filter(code__in=codes).prefetch_related(
            "countries", "areas", "participants__organisation", "targets"
        )
    }
    seen: dict[str, int] = {}
    plans: list[_Plan] = []
    for row in rows:
        code = row.text("code", required=True)
        if code in seen:
            row.error("code", _("Same project code as line %(line)s.") % {"line": seen[code]})
        seen[code] = row.line
        countries = [
            c
            for c in (
                lookups.country(row, "countries", v) for v in hxl.split_list(row.text("countries"))
            )
            if c is not None
        ]
        if row.ok and not countries:
            row.error("countries", _("A project needs at least one country."))
        country_ids = [c.pk for c in countries]
        project = existing.get(code)
        if not admin:
            allowed = bool(coordinated & set(country_ids))
            if project is not None:
                allowed = allowed and bool(coordinated & {c.pk for c in project.countries.all()})
            if not allowed and countries:
                row.error("countries", _("You may not import projects of these countries."))
        areas: list[AdminArea] = []
        for level, key in enumerate(AREA_KEYS, start=1):
            for area_code in hxl.split_list(row.text(key)):
                area = next(
                    (
                        areas_by_code[(c, area_code)]
                        for c in country_ids
                        if (c, area_code) in areas_by_code
                    ),
                    None,
                )
                if area is None or area.level != level:
                    row.error(
                        key,
                        _("No level %(level)s area “%(code)s” in the project's countries.")
                        % {"level": level, "code": area_code},
                    )
                else:
                    areas.append(area)
        participants: list[tuple[Organisation, str]] = []
        for key, role in (
            ("lead", ParticipantRole.LEAD),
            ("implementing", ParticipantRole.IMPLEMENTING),
            ("funders", ParticipantRole.FUNDING),
        ):
            names = hxl.split_list(row.text(key))
            if key == "lead" and len(names) > 1:
                row.error(key, _("A project has one lead organisation."))
            for name in names:
                org = lookups.organisation(row, key, name, country_ids)
                if org is not None and (org, role.value) not in participants:
                    participants.append((org, role.value))
        status_text = row.text("status")
        status = ProjectStatus.PIPELINE.value
        if status_text:
            if status_text.isdigit() and int(status_text) in ProjectStatus.values:
                status = int(status_text)
            else:
                row.error("status", _bad_code(status_text, [str(v) for v in ProjectStatus.values]))
        currency = row.text("budget_currency").upper()
        if currency and (len(currency) != 3 or not currency.isalpha()):
            row.error(
                "budget_currency",
                _("“%(value)s” is not an ISO 4217 currency code.") % {"value": currency},
            )
        targets: dict[tuple[str, str], int] = {}
        for key, kind, sex in hxl.TARGET_KEYS:
            number = row.count(key)
            if number is not None:
                targets[(kind, sex)] = number
        values = {
            "code": code,
            "iati_identifier": row.text("iati_identifier"),
            "title": row.text("title", required=True),
            "description": row.text("description"),
            "status": status,
            "service_types": row.choice_list("service_types", ServiceType),
            "target_groups": row.choice_list("target_groups", TargetGroup),
            "focus": row.choice_list("focus", Focus),
            "supply_chain_sector": row.text("supply_chain_sector"),
            "exploitation_forms": row.choice_list("exploitation_forms", ExploitationForm),
            "start_date": row.date("start_date"),
            "end_date": row.date("end_date"),
            "budget_amount": row.amount("budget_amount"),
            "budget_currency": currency,
            "budget_period_start": row.date("budget_period_start"),
            "budget_period_end": row.date("budget_period_end"),
        }
        if not row.ok:
            continue
        created = project is None
        if project is None:
            project = Project(created_by=actor)
        changed = _assign(project, values)
        _clean(project, row)
        relations = _ProjectRelations(countries, areas, participants)
        rel_changed = _plan_project_relations(project, created, relations, targets, row)
        if not row.ok:
            continue
        if (changed or rel_changed) and not created:
            _bump(project)
        plans.append(
            _Plan(
                project,
                created,
                changed or rel_changed,
                write=_project_writer(project, relations, created, rel_changed),
            )
        )
    return plans


def _target_organisation(participants: list[tuple[Organisation, str]]) -> Organisation | None:
    """Who a project total from the file is assigned to when Synergy has no target row yet:
    targets belong to implementing partners, so the first of them, else the lead."""
    for wanted in (ParticipantRole.IMPLEMENTING, ParticipantRole.LEAD):
        for org, role in participants:
            if role == wanted:
                return org
    return None


def _plan_project_relations(
    project: Project,
    created: bool,
    relations: _ProjectRelations,
    targets: dict[tuple[str, str], int],
    row: _Row,
) -> bool:
    """Work out relation changes; store the wanted targets on ``relations``. Targets are
    project totals in the file: one organisation's row is set when the project has at most
    one row per kind and sex, otherwise a differing total is refused (it was split between
    organisations in Synergy and a total cannot say how to split it again)."""
    changed = created
    if not created:
        changed |= {c.pk for c in project.countries.all()} != {c.pk for c in relations.countries}
        changed |= {a.pk for a in project.areas.all()} != {a.pk for a in relations.areas}
        current = {(p.organisation_id, p.role) for p in project.participants.all()}
        changed |= current != {(o.pk, r) for o, r in relations.participants}
    existing_targets = [] if created else list(project.targets.all())
    target_org = _target_organisation(relations.participants)
    for (kind, sex), number in targets.items():
        rows = [t for t in existing_targets if t.kind == kind and t.sex == sex]
        if rows and sum(t.number for t in rows) == number:
            continue
        if len(rows) > 1:
            row.error(
                f"target_{kind}_{sex.lower()}",
                _("This target is split between organisations; change it in Synergy."),
            )
            continue
        if not rows and target_org is None:
            row.error(
                f"target_{kind}_{sex.lower()}",
                _("A target needs an implementing or lead organisation."),
            )
            continue
        relations.targets[(kind, sex)] = number
        changed = True
    return changed


def _project_writer(
    project: Project, relations: _ProjectRelations, created: bool, rel_changed: bool
) -> Callable[[], None]:
    def write() -> None:
        if not rel_changed:
            return
        project.countries.set(relations.countries)
        project.areas.set(relations.areas)
        wanted = {(o.pk, r): o for o, r in relations.participants}
        current = {(p.organisation_id, p.role): p for p in project.participants.all()}
        for key, participant in current.items():
            if key not in wanted:
                participant.delete()
        for key, org in wanted.items():
            if key not in current:
                participant = ProjectParticipant(project=project, organisation=org, role=key[1])
                participant.full_clean()
                participant.save()
        target_org = _target_organisation(relations.participants)
        existing = {(t.kind, t.sex): t for t in project.targets.all()}
        for (kind, sex), number in relations.targets.items():
            target = existing.get((kind, sex))
            if target is None:
                assert target_org is not None  # checked while planning
                target = ProjectTarget(
                    project=project, organisation=target_org, kind=kind, sex=sex, number=number
                )
            target.number = number
            target.full_clean()
            target.save()

    return write


# --- activities -------------------------------------------------------------------------------


ActivityKey = tuple[int, int | None, str, int | None, str, str, str, str, dt.date]


def _activity_key(a: Activity) -> ActivityKey:
    return (
        a.organisation_id,
        a.project_id,
        a.country_id,
        a.admin_area_id,
        a.intervention_type,
        a.exploitation_form,
        a.level,
        a.migration_stage,
        a.start_date,
    )


def _plan_activities(actor: User | None, rows: list[_Row], errors: _Errors) -> list[_Plan]:
    lookups = _Lookups(rows, ["organisation"])
    areas_by_code = _areas_by_code(rows, AREA_KEYS)
    codes = {row.text("project") for row in rows} - {""}
    projects = {p.code: p for p in Project.objects.filter(code__in=codes)}
    rights = _Rights.of(actor)
    admin, coordinated, managed = rights.admin, rights.coordinated, rights.managed
    parsed: list[tuple[_Row, Activity]] = []
    for row in rows:
        code = row.text("country", required=True)
        country = lookups.country(row, "country", code) if code else None
        name = row.text("organisation", required=True)
        org = (
            lookups.organisation(row, "organisation", name, [country.pk] if country else [])
            if name
            else None
        )
        if org is not None and country is not None and not admin:
            if country.pk not in coordinated and org.pk not in managed:
                row.error(
                    "organisation",
                    _("You may not import activities of %(org)s in %(country)s.")
                    % {"org": org.name, "country": country.local_name},
                )
        project = None
        project_code = row.text("project")
        if project_code:
            project = projects.get(project_code)
            if project is None:
                row.error("project", _("Unknown project code “%(code)s”.") % {"code": project_code})
        area = _activity_area(row, country, areas_by_code)
        fields: dict[str, Any] = {
            "organisation": org,
            "project": project,
            "country": country,
            "admin_area": area,
            "title": row.text("title"),
            "intervention_type": row.choice("intervention_type", InterventionType),
            "level": row.choice("level", Level),
            "exploitation_form": row.choice("exploitation_form", ExploitationForm),
            "migration_stage": row.choice("migration_stage", MigrationStage),
            "start_date": row.date("start_date", required=True),
            "end_date": row.date("end_date"),
            "description": row.text("description"),
        }
        for name in ("reached_f_child", "reached_m_child", "reached_f_adult", "reached_m_adult"):
            fields[name] = row.count(name, default=0)
        activity = Activity(**fields)
        if row.ok:
            parsed.append((row, activity))
    keys = [_activity_key(a) for _row, a in parsed]
    existing: dict[ActivityKey, Activity] = {}
    if keys:
        for found in Activity.objects.filter(
            organisation_id__in={k[0] for k in keys}, start_date__in={k[8] for k in keys}
        ).order_by("-pk"):
            existing[_activity_key(found)] = found
    seen: dict[ActivityKey, int] = {}
    plans: list[_Plan] = []
    updatable = [
        "title",
        "end_date",
        "reached_f_child",
        "reached_m_child",
        "reached_f_adult",
        "reached_m_adult",
        "description",
    ]
    for (row, activity), key in zip(parsed, keys, strict=True):
        if key in seen:
            row.error("organisation", _("Same activity as line %(line)s.") % {"line": seen[key]})
            continue
        seen[key] = row.line
        current = existing.get(key)
        created = current is None
        if current is None:
            activity.created_by = actor
            obj = activity
            changed = True
        else:
            obj = current
            changed = _assign(obj, {f: getattr(activity, f) for f in updatable})
        # The foreign keys were resolved above from codes; re-checking each one would cost
        # four queries a row.
        _clean(obj, row, exclude=["organisation", "project", "country", "admin_area"])
        if row.ok:
            if changed and not created:
                _bump(obj)
            plans.append(_Plan(obj, created, changed))
    return plans


def _activity_area(
    row: _Row, country: Country | None, areas_by_code: dict[tuple[str, str], AdminArea]
) -> AdminArea | None:
    """The most specific area given; coarser codes on the row must be its ancestors."""
    if country is None:
        return None
    chosen: AdminArea | None = None
    for level in range(hxl.MAX_AREA_LEVEL, 0, -1):
        key = f"adm{level}_code"
        code = row.text(key)
        if not code:
            continue
        area = areas_by_code.get((country.pk, code))
        if area is None or area.level != level:
            row.error(
                key,
                _("No level %(level)s area “%(code)s” in %(country)s.")
                % {"level": level, "code": code, "country": country.local_name},
            )
            return None
        if chosen is None:
            chosen = area
        else:
            ancestor: AdminArea | None = chosen
            while ancestor is not None and ancestor.level > level:
                ancestor = ancestor.parent
            if ancestor is None or ancestor.pk != area.pk:
                row.error(
                    key,
                    _("“%(code)s” does not contain “%(child)s”.")
                    % {"code": code, "child": chosen.code},
                )
                return None
    return chosen


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------

PLANNERS: dict[str, Callable[[User | None, list[_Row], _Errors], list[_Plan]]] = {
    "organisations": _plan_organisations,
    "projects": _plan_projects,
    "activities": _plan_activities,
}


def _plan(actor: User | None, kind: str, table: Table) -> tuple[list[_Plan], ImportSummary]:
    errors = _Errors()
    rows = _rows(table, kind, errors)
    errors.raise_if_any()
    if not rows:
        raise ImportRowError([(table.tag_line, "", _("The file has no data rows."))])
    plans = PLANNERS[kind](actor, rows, errors)
    errors.raise_if_any()
    summary = ImportSummary(kind=kind, rows=len(rows))
    for plan in plans:
        if plan.created:
            summary.created += 1
        elif plan.changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
    return plans, summary


def import_preview(*, actor: User | None, kind: str, table: Table) -> ImportSummary:
    """Validate without writing: the counts of rows to create, update and leave alone.
    Raises ImportRowError listing every bad row."""
    _plans, summary = _plan(actor, kind, table)
    return summary


@transaction.atomic
def import_table(*, actor: User | None, kind: str, table: Table, file_format: str) -> ImportSummary:
    """Validate every row, then write them all (or nothing) and audit the import."""
    plans, summary = _plan(actor, kind, table)
    for plan in plans:
        if plan.created or plan.changed:
            plan.obj.save()
        if plan.write is not None:
            plan.write()
    audit_record(
        actor=actor,
        action="interop.import",
        object_type=f"interop.{kind}",
        detail={
            "format": file_format,
            "rows": summary.rows,
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
        },
    )
    return summary


# --- exports ----------------------------------------------------------------------------------


def _export_queryset(kind: str, country: str) -> QuerySet[Any]:
    if kind == "organisations":
        qs: QuerySet[Any] = Organisation.objects.all()
        return qs.filter(country_id=country) if country else qs
    if kind == "projects":
        qs = Project.objects.all()
        return qs.filter(countries=country).distinct() if country else qs
    qs = Activity.objects.all()
    return qs.filter(country_id=country) if country else qs


ROW_BUILDERS: dict[str, Callable[[QuerySet[Any]], list[list[Any]]]] = {
    "organisations": hxl.organisation_rows,
    "projects": hxl.project_rows,
    "activities": hxl.activity_rows,
}


@dataclass
class ExportFile:
    content: bytes
    filename: str
    content_type: str


@transaction.atomic
def export_table(
    *, actor: User | None, kind: str, file_format: str, country: str = ""
) -> ExportFile:
    """An HXL-tagged table of every organisation, project or activity (of ``country``).
    These are not personal data, so any signed-in member may export them; the export is
    audited all the same."""
    rows = ROW_BUILDERS[kind](_export_queryset(kind, country))
    labels, tags = hxl.labels(kind), hxl.hashtags(kind)
    if file_format == "xlsx":
        content = write_xlsx(labels, tags, rows, title=kind)
    else:
        content = write_csv(labels, tags, rows)
    audit_record(
        actor=actor,
        action="interop.export",
        object_type=f"interop.{kind}",
        detail={"format": file_format, "country": country, "rows": len(rows)},
    )
    stem = f"synergy-{kind}" + (f"-{country.lower()}" if country else "")
    return ExportFile(content, f"{stem}.{file_format}", CONTENT_TYPES[file_format])


@transaction.atomic
def export_iati(*, actor: User | None, country: str = "") -> tuple[ExportFile, iati.IatiExport]:
    result = iati.activities_xml(_export_queryset("projects", country))
    audit_record(
        actor=actor,
        action="interop.export",
        object_type="interop.iati",
        detail={
            "format": "iati-2.03",
            "country": country,
            "activities": result.count,
            "skipped": result.skipped,
        },
    )
    stem = "synergy-iati" + (f"-{country.lower()}" if country else "")
    return ExportFile(result.xml, f"{stem}.xml", "application/xml"), result


@dataclass(frozen=True)
class IatiCheck:
    activities: int
    skipped: list[str]
    errors: list[str]


def check_iati(*, country: str = "") -> IatiCheck:
    """What the IATI export would hold now, checked against the official 2.03 schema that ships
    with Synergy. Nothing leaves the server, so nothing is audited."""
    result = iati.activities_xml(_export_queryset("projects", country))
    errors = iati.schema_errors(result.xml) if result.count else []
    return IatiCheck(result.count, result.skipped, errors)


# --- uploads waiting for confirmation ---------------------------------------------------------
#
# Between the preview and the confirmation the file is kept under VAR_DIR (never under
# MEDIA_ROOT, which a web server may serve), named by a random token, with its owner's id in a
# side file: another user naming the token gets 404.

UPLOAD_TTL = dt.timedelta(days=1)


@dataclass(frozen=True)
class PendingUpload:
    token: str
    kind: str
    file_format: str
    filename: str
    path: Path


def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "interop-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _purge_stale(directory: Path) -> None:
    cutoff = time.time() - UPLOAD_TTL.total_seconds()
    for item in directory.iterdir():
        if item.stat().st_mtime < cutoff:
            item.unlink(missing_ok=True)


def upload_stash(*, actor: User, kind: str, filename: str, chunks: Iterable[bytes]) -> str:
    file_format = format_of(filename)
    directory = _upload_dir()
    _purge_stale(directory)
    token = secrets.token_urlsafe(18)
    with open(directory / f"{token}.data", "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    meta = {"user": actor.pk, "kind": kind, "format": file_format, "filename": filename}
    (directory / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def upload_get(*, actor: User, token: str) -> PendingUpload:
    """The pending upload ``token`` of ``actor``; Http404 for anybody else or a stale token."""
    if not token.replace("-", "").replace("_", "").isalnum():
        raise Http404("No such upload")
    directory = _upload_dir()
    try:
        meta = json.loads((directory / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404("No such upload") from None
    if meta.get("user") != actor.pk or meta.get("kind") not in hxl.KINDS:
        raise Http404("No such upload")
    return PendingUpload(
        token, meta["kind"], meta["format"], meta["filename"], directory / f"{token}.data"
    )


def upload_read(upload: PendingUpload) -> Table:
    with open(upload.path, "rb") as stream:
        return read_table(stream, f"upload.{upload.file_format}")


def upload_discard(upload: PendingUpload) -> None:
    upload.path.unlink(missing_ok=True)
    upload.path.with_suffix(".json").unlink(missing_ok=True)

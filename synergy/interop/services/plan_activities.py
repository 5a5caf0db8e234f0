"""The plan of one who-does-what-where activity row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from synergy.core.models import AdminArea, Country, User
from synergy.core.staging import Staged
from synergy.core.vocab import ExploitationForm
from synergy.interop import hxl
from synergy.interop.services.cells import Row, RowErrors, clean
from synergy.interop.services.lookups import AREA_KEYS, Lookups, find_areas
from synergy.interop.services.plans import Plan
from synergy.interop.services.rights import Rights
from synergy.partners import services_import
from synergy.partners.models import (
    Activity,
    InterventionType,
    Level,
    MigrationStage,
    Project,
)

ActivityKey = tuple[int, int | None, str, int | None, str, str, str, str, dt.date]


def _fields_key(values: dict[str, Any]) -> ActivityKey:
    def pk(name: str) -> Any:
        return values[name].pk if values[name] is not None else None

    return (
        pk("organisation"),
        pk("project"),
        pk("country"),
        pk("admin_area"),
        values["intervention_type"],
        values["exploitation_form"],
        values["level"],
        values["migration_stage"],
        values["start_date"],
    )


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


def plan_activities(actor: User | None, rows: list[Row], errors: RowErrors) -> list[Plan]:
    lookups = Lookups(rows, ["organisation"])
    known_areas = find_areas(rows, AREA_KEYS)
    codes = {row.text("project") for row in rows} - {""}
    projects = {p.code: p for p in Project.objects.filter(code__in=codes)}
    rights = Rights.of(actor)
    admin, coordinated, managed = rights.admin, rights.coordinated, rights.managed
    parsed: list[tuple[Row, dict[str, Any]]] = []
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
        area = _activity_area(row, country, known_areas)
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
        if row.ok:
            parsed.append((row, fields))
    keys = [_fields_key(values) for _row, values in parsed]
    existing: dict[ActivityKey, Activity] = {}
    if keys:
        for found in Activity.objects.filter(
            organisation_id__in={k[0] for k in keys}, start_date__in={k[8] for k in keys}
        ).order_by("-pk"):
            existing[_activity_key(found)] = found
    seen: dict[ActivityKey, int] = {}
    plans: list[Plan] = []
    updatable = [
        "title",
        "end_date",
        "reached_f_child",
        "reached_m_child",
        "reached_f_adult",
        "reached_m_adult",
        "description",
    ]
    for (row, values), key in zip(parsed, keys, strict=True):
        if key in seen:
            row.error("organisation", _("Same activity as line %(line)s.") % {"line": seen[key]})
            continue
        seen[key] = row.line
        staged = services_import.activity_stage(
            existing.get(key), actor=actor, values=values, updatable=updatable
        )
        # The foreign keys were resolved above from codes; re-checking each one would cost
        # four queries a row.
        clean(staged.obj, row, exclude=["organisation", "project", "country", "admin_area"])
        if row.ok:
            plans.append(_plan(actor, staged))
    return plans


def _plan(actor: User | None, staged: Staged) -> Plan:
    return Plan(
        staged.created,
        staged.changed,
        lambda: services_import.activity_import_save(actor=actor, staged=staged),
    )


def _activity_area(
    row: Row, country: Country | None, areas: dict[tuple[str, str], AdminArea]
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
        area = areas.get((country.pk, code))
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

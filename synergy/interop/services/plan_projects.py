"""The plan of one project row: the project, its participants and targets."""

from __future__ import annotations

from django.utils.translation import gettext as _

from synergy.core.models import AdminArea, Organisation, User
from synergy.core.staging import Staged
from synergy.core.vocab import ExploitationForm, TargetGroup
from synergy.interop import hxl
from synergy.interop.services.cells import Row, RowErrors, bad_code, clean
from synergy.interop.services.lookups import AREA_KEYS, Lookups, find_areas
from synergy.interop.services.plans import Plan
from synergy.interop.services.rights import Rights
from synergy.partners import services_import
from synergy.partners.models import (
    BudgetInterval,
    Focus,
    ParticipantRole,
    Project,
    ProjectStatus,
    ServiceType,
)


def plan_projects(actor: User | None, rows: list[Row], errors: RowErrors) -> list[Plan]:
    lookups = Lookups(rows, ["lead", "implementing", "funders"])
    known_areas = find_areas(rows, AREA_KEYS)
    rights = Rights.of(actor)
    admin, coordinated = rights.admin, rights.coordinated
    codes = {row.text("code") for row in rows}
    existing = {
        p.code: p
        for p in Project.objects.filter(code__in=codes).prefetch_related(
            "countries", "areas", "participants__organisation", "targets"
        )
    }
    seen: dict[str, int] = {}
    plans: list[Plan] = []
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
                        known_areas[(c, area_code)]
                        for c in country_ids
                        if (c, area_code) in known_areas
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
                row.error("status", bad_code(status_text, [str(v) for v in ProjectStatus.values]))
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
        # A file from before the column existed leaves the project's choice as it is.
        if "budget_interval" in row.cells:
            values["budget_interval"] = (
                row.choice("budget_interval", BudgetInterval, required=False) or "year"
            )
        if not row.ok:
            continue
        staged = services_import.project_stage(project, actor=actor, values=values)
        clean(staged.obj, row)
        relations = services_import.ProjectRelations(countries, areas, participants)
        relations_changed = services_import.project_relations_stage(
            staged, relations, targets, row.error
        )
        if row.ok:
            plans.append(_plan(actor, staged, relations, relations_changed))
    return plans


def _plan(
    actor: User | None,
    staged: Staged,
    relations: services_import.ProjectRelations,
    relations_changed: bool,
) -> Plan:
    def write() -> None:
        services_import.project_import_save(
            actor=actor, staged=staged, relations=relations, relations_changed=relations_changed
        )

    return Plan(staged.created, staged.changed or relations_changed, write)

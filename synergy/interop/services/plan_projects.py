"""The plan of one project row: the project, its participants and targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from synergy.core.models import AdminArea, Country, Organisation, User
from synergy.interop import hxl
from synergy.interop.services.cells import Row, RowErrors, bad_code, clean
from synergy.interop.services.lookups import AREA_KEYS, Lookups, find_areas
from synergy.interop.services.plans import Plan, assign, bump
from synergy.interop.services.rights import Rights
from synergy.partners.models import (
    ExploitationForm,
    Focus,
    ParticipantRole,
    Project,
    ProjectParticipant,
    ProjectStatus,
    ProjectTarget,
    ServiceType,
    TargetGroup,
)


@dataclass
class _ProjectRelations:
    countries: list[Country]
    areas: list[AdminArea]
    participants: list[tuple[Organisation, str]]
    targets: dict[tuple[str, str], int] = field(default_factory=dict)


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
        if not row.ok:
            continue
        created = project is None
        if project is None:
            project = Project(created_by=actor)
        changed = assign(project, values)
        clean(project, row)
        relations = _ProjectRelations(countries, areas, participants)
        rel_changed = _plan_project_relations(project, created, relations, targets, row)
        if not row.ok:
            continue
        if (changed or rel_changed) and not created:
            bump(project)
        plans.append(
            Plan(
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
    row: Row,
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

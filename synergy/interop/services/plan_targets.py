"""The plan of one row of the per-partner targets table: an organisation's targets,
baselines and achievements in a project, replacing what it had."""

from __future__ import annotations

from django.utils.translation import gettext as _

from synergy.core.models import Organisation, User
from synergy.interop import hxl
from synergy.interop.services.cells import Row, RowErrors
from synergy.interop.services.plans import Plan
from synergy.interop.services.rights import Rights
from synergy.partners import services_import
from synergy.partners.models import ParticipantRole, Project


def plan_targets(actor: User | None, rows: list[Row], errors: RowErrors) -> list[Plan]:
    rights = Rights.of(actor)
    codes = {row.text("code") for row in rows}
    projects = {
        p.code: p
        for p in Project.objects.filter(code__in=codes).prefetch_related(
            "countries", "participants__organisation"
        )
    }
    seen: dict[tuple[str, str], int] = {}
    plans: list[Plan] = []
    for row in rows:
        code = row.text("code", required=True)
        name = row.text("organisation", required=True)
        project = projects.get(code)
        if code and project is None:
            row.error("code", _("No project with this code: import the projects first."))
        organisation: Organisation | None = None
        if project is not None:
            if (
                not rights.admin
                and not {c.pk for c in project.countries.all()} & rights.coordinated
            ):
                row.error("code", _("You may not change this project's targets."))
            holders = [
                p.organisation
                for p in project.participants.all()
                if p.organisation.name == name
                and p.role in (ParticipantRole.IMPLEMENTING, ParticipantRole.LEAD)
            ]
            if name and not holders:
                row.error(
                    "organisation",
                    _("Not an implementing or lead organisation of this project."),
                )
            organisation = holders[0] if holders else None
        if (code, name) in seen:
            row.error(
                "organisation",
                _("Same project and organisation as line %(line)s.") % {"line": seen[(code, name)]},
            )
        seen[(code, name)] = row.line
        values: services_import.TargetValues = {}
        for _key, field, kind, sex in hxl.TARGET_VALUE_KEYS:
            if field != "number":
                continue
            number = row.count(f"number_{kind}_{sex.lower()}")
            baseline = row.count(f"baseline_{kind}_{sex.lower()}")
            actual = row.count(f"actual_{kind}_{sex.lower()}")
            if number is None:
                if baseline is not None or actual is not None:
                    row.error(
                        f"number_{kind}_{sex.lower()}",
                        _("A baseline or achievement needs its target."),
                    )
                continue
            values[(kind, sex)] = (number, baseline, actual)
        if not row.ok or project is None or organisation is None:
            continue
        current = services_import.organisation_targets(project, organisation)
        plans.append(_plan(actor, project, organisation, values, current))
    return plans


def _plan(
    actor: User | None,
    project: Project,
    organisation: Organisation,
    values: services_import.TargetValues,
    current: services_import.TargetValues,
) -> Plan:
    def write() -> None:
        if values != current:
            services_import.organisation_targets_save(
                actor=actor, project=project, organisation=organisation, values=values
            )

    return Plan(False, values != current, write)

"""Small builders for the partners tests (direct model writes: fixtures, not behaviour)."""

from __future__ import annotations

from datetime import date
from typing import Any

from synergy.core.models import AdminArea, Country, Organisation
from synergy.partners.models import (
    Activity,
    Partnership,
    PartnershipParty,
    Project,
    ProjectParticipant,
    ProjectTarget,
)


def make_activity(organisation: Organisation, **fields: Any) -> Activity:
    values: dict[str, Any] = {
        "organisation": organisation,
        "country": organisation.country,
        "intervention_type": "prevention",
        "level": "outreach",
        "migration_stage": "source",
        "exploitation_form": "child_labour",
        "start_date": date(2026, 1, 1),
    }
    values.update(fields)
    return Activity.objects.create(**values)


def make_project(
    code: str,
    country: Country,
    *,
    lead: Organisation | None = None,
    implementing: list[Organisation] | None = None,
    targets: list[tuple[Organisation, str, str, int]] | None = None,
    **fields: Any,
) -> Project:
    project = Project.objects.create(code=code, title=f"Project {code}", **fields)
    project.countries.add(country)
    if lead is not None:
        ProjectParticipant.objects.create(project=project, organisation=lead, role="lead")
    for org in implementing or []:
        ProjectParticipant.objects.create(project=project, organisation=org, role="implementing")
    for org, kind, sex, number in targets or []:
        ProjectTarget.objects.create(
            project=project, organisation=org, kind=kind, sex=sex, number=number
        )
    return project


def make_partnership(
    title: str, country: Country, parties: list[tuple[Organisation, str]], **fields: Any
) -> Partnership:
    partnership = Partnership.objects.create(title=title, kind="mou", **fields)
    partnership.countries.add(country)
    for org, role in parties:
        PartnershipParty.objects.create(partnership=partnership, organisation=org, role=role)
    return partnership


def make_area(
    country: Country, code: str, level: int = 1, parent: AdminArea | None = None, **kw: Any
) -> AdminArea:
    return AdminArea.objects.create(
        country=country, code=code, name=kw.pop("name", code), level=level, parent=parent, **kw
    )

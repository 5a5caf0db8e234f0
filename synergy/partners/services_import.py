"""The partners' writes for a file import (the HXL import of ``interop``), in two steps.

An import checks every row before it writes any, so each record is first *staged*: built or
changed in memory from the row's values, for the importer to validate and count. The
``*_import_save`` functions then write what was staged, with the same version check and audit
as the one-record services. The importer decides who may import what; these functions never
reach into its rows or files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from synergy.core.audit import audit_record
from synergy.core.models import AdminArea, Country, Organisation, User
from synergy.core.staging import Staged, changed_fields, staged_save
from synergy.partners.models import (
    Activity,
    ParticipantRole,
    Project,
    ProjectParticipant,
    ProjectTarget,
)

# Reports a problem of the row being staged, on a column named by the partners' field names.
ErrorSink = Callable[[str, str], None]


# Activities


def activity_stage(
    found: Activity | None, *, actor: User | None, values: dict[str, Any], updatable: Sequence[str]
) -> Staged:
    """A new activity from ``values``, or ``found`` with the ``updatable`` ones applied."""
    if found is None:
        return Staged(Activity(created_by=actor, **values), True, [], 1)
    wanted = {name: values[name] for name in updatable}
    return Staged(found, False, changed_fields(found, wanted), found.version)


def activity_import_save(*, actor: User | None, staged: Staged) -> None:
    staged_save(actor, staged, staged.obj.organisation)


# Projects


@dataclass
class ProjectRelations:
    """What a project row says of the project's countries, areas, participants and totals."""

    countries: list[Country]
    areas: list[AdminArea]
    participants: list[tuple[Organisation, str]]
    targets: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, sex) -> number


def project_stage(found: Project | None, *, actor: User | None, values: dict[str, Any]) -> Staged:
    if found is None:
        project = Project(created_by=actor)
        changed_fields(project, values)
        return Staged(project, True, [], 1)
    return Staged(found, False, changed_fields(found, values), found.version)


def target_organisation(participants: list[tuple[Organisation, str]]) -> Organisation | None:
    """Who a project total from a file is assigned to when the project has no target row
    yet: targets belong to implementing partners, so the first of them, else the lead."""
    for wanted in (ParticipantRole.IMPLEMENTING, ParticipantRole.LEAD):
        for org, role in participants:
            if role == wanted:
                return org
    return None


def project_relations_stage(
    staged: Staged,
    relations: ProjectRelations,
    totals: dict[tuple[str, str], int],
    error: ErrorSink,
) -> bool:
    """Whether the relations change; the totals to write go on ``relations``. A total in the
    file sets one organisation's row when the project has at most one row per kind and sex;
    otherwise a differing total is refused (it was split between organisations and a total
    cannot say how to split it again)."""
    project: Project = staged.obj
    changed = staged.created
    if not staged.created:
        changed |= {c.pk for c in project.countries.all()} != {c.pk for c in relations.countries}
        changed |= {a.pk for a in project.areas.all()} != {a.pk for a in relations.areas}
        current = {(p.organisation_id, p.role) for p in project.participants.all()}
        changed |= current != {(o.pk, r) for o, r in relations.participants}
    existing = [] if staged.created else list(project.targets.all())
    target_org = target_organisation(relations.participants)
    for (kind, sex), number in totals.items():
        rows = [t for t in existing if t.kind == kind and t.sex == sex]
        if rows and sum(t.number for t in rows) == number:
            continue
        column = f"target_{kind}_{sex.lower()}"
        if len(rows) > 1:
            error(column, _("This target is split between organisations; change it in Synergy."))
            continue
        if not rows and target_org is None:
            error(column, _("A target needs an implementing or lead organisation."))
            continue
        relations.targets[(kind, sex)] = number
        changed = True
    return changed


def project_import_save(
    *, actor: User | None, staged: Staged, relations: ProjectRelations, relations_changed: bool
) -> None:
    project: Project = staged.obj
    lead = target_organisation(relations.participants)
    if relations_changed and not staged.fields and not staged.created:
        # Only its relations change: the project still moves to its next version.
        staged.fields = ["updated_at"]
    staged_save(actor, staged, lead)
    if not relations_changed:
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
    existing = {(t.kind, t.sex): t for t in project.targets.all()}
    for (kind, sex), number in relations.targets.items():
        target = existing.get((kind, sex))
        if target is None:
            assert lead is not None  # refused while staging
            target = ProjectTarget(project=project, organisation=lead, kind=kind, sex=sex)
        target.number = number
        target.full_clean()
        target.save()


TargetValues = dict[tuple[str, str], tuple[int, int | None, int | None]]


def organisation_targets(project: Project, organisation: Organisation) -> TargetValues:
    """(kind, sex) -> (number, baseline, actual) of one organisation in a project."""
    return {
        (t.kind, t.sex): (t.number, t.baseline, t.actual)
        for t in project.targets.filter(organisation=organisation)
    }


@transaction.atomic
def organisation_targets_save(
    *, actor: User | None, project: Project, organisation: Organisation, values: TargetValues
) -> None:
    """Make the organisation's targets in the project exactly ``values`` (a row of the
    per-partner targets table): rows it no longer has are removed. Audited."""
    existing = {(t.kind, t.sex): t for t in project.targets.filter(organisation=organisation)}
    for key, target in existing.items():
        if key not in values:
            target.delete()
    for (kind, sex), (number, baseline, actual) in values.items():
        target = existing.get((kind, sex)) or ProjectTarget(
            project=project, organisation=organisation, kind=kind, sex=sex
        )
        target.number, target.baseline, target.actual = number, baseline, actual
        target.full_clean()
        target.save()
    audit_record(
        actor=actor,
        action="update",
        obj=project,
        detail={"targets_of": organisation.pk, "rows": len(values)},
    )

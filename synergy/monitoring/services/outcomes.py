"""Enrolment in projects, and withdrawn/prevented outcomes counted once per project."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from synergy.core.audit import audit_record
from synergy.core.models import Organisation, User
from synergy.monitoring import casework
from synergy.monitoring.models import (
    Child,
    DuplicateStatus,
    Outcome,
    PossibleDuplicate,
    ProjectEnrolment,
    Status,
    StatusChange,
    Visit,
)
from synergy.monitoring.services.common import CHILD_OBJECT, require_write
from synergy.partners.models import Project, ProjectParticipant


def project_facts(project_ids: Iterable[int]) -> dict[int, casework.ProjectFacts]:
    """What the enrolment rule needs of each project: its code and participants."""
    ids = set(project_ids)
    if not ids:
        return {}
    participants: dict[int, set[int]] = {pk: set() for pk in ids}
    for project_id, organisation_id in ProjectParticipant.objects.filter(
        project_id__in=ids
    ).values_list("project_id", "organisation_id"):
        participants[project_id].add(organisation_id)
    return {
        pk: casework.ProjectFacts(pk, code, frozenset(participants[pk]))
        for pk, code in Project.objects.filter(pk__in=ids).values_list("pk", "code")
    }


@transaction.atomic
def child_enrol(
    *, actor: User, child: Child, project: Project, organisation: Organisation | None = None
) -> ProjectEnrolment:
    """Enrol the child in ``project`` for ``organisation`` (default: the child's), which must
    take part in the project. If the child is already withdrawn or prevented, the outcome is
    counted in the project at once."""
    require_write(actor, organisation_id=child.organisation_id, country_id=child.country_id)
    organisation = organisation or child.organisation
    casework.enrolment(project_facts([project.pk])[project.pk], organisation.pk, field="project")
    enrolment, created = ProjectEnrolment.objects.get_or_create(
        child=child,
        project=project,
        defaults={"organisation": organisation, "created_by": actor},
    )
    if created:
        audit_record(
            actor=actor,
            action="enrol",
            obj=child,
            object_type=CHILD_OBJECT,
            organisation=child.organisation,
            detail={"project": project.pk},
        )
        last = (
            StatusChange.objects.filter(
                child=child, to_status__in=[Status.WITHDRAWN, Status.PREVENTED]
            )
            .order_by("-at", "-pk")
            .first()
        )
        if child.status in (Status.WITHDRAWN, Status.PREVENTED, Status.CLOSED) and last:
            count_outcomes(child, kind=last.to_status, visit=last.visit, on=timezone.localdate())
    return enrolment


def _linked_children(child: Child) -> set[int]:
    """Other records of the same person: open or merged duplicate flags either way."""
    pairs = PossibleDuplicate.objects.filter(
        Q(child=child) | Q(candidate=child),
        status__in=[DuplicateStatus.OPEN, DuplicateStatus.MERGED],
    ).values_list("child_id", "candidate_id")
    return {pk for pair in pairs for pk in pair} - {child.pk}


def count_outcomes(child: Child, *, kind: str, visit: Visit | None, on: date) -> None:
    """Record the outcome in every project the child is enrolled in, once per project. A
    project where another record of the same child (a possible or merged duplicate) already
    counts is skipped, so a child registered by two organisations counts once."""
    enrolments = list(ProjectEnrolment.objects.filter(child=child))
    if not enrolments:
        return
    linked = _linked_children(child)
    taken = set(
        Outcome.objects.filter(
            child_id__in=linked, project_id__in=[e.project_id for e in enrolments]
        ).values_list("project_id", flat=True)
    )
    existing = {o.project_id: o for o in Outcome.objects.filter(child=child)}
    writes = casework.outcome_writes(
        kind=kind,
        enrolments=[(e.project_id, e.organisation_id) for e in enrolments],
        existing={p: (o.kind, o.relapsed_on) for p, o in existing.items()},
        taken=taken,
    )
    for project_id in writes.recount:
        outcome = existing[project_id]
        outcome.relapsed_on = None
        outcome.kind = kind
        outcome.save(update_fields=["relapsed_on", "kind"])
    Outcome.objects.bulk_create(
        [
            Outcome(
                project_id=project_id,
                child=child,
                organisation_id=organisation_id,
                kind=kind,
                sex=child.sex,
                achieved_on=on,
                visit=visit,
            )
            for project_id, organisation_id in writes.create
        ]
    )

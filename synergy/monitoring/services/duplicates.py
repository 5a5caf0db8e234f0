"""Possible duplicates: dismissing a flag, merging two records of one child."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.core import roles
from synergy.core.audit import audit_record
from synergy.core.models import User
from synergy.monitoring.models import (
    Child,
    DuplicateStatus,
    Outcome,
    PossibleDuplicate,
    ProjectEnrolment,
    Status,
    StatusChange,
)
from synergy.monitoring.services.common import (
    CHILD_OBJECT,
    record_status_change,
    require_write,
    set_system_fields,
)
from synergy.monitoring.services.outcomes import count_outcomes


def _require_coordinator(actor: User, child: Child) -> None:
    if not (
        roles.is_system_admin(actor) or child.country_id in roles.coordinated_country_ids(actor)
    ):
        raise PermissionDenied("Only a national coordinator resolves possible duplicates")


@transaction.atomic
def duplicate_dismiss(*, actor: User, flag: PossibleDuplicate) -> PossibleDuplicate:
    """Not the same child: the flag is closed and each record may be counted on its own."""
    if flag.cross_organisation:
        _require_coordinator(actor, flag.child)
    else:
        require_write(
            actor, organisation_id=flag.child.organisation_id, country_id=flag.child.country_id
        )
    flag.status = DuplicateStatus.DISMISSED
    flag.resolved_at = timezone.now()
    flag.resolved_by = actor
    flag.save(update_fields=["status", "resolved_at", "resolved_by"])
    audit_record(
        actor=actor,
        action="duplicate_dismiss",
        obj=flag.child,
        object_type=CHILD_OBJECT,
        detail={"candidate": flag.candidate_id},
    )
    for child in (flag.child, flag.candidate):
        last = (
            StatusChange.objects.filter(
                child=child, to_status__in=[Status.WITHDRAWN, Status.PREVENTED]
            )
            .order_by("-at", "-pk")
            .first()
        )
        if last and child.status in (Status.WITHDRAWN, Status.PREVENTED, Status.CLOSED):
            count_outcomes(child, kind=last.to_status, visit=last.visit, on=timezone.localdate())
    return flag


@transaction.atomic
def child_merge(*, actor: User, survivor: Child, duplicate: Child) -> Child:
    """``duplicate`` is the same child as ``survivor``: it is hidden (merged_into), its project
    enrolments move to the survivor where missing, and the survivor keeps one outcome per
    project (its own, else the duplicate's). Visits and referrals stay with the duplicate's
    record (its organisation's history) and are reached through the audit trail."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    if survivor.organisation_id != duplicate.organisation_id:
        _require_coordinator(actor, survivor)
    else:
        require_write(
            actor, organisation_id=survivor.organisation_id, country_id=survivor.country_id
        )
    own_projects = set(
        ProjectEnrolment.objects.filter(child=survivor).values_list("project_id", flat=True)
    )
    for enrolment in ProjectEnrolment.objects.filter(child=duplicate):
        if enrolment.project_id not in own_projects:
            enrolment.child = survivor
            enrolment.save(update_fields=["child"])
    kept = set(Outcome.objects.filter(child=survivor).values_list("project_id", flat=True))
    for outcome in Outcome.objects.filter(child=duplicate):
        if outcome.project_id in kept:
            outcome.delete()
        else:
            outcome.child = survivor
            outcome.save(update_fields=["child"])
            kept.add(outcome.project_id)
    PossibleDuplicate.objects.filter(
        Q(child=duplicate, candidate=survivor) | Q(child=survivor, candidate=duplicate)
    ).update(status=DuplicateStatus.MERGED, resolved_at=timezone.now(), resolved_by=actor)
    record_status_change(duplicate, to=duplicate.status, reason="merged", actor=actor)
    set_system_fields(duplicate, merged_into=survivor, next_followup_on=None)
    audit_record(
        actor=actor,
        action="merge",
        obj=duplicate,
        object_type=CHILD_OBJECT,
        detail={"into": survivor.pk},
    )
    audit_record(
        actor=actor,
        action="merge",
        obj=survivor,
        object_type=CHILD_OBJECT,
        detail={"from": duplicate.pk},
    )
    return survivor

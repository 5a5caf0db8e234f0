"""Writes of a country's roadmap itself: its dates and summary, its priorities and its
committees (actions are in ``services``). Only the country's coordinators (and
administrators) write them; each write is audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from synergy.core.audit import audit_record
from synergy.core.models import Country, Organisation, User
from synergy.core.versioning import versioned_update
from synergy.indicators import access
from synergy.indicators.models import Committee, Priority, Roadmap, WorkArea


def _require(actor: User, roadmap: Roadmap) -> None:
    if not access.may_edit_roadmap(actor, roadmap):
        raise PermissionDenied("Only the country's coordinators change its roadmap")


@transaction.atomic
def roadmap_create(*, actor: User, country: Country) -> Roadmap:
    """A country's (empty) roadmap, started by its coordinators."""
    if not access.may_approve(actor, country.pk):
        raise PermissionDenied("Only the country's coordinators start its roadmap")
    if Roadmap.objects.filter(country=country).exists():
        raise ValidationError(_("This country has a roadmap already."), code="conflict")
    roadmap = Roadmap.objects.create(country=country, created_by=actor)
    audit_record(actor=actor, action="create", obj=roadmap, detail={"country": country.pk})
    return roadmap


@transaction.atomic
def roadmap_update(
    *,
    actor: User,
    roadmap: Roadmap,
    version: int,
    pathfinder_since: date | None,
    workshop_on: date | None,
    summary: str,
) -> Roadmap:
    _require(actor, roadmap)
    roadmap.pathfinder_since = pathfinder_since
    roadmap.workshop_on = workshop_on
    roadmap.summary = summary.strip()
    roadmap.full_clean()
    versioned_update(
        roadmap,
        version,
        pathfinder_since=pathfinder_since,
        workshop_on=workshop_on,
        summary=roadmap.summary,
    )
    audit_record(actor=actor, action="update", obj=roadmap, detail={"country": roadmap.country_id})
    return roadmap


@transaction.atomic
def priority_add(*, actor: User, roadmap: Roadmap, area: str, text: str) -> Priority:
    _require(actor, roadmap)
    if area not in WorkArea.values:
        raise ValidationError({"area": [_("Choose an area of work.")]})
    priority = Priority(roadmap=roadmap, area=area, text=text.strip())
    priority.full_clean()
    priority.save()
    audit_record(actor=actor, action="create", obj=priority, detail={"country": roadmap.country_id})
    return priority


@transaction.atomic
def priority_remove(*, actor: User, priority: Priority) -> None:
    """Remove a priority; its actions stay on the roadmap, without a priority."""
    _require(actor, priority.roadmap)
    audit_record(
        actor=actor,
        action="delete",
        obj=priority,
        detail={"country": priority.roadmap.country_id, "area": priority.area},
    )
    priority.delete()


@transaction.atomic
def committee_add(
    *,
    actor: User,
    roadmap: Roadmap,
    name: str,
    parent: Committee | None = None,
    members: Sequence[Organisation] = (),
) -> Committee:
    _require(actor, roadmap)
    if parent is not None and parent.roadmap_id != roadmap.pk:
        raise ValidationError({"parent": [_("This committee is on another roadmap.")]})
    if parent is not None and parent.parent_id is not None:
        raise ValidationError({"parent": [_("A sub-committee has no sub-committees of its own.")]})
    committee = Committee(roadmap=roadmap, name=name.strip(), parent=parent)
    committee.full_clean()
    committee.save()
    committee.members.set(members)
    audit_record(
        actor=actor, action="create", obj=committee, detail={"country": roadmap.country_id}
    )
    return committee


@transaction.atomic
def committee_remove(*, actor: User, committee: Committee) -> None:
    """Remove a committee and its sub-committees."""
    _require(actor, committee.roadmap)
    audit_record(
        actor=actor,
        action="delete",
        obj=committee,
        detail={"country": committee.roadmap.country_id},
    )
    committee.delete()

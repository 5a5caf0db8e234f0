"""Fetch-and-check helpers for partnerships, projects and activities.

Every signed-in member reads them (they are not personal data). Writes: system administrators
everything; national coordinators everything in the countries they coordinate; a partner
manager its own organisation's activities, the projects its organisation leads or implements,
and the partnerships its organisation leads. On a write, a user with no relation to the record
gets 404 (its existence is not confirmed to outsiders), a member of a related organisation
without the right role gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.http import Http404

from synergy.core import roles
from synergy.core.models import User
from synergy.partners.models import (
    Activity,
    ParticipantRole,
    Partnership,
    PartyRole,
    Project,
)


def may_edit(user: User, *, countries: Iterable[str], managing_orgs: Iterable[int]) -> bool:
    """Whether ``user`` may change a record that applies to ``countries`` and that partner
    managers of ``managing_orgs`` may change."""
    if roles.is_system_admin(user):
        return True
    if roles.coordinated_country_ids(user) & set(countries):
        return True
    return bool(roles.managed_organisation_ids(user) & set(managing_orgs))


def _deny(user: User, related_orgs: Iterable[int], what: str) -> NoReturn:
    if roles.member_organisation_ids(user) & set(related_orgs):
        raise PermissionDenied(f"Your role does not allow changing this {what}")
    raise Http404(f"No such {what}")


def _pk(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Http404("Not found") from None


def access_activity(user: User, activity_id: int, *, write: bool = False) -> Activity:
    try:
        activity = Activity.objects.select_related(
            "organisation", "country", "admin_area", "project"
        ).get(pk=_pk(activity_id))
    except Activity.DoesNotExist:
        raise Http404("No such activity") from None
    if not write:
        return activity
    if may_edit(user, countries=[activity.country_id], managing_orgs=[activity.organisation_id]):
        return activity
    _deny(user, [activity.organisation_id], "activity")


def project_editable_by(user: User, project: Project) -> bool:
    participants = list(project.participants.all())
    countries = [c.pk for c in project.countries.all()]
    managing = [
        p.organisation_id
        for p in participants
        if p.role in (ParticipantRole.LEAD, ParticipantRole.IMPLEMENTING)
    ]
    return may_edit(user, countries=countries, managing_orgs=managing)


def access_project(user: User, project_id: int, *, write: bool = False) -> Project:
    try:
        project = Project.objects.prefetch_related("countries", "participants__organisation").get(
            pk=_pk(project_id)
        )
    except Project.DoesNotExist:
        raise Http404("No such project") from None
    if not write or project_editable_by(user, project):
        return project
    _deny(user, [p.organisation_id for p in project.participants.all()], "project")


def partnership_editable_by(user: User, partnership: Partnership) -> bool:
    parties = list(partnership.parties.all())
    countries = [c.pk for c in partnership.countries.all()]
    managing = [p.organisation_id for p in parties if p.role == PartyRole.LEAD]
    return may_edit(user, countries=countries, managing_orgs=managing)


def access_partnership(user: User, partnership_id: int, *, write: bool = False) -> Partnership:
    try:
        partnership = Partnership.objects.prefetch_related(
            "countries", "parties__organisation"
        ).get(pk=_pk(partnership_id))
    except Partnership.DoesNotExist:
        raise Http404("No such partnership") from None
    if not write or partnership_editable_by(user, partnership):
        return partnership
    _deny(user, [p.organisation_id for p in partnership.parties.all()], "partnership")

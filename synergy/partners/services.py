"""Writes for partnerships, projects and activities. Each function is atomic, checks the
actor's right to write, validates everything before writing, refuses stale versions and leaves
an audit event in the same transaction.

Child rows (parties, focal points, participants, targets) are given as whole lists: an update
that passes a list replaces the stored rows with it; ``None`` leaves them as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.utils.translation import gettext as _

from synergy.core.audit import audit_record
from synergy.core.models import AdminArea, Country, Organisation, User
from synergy.core.versioning import versioned_update
from synergy.core.vocab import ExploitationForm, TargetGroup
from synergy.partners.access import may_edit, partnership_editable_by, project_editable_by
from synergy.partners.models import (
    Activity,
    FocalPoint,
    Focus,
    ParticipantRole,
    Partnership,
    PartnershipDocument,
    PartnershipParty,
    PartyRole,
    Project,
    ProjectParticipant,
    ProjectTarget,
    ServiceType,
)

PARTNERSHIP_FIELDS = ("title", "kind", "description", "start_date", "end_date", "status")
PROJECT_FIELDS = (
    "code",
    "iati_identifier",
    "title",
    "description",
    "service_types",
    "target_groups",
    "focus",
    "supply_chain_sector",
    "exploitation_forms",
    "start_date",
    "end_date",
    "status",
    "budget_amount",
    "budget_currency",
    "budget_period_start",
    "budget_period_end",
    "budget_interval",
)


class ActivityFields(TypedDict, total=False):
    """What the pages, API and imports may set on a who-does-what-where activity."""

    organisation: Organisation
    project: Project | None
    title: str
    intervention_type: str
    level: str
    country: Country
    admin_area: AdminArea | None
    migration_stage: str
    exploitation_form: str
    start_date: date
    end_date: date | None
    reached_f_child: int
    reached_m_child: int
    reached_f_adult: int
    reached_m_adult: int
    description: str


ACTIVITY_FIELDS = tuple(ActivityFields.__annotations__)
LIST_CODES: dict[str, type[models.TextChoices]] = {
    "service_types": ServiceType,
    "target_groups": TargetGroup,
    "focus": Focus,
    "exploitation_forms": ExploitationForm,
}


@dataclass(frozen=True)
class PartyData:
    organisation: Organisation
    role: str
    responsibilities: str = ""


@dataclass(frozen=True)
class FocalPointData:
    organisation: Organisation
    name: str
    job_title: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ParticipantData:
    organisation: Organisation
    role: str
    share_percent: Decimal | None = None
    share_basis: str = ""


@dataclass(frozen=True)
class TargetData:
    organisation: Organisation
    kind: str
    sex: str
    number: int
    baseline: int | None = None
    actual: int | None = None


def _current(obj: models.Model, name: str) -> Any:
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:  # a foreign key not set yet on a new record
        return None


def _assign(obj: models.Model, allowed: Sequence[str], fields: Mapping[str, Any]) -> list[str]:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValueError(f"Unknown fields: {', '.join(unknown)}")
    changed = sorted(k for k, v in fields.items() if _current(obj, k) != v)
    for key in changed:
        setattr(obj, key, fields[key])
    return changed


def _check_codes(obj: Project) -> None:
    errors: dict[str, list[str]] = {}
    for field, choices in LIST_CODES.items():
        values = getattr(obj, field)
        if not isinstance(values, list):
            errors[field] = [_("Give a list of codes.")]
            continue
        bad = [v for v in values if v not in choices.values]
        if bad:
            errors[field] = [_("Unknown codes: %(codes)s.") % {"codes": ", ".join(map(str, bad))}]
        # Keep one of each, in the order of the code list, so equal sets compare equal.
        setattr(obj, field, [v for v in choices.values if v in values])
    if errors:
        raise ValidationError(errors)


def _full_clean_all(rows: Iterable[models.Model], exclude: list[str]) -> None:
    for row in rows:
        row.full_clean(exclude=exclude, validate_unique=False)


def _unique(rows: Iterable[tuple[Any, ...]], field: str, message: str) -> None:
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        if row in seen:
            raise ValidationError({field: [message]})
        seen.add(row)


# ---------------------------------------------------------------------------------------------
# Partnerships
# ---------------------------------------------------------------------------------------------


def _validate_partnership_children(
    parties: Sequence[PartyData], focal_points: Sequence[FocalPointData]
) -> None:
    if not parties:
        raise ValidationError({"parties": [_("A partnership needs at least one party.")]})
    _unique(
        ((p.organisation.pk, p.role) for p in parties),
        "parties",
        _("An organisation appears twice with the same role."),
    )
    party_orgs = {p.organisation.pk for p in parties}
    for fp in focal_points:
        if fp.organisation.pk not in party_orgs:
            raise ValidationError(
                {"focal_points": [_("A focal point must belong to one of the parties.")]}
            )


def _write_partnership_children(
    partnership: Partnership,
    parties: Sequence[PartyData] | None,
    focal_points: Sequence[FocalPointData] | None,
) -> None:
    if parties is not None:
        rows = [
            PartnershipParty(
                partnership=partnership,
                organisation=p.organisation,
                role=p.role,
                responsibilities=p.responsibilities,
            )
            for p in parties
        ]
        _full_clean_all(rows, exclude=["partnership"])
        partnership.parties.all().delete()
        PartnershipParty.objects.bulk_create(rows)
    if focal_points is not None:
        fps = [
            FocalPoint(
                partnership=partnership,
                organisation=fp.organisation,
                name=fp.name,
                job_title=fp.job_title,
                email=fp.email,
                phone=fp.phone,
            )
            for fp in focal_points
        ]
        _full_clean_all(fps, exclude=["partnership"])
        partnership.focal_points.all().delete()
        FocalPoint.objects.bulk_create(fps)


@transaction.atomic
def partnership_create(
    *,
    actor: User,
    countries: Sequence[Country],
    parties: Sequence[PartyData],
    focal_points: Sequence[FocalPointData] = (),
    **fields: Any,
) -> Partnership:
    leads = [p.organisation.pk for p in parties if p.role == PartyRole.LEAD]
    if not may_edit(actor, countries=[c.pk for c in countries], managing_orgs=leads):
        raise PermissionDenied(
            "Only administrators, the national coordinators of its countries and the lead "
            "party's partner managers record a partnership"
        )
    partnership = Partnership(created_by=actor)
    _assign(partnership, PARTNERSHIP_FIELDS, fields)
    partnership.full_clean()
    _validate_partnership_children(parties, focal_points)
    partnership.save()
    partnership.countries.set(countries)
    _write_partnership_children(partnership, parties, focal_points)
    audit_record(actor=actor, action="create", obj=partnership)
    return partnership


@transaction.atomic
def partnership_update(
    *,
    actor: User,
    partnership: Partnership,
    version: int,
    countries: Sequence[Country] | None = None,
    parties: Sequence[PartyData] | None = None,
    focal_points: Sequence[FocalPointData] | None = None,
    **fields: Any,
) -> Partnership:
    if not partnership_editable_by(actor, partnership):
        raise PermissionDenied("You may not change this partnership")
    changed = _assign(partnership, PARTNERSHIP_FIELDS, fields)
    partnership.full_clean()
    new_parties = list(parties) if parties is not None else None
    if new_parties is not None or focal_points is not None:
        current_parties = [
            PartyData(p.organisation, p.role, p.responsibilities)
            for p in partnership.parties.select_related("organisation")
        ]
        current_fps = [
            FocalPointData(f.organisation, f.name, f.job_title, f.email, f.phone)
            for f in partnership.focal_points.select_related("organisation")
        ]
        _validate_partnership_children(
            new_parties if new_parties is not None else current_parties,
            list(focal_points) if focal_points is not None else current_fps,
        )
    # Whoever edits must still be entitled to the result (no moving it out of one's reach).
    country_ids = (
        [c.pk for c in countries]
        if countries is not None
        else [c.pk for c in partnership.countries.all()]
    )
    leads = [
        p.organisation.pk
        for p in (new_parties if new_parties is not None else partnership.parties.all())
        if p.role == PartyRole.LEAD
    ]
    if not may_edit(actor, countries=country_ids, managing_orgs=leads):
        raise PermissionDenied("After this change you could no longer edit the partnership")
    versioned_update(partnership, version)
    partnership.save()
    if countries is not None:
        partnership.countries.set(countries)
        changed.append("countries")
    _write_partnership_children(partnership, new_parties, focal_points)
    if parties is not None:
        changed.append("parties")
    if focal_points is not None:
        changed.append("focal_points")
    audit_record(actor=actor, action="update", obj=partnership, detail={"fields": changed})
    return partnership


@transaction.atomic
def partnership_document_add(
    *, actor: User, partnership: Partnership, title: str, file: File[Any]
) -> PartnershipDocument:
    if not partnership_editable_by(actor, partnership):
        raise PermissionDenied("You may not change this partnership")
    document = PartnershipDocument(
        partnership=partnership, title=title.strip(), file=file, uploaded_by=actor
    )
    document.full_clean()
    document.save()
    audit_record(
        actor=actor,
        action="document_add",
        obj=partnership,
        detail={"document": document.pk},
    )
    return document


# ---------------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------------


def _validate_project_children(
    *,
    countries: Sequence[Country],
    areas: Sequence[AdminArea],
    participants: Sequence[ParticipantData],
    targets: Sequence[TargetData],
) -> None:
    if not countries:
        raise ValidationError({"countries": [_("Choose at least one country.")]})
    country_ids = {c.pk for c in countries}
    if any(a.country_id not in country_ids for a in areas):
        raise ValidationError(
            {"areas": [_("Every area must lie in one of the project's countries.")]}
        )
    _unique(
        ((p.organisation.pk, p.role) for p in participants),
        "participants",
        _("An organisation appears twice with the same role."),
    )
    if sum(1 for p in participants if p.role == ParticipantRole.LEAD) > 1:
        raise ValidationError({"participants": [_("A project has at most one lead.")]})
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for p in participants:
        if p.share_percent is not None:
            if not p.share_basis:
                raise ValidationError(
                    {"participants": [_("Say whether a share is of the budget or the targets.")]}
                )
            totals[p.share_basis] += p.share_percent
    if any(total > 100 for total in totals.values()):
        raise ValidationError({"participants": [_("Shares add up to more than 100%.")]})
    implementers = {
        p.organisation.pk
        for p in participants
        if p.role in (ParticipantRole.LEAD, ParticipantRole.IMPLEMENTING)
    }
    for t in targets:
        if t.organisation.pk not in implementers:
            raise ValidationError(
                {
                    "targets": [
                        _("%(org)s has a target but neither leads nor implements the project.")
                        % {"org": t.organisation}
                    ]
                }
            )
    _unique(
        ((t.organisation.pk, t.kind, t.sex) for t in targets),
        "targets",
        _("A partner has two targets of the same kind for the same sex."),
    )


def _write_project_children(
    project: Project,
    participants: Sequence[ParticipantData] | None,
    targets: Sequence[TargetData] | None,
) -> None:
    if participants is not None:
        rows = [
            ProjectParticipant(
                project=project,
                organisation=p.organisation,
                role=p.role,
                share_percent=p.share_percent,
                share_basis=p.share_basis,
            )
            for p in participants
        ]
        _full_clean_all(rows, exclude=["project"])
        project.participants.all().delete()
        ProjectParticipant.objects.bulk_create(rows)
    if targets is not None:
        trows = [
            ProjectTarget(
                project=project,
                organisation=t.organisation,
                kind=t.kind,
                sex=t.sex,
                number=t.number,
                baseline=t.baseline,
                actual=t.actual,
            )
            for t in targets
        ]
        _full_clean_all(trows, exclude=["project"])
        project.targets.all().delete()
        ProjectTarget.objects.bulk_create(trows)


def _managing(participants: Iterable[ParticipantData | ProjectParticipant]) -> list[int]:
    return [
        p.organisation.pk
        for p in participants
        if p.role in (ParticipantRole.LEAD, ParticipantRole.IMPLEMENTING)
    ]


def _lead(participants: Iterable[ParticipantData]) -> Organisation | None:
    return next((p.organisation for p in participants if p.role == ParticipantRole.LEAD), None)


@transaction.atomic
def project_create(
    *,
    actor: User,
    countries: Sequence[Country],
    participants: Sequence[ParticipantData],
    areas: Sequence[AdminArea] = (),
    targets: Sequence[TargetData] = (),
    **fields: Any,
) -> Project:
    if not may_edit(
        actor, countries=[c.pk for c in countries], managing_orgs=_managing(participants)
    ):
        raise PermissionDenied(
            "Only administrators, the national coordinators of its countries and partner "
            "managers of its lead or implementing organisations record a project"
        )
    project = Project(created_by=actor)
    _assign(project, PROJECT_FIELDS, fields)
    _check_codes(project)
    project.full_clean()
    _validate_project_children(
        countries=countries, areas=areas, participants=participants, targets=targets
    )
    project.save()
    project.countries.set(countries)
    project.areas.set(areas)
    _write_project_children(project, participants, targets)
    audit_record(actor=actor, action="create", obj=project, organisation=_lead(participants))
    return project


@transaction.atomic
def project_update(
    *,
    actor: User,
    project: Project,
    version: int,
    countries: Sequence[Country] | None = None,
    areas: Sequence[AdminArea] | None = None,
    participants: Sequence[ParticipantData] | None = None,
    targets: Sequence[TargetData] | None = None,
    **fields: Any,
) -> Project:
    if not project_editable_by(actor, project):
        raise PermissionDenied("You may not change this project")
    changed = _assign(project, PROJECT_FIELDS, fields)
    _check_codes(project)
    project.full_clean()
    current_participants = [
        ParticipantData(p.organisation, p.role, p.share_percent, p.share_basis)
        for p in project.participants.select_related("organisation")
    ]
    new_participants = list(participants) if participants is not None else current_participants
    new_countries = list(countries) if countries is not None else list(project.countries.all())
    _validate_project_children(
        countries=new_countries,
        areas=list(areas) if areas is not None else list(project.areas.all()),
        participants=new_participants,
        targets=list(targets)
        if targets is not None
        else [
            TargetData(t.organisation, t.kind, t.sex, t.number, t.baseline, t.actual)
            for t in project.targets.select_related("organisation")
        ],
    )
    if not may_edit(
        actor, countries=[c.pk for c in new_countries], managing_orgs=_managing(new_participants)
    ):
        raise PermissionDenied("After this change you could no longer edit the project")
    versioned_update(project, version)
    project.save()
    for name, values in (("countries", countries), ("areas", areas)):
        if values is not None:
            getattr(project, name).set(values)
            changed.append(name)
    _write_project_children(project, participants, targets)
    changed += [
        n for n, v in (("participants", participants), ("targets", targets)) if v is not None
    ]
    audit_record(
        actor=actor,
        action="update",
        obj=project,
        organisation=_lead(new_participants),
        detail={"fields": changed},
    )
    return project


# ---------------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------------


def _validate_activity(activity: Activity) -> None:
    activity.full_clean()
    if activity.admin_area is not None and activity.admin_area.country_id != activity.country_id:
        raise ValidationError(
            {"admin_area": [_("The area does not lie in the activity's country.")]}
        )


@transaction.atomic
def activity_create(*, actor: User, **fields: Unpack[ActivityFields]) -> Activity:
    activity = Activity(created_by=actor)
    _assign(activity, ACTIVITY_FIELDS, fields)
    if not may_edit(
        actor, countries=[activity.country_id], managing_orgs=[activity.organisation_id]
    ):
        raise PermissionDenied(
            "Only administrators, the national coordinators of its country and the "
            "organisation's partner managers record an activity"
        )
    _validate_activity(activity)
    activity.save()
    audit_record(actor=actor, action="create", obj=activity, organisation=activity.organisation)
    return activity


@transaction.atomic
def activity_update(
    *, actor: User, activity: Activity, version: int, **fields: Unpack[ActivityFields]
) -> Activity:
    if not may_edit(
        actor, countries=[activity.country_id], managing_orgs=[activity.organisation_id]
    ):
        raise PermissionDenied("You may not change this activity")
    changed = _assign(activity, ACTIVITY_FIELDS, fields)
    if not may_edit(
        actor, countries=[activity.country_id], managing_orgs=[activity.organisation_id]
    ):
        raise PermissionDenied("After this change you could no longer edit the activity")
    _validate_activity(activity)
    versioned_update(activity, version)
    activity.save()
    audit_record(
        actor=actor,
        action="update",
        obj=activity,
        organisation=activity.organisation,
        detail={"fields": changed},
    )
    return activity

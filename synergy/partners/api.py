"""API for partnerships, projects (with targets) and 4W activities, with the page rules:
every signed-in member reads; writes follow synergy.partners.access."""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from synergy.api.types import Body, Count, Input, PathId, Ref, Version, column_limits, patch_fields
from synergy.core.models import AdminArea, Country, Organisation, User
from synergy.core.pagination import Pagination
from synergy.core.vocab import ExploitationForm
from synergy.partners import selectors, services
from synergy.partners.access import access_activity, access_partnership, access_project
from synergy.partners.models import (
    Activity,
    FocalPoint,
    InterventionType,
    Level,
    MigrationStage,
    ParticipantRole,
    Partnership,
    PartnershipKind,
    PartnershipParty,
    PartnershipStatus,
    PartyRole,
    Project,
    ProjectParticipant,
    ProjectTarget,
    Sex,
    ShareBasis,
    TargetKind,
)

router = Router(tags=["partners"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _organisation(pk: int, field: str) -> Organisation:
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise ValidationError({field: [f"No organisation {pk}"]})
    return org


def _organisations(ids: set[int], field: str) -> dict[int, Organisation]:
    found = Organisation.objects.in_bulk(list(ids))
    missing = sorted(ids - set(found))
    if missing:
        raise ValidationError({field: [f"No organisation {', '.join(map(str, missing))}"]})
    return found


def _countries(codes: list[str]) -> list[Country]:
    upper = [c.upper() for c in codes]
    found = {c.pk: c for c in Country.objects.filter(pk__in=upper)}
    missing = [c for c in upper if c not in found]
    if missing:
        raise ValidationError({"countries": [f"Unknown country codes: {', '.join(missing)}"]})
    return [found[c] for c in upper]


def _areas(ids: list[int]) -> list[AdminArea]:
    found = AdminArea.objects.in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"areas": [f"No area {', '.join(map(str, missing))}"]})
    return [found[i] for i in ids]


# ---------------------------------------------------------------------------------------------
# Partnerships
# ---------------------------------------------------------------------------------------------


class PartyIO(Schema):
    organisation: int = Field(..., alias="organisation_id")
    role: PartyRole
    responsibilities: str = ""


class FocalPointIO(Schema):
    organisation: int = Field(..., alias="organisation_id")
    name: str = Field(..., min_length=1, max_length=200)
    job_title: str = ""
    email: str = ""
    phone: str = ""


class PartnershipOut(Schema):
    id: int
    title: str
    kind: PartnershipKind
    status: PartnershipStatus
    description: str
    countries: list[str]
    start_date: date | None
    end_date: date | None
    parties: list[PartyIO]
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_countries(obj: Partnership) -> list[str]:
        return [c.pk for c in obj.countries.all()]

    @staticmethod
    def resolve_parties(obj: Partnership) -> list[Any]:
        return list(obj.parties.all())


class PartnershipDetailOut(PartnershipOut):
    focal_points: list[FocalPointIO]

    @staticmethod
    def resolve_focal_points(obj: Partnership) -> list[Any]:
        return list(obj.focal_points.all())


@column_limits(PartnershipParty)
class PartyIn(Body):
    organisation: Ref
    role: PartyRole
    responsibilities: str = ""


@column_limits(FocalPoint)
class FocalPointIn(Body):
    organisation: Ref
    name: str = Field(..., min_length=1, max_length=200)
    job_title: str = ""
    email: str = ""
    phone: str = ""


@column_limits(Partnership)
class PartnershipIn(Body):
    title: str = Field(..., min_length=1, max_length=250)
    kind: PartnershipKind
    status: PartnershipStatus = PartnershipStatus.ACTIVE
    description: str = ""
    countries: list[str] = Field(..., description="ISO 3166-1 alpha-2 codes")
    start_date: date | None = None
    end_date: date | None = None
    parties: list[PartyIn]
    focal_points: list[FocalPointIn] = []


@column_limits(Partnership)
class PartnershipPatch(Body):
    version: Version
    title: Annotated[str, Field(None, min_length=1, max_length=250)]
    kind: Annotated[PartnershipKind, Field(None)]
    status: Annotated[PartnershipStatus, Field(None)]
    description: Annotated[str, Field(None)]
    countries: Annotated[list[str], Field(None)]
    start_date: date | None = None
    end_date: date | None = None
    parties: Annotated[list[PartyIn], Field(None, description="Replaces all parties")]
    focal_points: Annotated[
        list[FocalPointIn], Field(None, description="Replaces all focal points")
    ]


class PartnershipFilters(Input):
    q: str = Field("", description="Search in title and description")
    kind: str = ""
    status: str = ""
    country: str = Field("", description="ISO 3166-1 alpha-2 code")


def _partnership_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("countries") is not None:
        data["countries"] = _countries(data["countries"])
    if data.get("parties") is not None:
        orgs = _organisations({p["organisation"] for p in data["parties"]}, "parties")
        data["parties"] = [
            services.PartyData(orgs[p["organisation"]], p["role"], p["responsibilities"])
            for p in data["parties"]
        ]
    if data.get("focal_points") is not None:
        orgs = _organisations({f["organisation"] for f in data["focal_points"]}, "focal_points")
        data["focal_points"] = [
            services.FocalPointData(
                orgs[f["organisation"]], f["name"], f["job_title"], f["email"], f["phone"]
            )
            for f in data["focal_points"]
        ]
    for key in ("countries", "parties", "focal_points"):
        if key in data and data[key] is None:
            del data[key]
    return data


def _partnership_out(partnership_id: PathId, user: User) -> Partnership:
    return access_partnership(user, partnership_id)


@router.get("/partnerships", response=list[PartnershipOut])
@paginate(Pagination)
def list_partnerships(
    request: HttpRequest, filters: Query[PartnershipFilters]
) -> list[Partnership]:
    return selectors.partnership_list(  # type: ignore[return-value]
        user=_user(request),
        search=filters.q,
        kind=filters.kind,
        status=filters.status,
        country=filters.country,
    )


@router.get("/partnerships/{partnership_id}", response=PartnershipDetailOut)
def get_partnership(request: HttpRequest, partnership_id: PathId) -> Partnership:
    return access_partnership(_user(request), partnership_id)


@router.post("/partnerships", response={201: PartnershipDetailOut})
def create_partnership(request: HttpRequest, payload: PartnershipIn) -> Status:
    data = _partnership_kwargs(payload.dict())
    partnership = services.partnership_create(actor=_user(request), **data)
    return Status(201, _partnership_out(partnership.pk, _user(request)))


@router.patch("/partnerships/{partnership_id}", response=PartnershipDetailOut)
def update_partnership(
    request: HttpRequest, partnership_id: PathId, payload: PartnershipPatch
) -> Partnership:
    partnership = access_partnership(_user(request), partnership_id, write=True)
    data = _partnership_kwargs(patch_fields(payload))
    version = data.pop("version")
    services.partnership_update(
        actor=_user(request), partnership=partnership, version=version, **data
    )
    return _partnership_out(partnership_id, _user(request))


# ---------------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------------


class ParticipantIO(Schema):
    organisation: int = Field(..., alias="organisation_id")
    role: ParticipantRole
    share_percent: Decimal | None = None
    share_basis: ShareBasis | None = None


class TargetIO(Schema):
    organisation: int = Field(..., alias="organisation_id")
    kind: TargetKind
    sex: Sex
    number: Count = Field(...)
    baseline: Count | None = None
    actual: Count | None = None


class ProjectOut(Schema):
    id: int
    code: str
    iati_identifier: str
    title: str
    status: int = Field(..., description="IATI ActivityStatus code (1-6)")
    countries: list[str]
    start_date: date | None
    end_date: date | None
    participants: list[ParticipantIO]
    withdraw_total: int = 0
    prevent_total: int = 0
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_countries(obj: Project) -> list[str]:
        return [c.pk for c in obj.countries.all()]

    @staticmethod
    def resolve_participants(obj: Project) -> list[Any]:
        return [
            {
                "organisation_id": p.organisation_id,
                "role": p.role,
                "share_percent": p.share_percent,
                "share_basis": p.share_basis or None,
            }
            for p in obj.participants.all()
        ]


class ProjectDetailOut(ProjectOut):
    description: str
    areas: list[int]
    service_types: list[str]
    target_groups: list[str]
    focus: list[str]
    supply_chain_sector: str
    exploitation_forms: list[str]
    budget_amount: Decimal | None
    budget_currency: str
    budget_period_start: date | None
    budget_period_end: date | None
    budget_interval: str
    targets: list[TargetIO]

    @staticmethod
    def resolve_areas(obj: Project) -> list[int]:
        return [a.pk for a in obj.areas.all()]

    @staticmethod
    def resolve_targets(obj: Project) -> list[Any]:
        return list(obj.targets.all())

    @staticmethod
    def resolve_withdraw_total(obj: Project) -> int:
        return sum(t.number for t in obj.targets.all() if t.kind == TargetKind.WITHDRAW)

    @staticmethod
    def resolve_prevent_total(obj: Project) -> int:
        return sum(t.number for t in obj.targets.all() if t.kind == TargetKind.PREVENT)


@column_limits(ProjectParticipant)
class ParticipantIn(Body):
    organisation: Ref
    role: ParticipantRole
    share_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    share_basis: ShareBasis | None = None


@column_limits(ProjectTarget)
class TargetIn(Body):
    organisation: Ref
    kind: TargetKind
    sex: Sex
    number: Count = Field(...)
    baseline: Count | None = None
    actual: Count | None = None


@column_limits(Project)
class ProjectIn(Body):
    code: str = Field(..., min_length=1, max_length=50)
    iati_identifier: str = ""
    title: str = Field(..., min_length=1, max_length=250)
    description: str = ""
    status: int = Field(1, ge=1, le=6, description="IATI ActivityStatus code")
    countries: list[str] = Field(..., min_length=1)
    areas: list[Ref] = []
    service_types: list[str] = []
    target_groups: list[str] = []
    focus: list[str] = []
    supply_chain_sector: str = ""
    exploitation_forms: list[str] = []
    start_date: date | None = None
    end_date: date | None = None
    budget_amount: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    budget_currency: str = "USD"
    budget_period_start: date | None = None
    budget_period_end: date | None = None
    budget_interval: Literal["year", "quarter"] = "year"
    participants: list[ParticipantIn]
    targets: list[TargetIn] = []


@column_limits(Project)
class ProjectPatch(Body):
    version: Version
    code: Annotated[str, Field(None, min_length=1, max_length=50)]
    iati_identifier: Annotated[str, Field(None)]
    title: Annotated[str, Field(None, min_length=1, max_length=250)]
    description: Annotated[str, Field(None)]
    status: Annotated[int, Field(None, ge=1, le=6)]
    countries: Annotated[list[str], Field(None)]
    areas: Annotated[list[Ref], Field(None)]
    service_types: Annotated[list[str], Field(None)]
    target_groups: Annotated[list[str], Field(None)]
    focus: Annotated[list[str], Field(None)]
    supply_chain_sector: Annotated[str, Field(None)]
    exploitation_forms: Annotated[list[str], Field(None)]
    start_date: date | None = None
    end_date: date | None = None
    budget_amount: Annotated[Decimal | None, Field(None, ge=0, max_digits=16, decimal_places=2)]
    budget_currency: Annotated[str, Field(None)]
    budget_period_start: date | None = None
    budget_period_end: date | None = None
    budget_interval: Annotated[Literal["year", "quarter"], Field(None)]
    participants: Annotated[list[ParticipantIn], Field(None, description="Replaces all")]
    targets: Annotated[list[TargetIn], Field(None, description="Replaces all")]


class ProjectFilters(Input):
    q: str = Field("", description="Search in code and title")
    status: int | None = Field(None, ge=1, le=6)
    country: str = Field("", description="ISO 3166-1 alpha-2 code")
    organisation: Ref | None = Field(None, description="A participating organisation's id")
    service_type: str = ""
    exploitation_form: str = ""


NOT_NULL_TEXT = ("iati_identifier", "title", "description", "supply_chain_sector", "code")
NOT_NULL_LISTS = ("service_types", "target_groups", "focus", "exploitation_forms")


def _project_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    for key in ("countries", "areas", "participants", "targets", *NOT_NULL_TEXT):
        if key in data and data[key] is None:
            del data[key]
    for key in NOT_NULL_LISTS:
        if key in data and data[key] is None:
            data[key] = []
    if "countries" in data:
        data["countries"] = _countries(data["countries"])
    if "areas" in data:
        data["areas"] = _areas(data["areas"])
    if "participants" in data:
        orgs = _organisations({p["organisation"] for p in data["participants"]}, "participants")
        data["participants"] = [
            services.ParticipantData(
                orgs[p["organisation"]], p["role"], p["share_percent"], p["share_basis"] or ""
            )
            for p in data["participants"]
        ]
    if "targets" in data:
        orgs = _organisations({t["organisation"] for t in data["targets"]}, "targets")
        data["targets"] = [
            services.TargetData(
                orgs[t["organisation"]],
                t["kind"],
                t["sex"],
                t["number"],
                t["baseline"],
                t["actual"],
            )
            for t in data["targets"]
        ]
    for name in ("budget_currency", "budget_interval"):
        if data.get(name) is None:
            data.pop(name, None)
    return data


def _project_detail(project_id: PathId, user: User) -> Project:
    project = access_project(user, project_id)
    return project


@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> list[Project]:
    return selectors.project_list(  # type: ignore[return-value]
        user=_user(request),
        search=filters.q,
        status=filters.status or "",
        country=filters.country,
        organisation=filters.organisation,
        service_type=filters.service_type,
        exploitation_form=filters.exploitation_form,
    )


@router.get("/projects/{project_id}", response=ProjectDetailOut)
def get_project(request: HttpRequest, project_id: PathId) -> Project:
    return _project_detail(project_id, _user(request))


@router.post("/projects", response={201: ProjectDetailOut})
def create_project(request: HttpRequest, payload: ProjectIn) -> Status:
    project = services.project_create(actor=_user(request), **_project_kwargs(payload.dict()))
    return Status(201, _project_detail(project.pk, _user(request)))


@router.patch("/projects/{project_id}", response=ProjectDetailOut)
def update_project(request: HttpRequest, project_id: PathId, payload: ProjectPatch) -> Project:
    project = access_project(_user(request), project_id, write=True)
    data = _project_kwargs(patch_fields(payload))
    version = data.pop("version")
    services.project_update(actor=_user(request), project=project, version=version, **data)
    return _project_detail(project_id, _user(request))


# ---------------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    organisation: int = Field(..., alias="organisation_id")
    project: int | None = Field(None, alias="project_id")
    title: str
    intervention_type: InterventionType
    level: Level
    country: str = Field(..., alias="country_id")
    admin_area: int | None = Field(None, alias="admin_area_id")
    migration_stage: MigrationStage
    exploitation_form: ExploitationForm
    start_date: date
    end_date: date | None
    reached_f_child: int
    reached_m_child: int
    reached_f_adult: int
    reached_m_adult: int
    description: str
    version: int
    updated_at: datetime


@column_limits(Activity)
class ActivityIn(Body):
    organisation: Ref
    project: Ref | None = None
    title: str = Field("", max_length=250)
    intervention_type: InterventionType
    level: Level
    country: str
    admin_area: Ref | None = None
    migration_stage: MigrationStage
    exploitation_form: ExploitationForm
    start_date: date
    end_date: date | None = None
    reached_f_child: Count = Field(0)
    reached_m_child: Count = Field(0)
    reached_f_adult: Count = Field(0)
    reached_m_adult: Count = Field(0)
    description: str = ""


@column_limits(Activity)
class ActivityPatch(Body):
    version: Version
    organisation: Annotated[Ref, Field(None)]
    project: Ref | None = None
    title: Annotated[str, Field(None, max_length=250)]
    intervention_type: Annotated[InterventionType, Field(None)]
    level: Annotated[Level, Field(None)]
    country: str | None = None
    admin_area: Ref | None = None
    migration_stage: Annotated[MigrationStage, Field(None)]
    exploitation_form: Annotated[ExploitationForm, Field(None)]
    start_date: Annotated[date, Field(None)]
    end_date: date | None = None
    reached_f_child: Annotated[Count, Field(None)]
    reached_m_child: Annotated[Count, Field(None)]
    reached_f_adult: Annotated[Count, Field(None)]
    reached_m_adult: Annotated[Count, Field(None)]
    description: Annotated[str, Field(None)]


class ActivityFiltersIn(Body):
    q: str = ""
    country: str = Field("", description="ISO 3166-1 alpha-2 code")
    area: Ref | None = Field(None, description="An admin area id; includes the areas below it")
    organisation: Ref | None = None
    project: Ref | None = None
    intervention_type: str = ""
    level: str = ""
    migration_stage: str = ""
    exploitation_form: str = ""
    date_from: date | None = Field(None, description="Activities active on or after this day")
    date_to: date | None = Field(None, description="Activities active on or before this day")


NULLABLE_ACTIVITY = {"project", "admin_area", "end_date"}


def _activity_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    for key in list(data):
        if data[key] is None and key not in NULLABLE_ACTIVITY:
            del data[key]
    if "organisation" in data:
        data["organisation"] = _organisation(data["organisation"], "organisation")
    if "country" in data:
        data["country"] = _countries([data["country"]])[0]
    if data.get("admin_area") is not None:
        data["admin_area"] = _areas([data["admin_area"]])[0]
    if data.get("project") is not None:
        project = Project.objects.filter(pk=data["project"]).first()
        if project is None:
            raise ValidationError({"project": [f"No project {data['project']}"]})
        data["project"] = project
    return data


@router.get("/activities", response=list[ActivityOut])
@paginate(Pagination)
def list_activities(request: HttpRequest, filters: Query[ActivityFiltersIn]) -> list[Activity]:
    f = filters.dict()
    f["search"] = f.pop("q")
    return selectors.activity_list(  # type: ignore[return-value]
        user=_user(request), filters=selectors.ActivityFilters(**f)
    )


@router.get("/activities/{activity_id}", response=ActivityOut)
def get_activity(request: HttpRequest, activity_id: PathId) -> Activity:
    return access_activity(_user(request), activity_id)


@router.post("/activities", response={201: ActivityOut})
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status:
    data = _activity_kwargs(payload.dict())
    return Status(201, services.activity_create(actor=_user(request), **data))


@router.patch("/activities/{activity_id}", response=ActivityOut)
def update_activity(request: HttpRequest, activity_id: PathId, payload: ActivityPatch) -> Activity:
    activity = access_activity(_user(request), activity_id, write=True)
    data = _activity_kwargs(patch_fields(payload))
    version = data.pop("version")
    return services.activity_update(
        actor=_user(request), activity=activity, version=version, **data
    )

"""API of the CLMS (/api/v1/monitoring/...), with the same access rules as the pages: records by
public UUID, 404 for outsiders and analysts, 403 for read-only roles, 409 on a stale version,
every read of a child's record audited. A service provider reads a referral made to it as the
limited ReferralForProvider shape only."""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from synergy.api.types import Body, Count, Input, PathId, Ref, Version, column_limits, patch_fields
from synergy.core.models import AdminArea, Organisation, User
from synergy.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Pagination
from synergy.monitoring import selectors, services
from synergy.monitoring.access import (
    access_child,
    access_household,
    access_referral,
    access_visit,
)
from synergy.monitoring.models import (
    Child,
    ConsentBy,
    Household,
    Livelihood,
    MonitorRole,
    Referral,
    ReferralServiceType,
    SchoolStatus,
    Sex,
    Visit,
    VisitKind,
)

router = Router(tags=["monitoring"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _organisation(user: User, organisation_id: PathId | None) -> Organisation:
    ids = selectors.writable_organisation_ids(user)
    if organisation_id is None:
        if not ids:
            raise PermissionDenied("Only case workers and partner managers register records")
        organisation_id = min(ids)
    organisation = Organisation.objects.select_related("country").filter(pk=organisation_id).first()
    if organisation is None:
        raise ValidationError({"organisation": ["No such organisation"]})
    return organisation


def _area(organisation: Organisation, code: str | None) -> AdminArea | None:
    if not code:
        return None
    area = AdminArea.objects.filter(country=organisation.country, code=code).first()
    if area is None:
        raise ValidationError({"area": [f"{code!r} is not an area code of the country"]})
    return area


# -- schemas ---------------------------------------------------------------------------------


class HouseholdOut(Schema):
    id: UUID = Field(..., alias="public_id")
    organisation: int = Field(..., alias="organisation_id")
    country: str = Field(..., alias="country_id")
    area: str | None = None
    address: str
    head_name: str
    contact_phone: str
    member_count: int
    livelihood: str
    consent_given: bool
    consent_by: str
    version: int

    @staticmethod
    def resolve_area(obj: Household) -> str | None:
        return obj.area.code if obj.area else None


@column_limits(Household)
class HouseholdIn(Body):
    organisation: Ref | None = Field(None, description="Default: your organisation")
    area: str | None = Field(None, description="AdminArea code")
    address: str = ""
    head_name: str = ""
    contact_phone: str = ""
    member_count: int = Field(0, ge=0, le=60)
    livelihood: Livelihood | None = None
    consent_given: bool
    consent_by: ConsentBy


@column_limits(Household)
class HouseholdPatch(Body):
    version: Version
    address: Annotated[str, Field(None)]
    head_name: Annotated[str, Field(None)]
    contact_phone: Annotated[str, Field(None)]
    member_count: Annotated[int, Field(None, ge=0, le=60)]
    livelihood: Annotated[Livelihood, Field(None)]
    livelihood_notes: Annotated[str, Field(None)]


class ChildOut(Schema):
    id: UUID = Field(..., alias="public_id")
    organisation: int = Field(..., alias="organisation_id")
    household: UUID | None = None
    country: str = Field(..., alias="country_id")
    area: str | None = None
    first_name: str
    last_name: str
    other_names: str
    sex: str
    date_of_birth: date | None
    dob_estimated: bool
    school_status: str
    grade: str
    risk_factors: list[str]
    status: str
    track: str
    next_followup_on: date | None
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_area(obj: Child) -> str | None:
        return obj.area.code if obj.area else None

    @staticmethod
    def resolve_household(obj: Child) -> UUID | None:
        return obj.household.public_id if obj.household else None


@column_limits(Child)
class ChildIn(Body):
    organisation: Ref | None = Field(None, description="Default: your organisation")
    household: UUID | None = None
    area: str | None = None
    first_name: str = Field(..., min_length=1, max_length=100)
    last_name: str = Field("", max_length=100)
    other_names: str = Field("", max_length=200)
    sex: Sex
    date_of_birth: date | None = None
    estimated_age: int | None = Field(None, ge=0, le=25)
    school_status: SchoolStatus | None = None
    grade: str = ""
    contact_phone: str = ""
    risk_factors: list[str] = []
    projects: list[str] = Field([], description="Project codes to enrol the child in")


@column_limits(Child)
class ChildPatch(Body):
    version: Version
    first_name: Annotated[str, Field(None, min_length=1, max_length=100)]
    last_name: Annotated[str, Field(None)]
    other_names: Annotated[str, Field(None)]
    sex: Annotated[Sex, Field(None)]
    date_of_birth: date | None = None
    school_status: Annotated[SchoolStatus, Field(None)]
    grade: Annotated[str, Field(None)]
    contact_phone: Annotated[str, Field(None)]
    risk_factors: Annotated[list[str], Field(None)]


class ChildFilters(Input):
    q: str = Field("", description="Name (exact or sounds like), through the blind index")
    status: str = ""
    sex: str = ""
    area: str = Field("", description="AdminArea code")
    project: str = Field("", description="Project code")


class VisitOut(Schema):
    id: UUID = Field(..., alias="public_id")
    child: UUID
    kind: str
    visit_date: date
    monitor_role: str
    activities: str
    industry_code: str
    occupation_code: str
    econ_hours: Decimal
    chore_hours: Decimal
    hazardous_conditions: bool
    hazards: list[str]
    night_work: bool
    worst_forms: bool
    attendance_percent: Decimal | None
    notes: str
    age_at_visit: int | None
    label: str
    is_child_labour: bool
    reasons: list[str]
    framework: str

    @staticmethod
    def resolve_child(obj: Visit) -> UUID:
        return obj.child.public_id


@column_limits(Visit)
class VisitIn(Body):
    kind: VisitKind
    visit_date: date
    monitor_role: MonitorRole | None = None
    activities: str = ""
    industry_code: str = ""
    occupation_code: str = ""
    econ_hours: Decimal = Field(Decimal(0), ge=0, le=168, decimal_places=1)
    chore_hours: Decimal = Field(Decimal(0), ge=0, le=168, decimal_places=1)
    hazardous_conditions: bool = False
    hazards: list[str] = []
    night_work: bool = False
    worst_forms: bool = False
    attendance_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    notes: str = ""


class ReferralOut(Schema):
    id: UUID = Field(..., alias="public_id")
    child: UUID
    from_organisation: int = Field(..., alias="from_organisation_id")
    to_organisation: int = Field(..., alias="to_organisation_id")
    service_type: str
    notes: str
    consent_given: bool
    consent_by: str
    status: str
    decline_reason: str
    referred_on: date
    version: int

    @staticmethod
    def resolve_child(obj: Referral) -> UUID:
        return obj.child.public_id


class ReferralProviderOut(Schema):
    id: UUID
    first_name: str
    age: int | None
    sex: str
    service_type: str
    notes: str
    status: str
    referred_on: date
    from_organisation: str
    contact_name: str
    contact_email: str
    version: int


@column_limits(Referral)
class ReferralIn(Body):
    child: UUID
    to_organisation: Ref
    service_type: ReferralServiceType
    notes: str = ""
    consent_given: bool
    consent_by: ConsentBy


class ReferralAction(Body):
    version: Version
    reason: str = Field("", max_length=500)


# -- households ------------------------------------------------------------------------------


@router.get("/households", response=list[HouseholdOut])
@paginate(Pagination)
def list_households(request: HttpRequest) -> Any:
    return selectors.households_for(_user(request)).select_related("area").order_by("-created_at")


@router.post("/households", response={201: HouseholdOut})
def create_household(request: HttpRequest, payload: HouseholdIn) -> Status:
    user = _user(request)
    data = payload.dict()
    organisation = _organisation(user, data.pop("organisation"))
    data["area"] = _area(organisation, data.pop("area"))
    data["livelihood"] = data["livelihood"] or ""
    household = services.household_register(actor=user, organisation=organisation, **data)
    return Status(201, household)


@router.get("/households/{household_id}", response=HouseholdOut)
def get_household(request: HttpRequest, household_id: UUID) -> Household:
    user = _user(request)
    household = access_household(user, household_id)
    services.household_viewed(actor=user, household=household)
    return household


@router.patch("/households/{household_id}", response=HouseholdOut)
def update_household(request: HttpRequest, household_id: UUID, payload: HouseholdPatch) -> Any:
    user = _user(request)
    household = access_household(user, household_id, write=True)
    data = patch_fields(payload)
    version = data.pop("version")
    return services.household_update(actor=user, household=household, version=version, **data)


# -- children --------------------------------------------------------------------------------


@router.get("/children", response=list[ChildOut])
@paginate(Pagination)
def list_children(request: HttpRequest, filters: Query[ChildFilters]) -> Any:
    return selectors.child_list(user=_user(request), **filters.dict()).select_related("household")


# 404: the household named in the body is unknown or not one you may see.
@router.post("/children", response={201: ChildOut}, openapi_extra={"x-errors": [404]})
def create_child(request: HttpRequest, payload: ChildIn) -> Status:
    from synergy.partners.models import Project

    user = _user(request)
    data = payload.dict()
    organisation = _organisation(user, data.pop("organisation"))
    data["area"] = _area(organisation, data.pop("area"))
    household_id = data.pop("household")
    data["household"] = access_household(user, household_id, write=True) if household_id else None
    codes = data.pop("projects")
    projects = list(Project.objects.filter(code__in=codes))
    if len(projects) != len(set(codes)):
        raise ValidationError({"projects": ["Unknown project code"]})
    data["school_status"] = data["school_status"] or ""
    child = services.child_register(
        actor=user, organisation=organisation, projects=projects, **data
    )
    return Status(201, child)


@router.get("/children/{child_id}", response=ChildOut)
def get_child(request: HttpRequest, child_id: UUID) -> Child:
    user = _user(request)
    child = access_child(user, child_id)
    services.child_viewed(actor=user, child=child, what="api")
    return child


@router.patch("/children/{child_id}", response=ChildOut)
def update_child(request: HttpRequest, child_id: UUID, payload: ChildPatch) -> Child:
    user = _user(request)
    child = access_child(user, child_id, write=True)
    data = patch_fields(payload)
    version = data.pop("version")
    return services.child_update(actor=user, child=child, version=version, **data)


@router.get("/children/{child_id}/visits", response=list[VisitOut])
@paginate(Pagination)
def list_visits(request: HttpRequest, child_id: UUID) -> Any:
    user = _user(request)
    child = access_child(user, child_id)
    services.child_viewed(actor=user, child=child, what="api-visits")
    return child.visits.select_related("child").order_by("-visit_date", "-pk")


@router.post("/children/{child_id}/visits", response={201: VisitOut})
def create_visit(request: HttpRequest, child_id: UUID, payload: VisitIn) -> Status:
    user = _user(request)
    child = access_child(user, child_id, write=True)
    data = payload.dict()
    data["monitor_role"] = data["monitor_role"] or ""
    return Status(201, services.visit_record(actor=user, child=child, **data))


@router.get("/visits/{visit_id}", response=VisitOut)
def get_visit(request: HttpRequest, visit_id: UUID) -> Visit:
    user = _user(request)
    visit = access_visit(user, visit_id)
    services.child_viewed(actor=user, child=visit.child, what="api-visit")
    return visit


# -- referrals -------------------------------------------------------------------------------


@router.get("/referrals", response=list[ReferralOut])
@paginate(Pagination)
def list_referrals(request: HttpRequest, status: str = "") -> Any:
    """Referrals of the children you may see (the referring side)."""
    return selectors.referrals_sent(user=_user(request), status=status)


class ReceivedPage(Schema):
    items: list[ReferralProviderOut]
    count: int


class ReceivedFilters(Input):
    status: str = ""
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: Count = 0


@router.get("/referrals/received", response=ReceivedPage)
def list_referrals_received(request: HttpRequest, filters: Query[ReceivedFilters]) -> Any:
    """Referrals made to your organisations, in the provider's limited shape (paginated like
    the other lists: ``items`` and ``count``; only the page is decrypted)."""
    qs = selectors.referrals_received(user=_user(request), status=filters.status)
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [_provider_shape(r) for r in page], "count": qs.count()}


def _provider_shape(referral: Referral) -> dict[str, Any]:
    view = selectors.referral_for_provider(referral)
    return {
        "id": view.public_id,
        "first_name": view.first_name,
        "age": view.age,
        "sex": view.sex,
        "service_type": view.service_type,
        "notes": view.notes,
        "status": view.status,
        "referred_on": view.referred_on,
        "from_organisation": view.from_organisation,
        "contact_name": view.contact_name,
        "contact_email": view.contact_email,
        "version": view.version,
    }


# 404: the child named in the body is unknown or not one you may see.
@router.post("/referrals", response={201: ReferralOut}, openapi_extra={"x-errors": [404]})
def create_referral(request: HttpRequest, payload: ReferralIn) -> Status:
    user = _user(request)
    data = payload.dict()
    child = access_child(user, data.pop("child"), write=True)
    provider = Organisation.objects.filter(pk=data.pop("to_organisation")).first()
    if provider is None:
        raise ValidationError({"to_organisation": ["No such organisation"]})
    referral = services.referral_create(actor=user, child=child, to_organisation=provider, **data)
    return Status(201, referral)


@router.get("/referrals/{referral_id}", response={200: ReferralOut | ReferralProviderOut})
def get_referral(request: HttpRequest, referral_id: UUID) -> Any:
    user = _user(request)
    referral, side = access_referral(user, referral_id)
    if side == "provider":
        services.referral_viewed_by_provider(actor=user, referral=referral)
        return _provider_shape(referral)
    return referral


@router.post("/referrals/{referral_id}/accept", response=ReferralProviderOut)
def accept_referral(request: HttpRequest, referral_id: UUID, payload: ReferralAction) -> Any:
    user = _user(request)
    referral, _ = access_referral(user, referral_id, write=True, side="provider")
    services.referral_accept(actor=user, referral=referral, version=payload.version)
    return _provider_shape(referral)


@router.post("/referrals/{referral_id}/decline", response=ReferralProviderOut)
def decline_referral(request: HttpRequest, referral_id: UUID, payload: ReferralAction) -> Any:
    user = _user(request)
    referral, _ = access_referral(user, referral_id, write=True, side="provider")
    services.referral_decline(
        actor=user, referral=referral, version=payload.version, reason=payload.reason
    )
    return _provider_shape(referral)

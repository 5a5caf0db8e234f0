"""API for the organisation directory, with the same permission rules as the pages."""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from datetime import datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from synergy.api.types import Body, Input, PathId, Version, column_limits, patch_fields
from synergy.core import selectors, services
from synergy.core.access import access_organisation
from synergy.core.models import Country, Organisation, OrganisationKind, User
from synergy.core.pagination import Pagination

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    acronym: str
    kind: OrganisationKind
    country: str | None = Field(None, alias="country_id")
    website: str
    description: str
    iati_identifier: str
    iati_organisation_type: str
    version: int
    updated_at: datetime


@column_limits(Organisation)
class OrganisationIn(Body):
    name: str = Field(..., min_length=1, max_length=200)
    acronym: str = Field("", max_length=30)
    kind: OrganisationKind
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code; empty if international")
    website: str = ""
    description: str = ""
    iati_identifier: str = ""


@column_limits(Organisation)
class OrganisationPatch(Body):
    version: Version
    name: Annotated[str, Field(None, min_length=1, max_length=200)]
    acronym: Annotated[str, Field(None, max_length=30)]
    kind: Annotated[OrganisationKind, Field(None)]
    country: str | None = None
    website: Annotated[str, Field(None)]
    description: Annotated[str, Field(None)]
    iati_identifier: Annotated[str, Field(None)]


class OrganisationFilters(Input):
    q: str = Field("", description="Search in name and acronym")
    kind: str = ""
    country: str = Field("", description="ISO 3166-1 alpha-2 code")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _country(code: str | None) -> Country | None:
    if not code:
        return None
    country = Country.objects.filter(pk=code.upper()).first()
    if country is None:
        raise ValidationError({"country": [f"{code!r} is not an ISO 3166-1 alpha-2 code"]})
    return country


@router.get("/", response=list[OrganisationOut])
@paginate(Pagination)
def list_organisations(
    request: HttpRequest, filters: Query[OrganisationFilters]
) -> list[Organisation]:
    return selectors.organisation_list(  # type: ignore[return-value]
        user=_user(request), search=filters.q, kind=filters.kind, country=filters.country
    )


@router.get("/{organisation_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, organisation_id: PathId) -> Organisation:
    return access_organisation(_user(request), organisation_id)


@router.post("/", response={201: OrganisationOut})
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status:
    data = payload.dict()
    data["country"] = _country(data["country"])
    return Status(201, services.organisation_create(actor=_user(request), **data))


@router.patch("/{organisation_id}", response=OrganisationOut)
def update_organisation(
    request: HttpRequest, organisation_id: PathId, payload: OrganisationPatch
) -> Organisation:
    organisation = access_organisation(_user(request), organisation_id, write=True)
    data = patch_fields(payload)
    version = data.pop("version")
    if "country" in data:
        data["country"] = _country(data["country"])
    return services.organisation_update(
        actor=_user(request), organisation=organisation, version=version, **data
    )

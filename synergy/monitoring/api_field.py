"""API of the offline field app (/api/v1/field/...): the device's session, its caseload and
the sync of what it recorded offline (see ``field``). Same access as the pages: case workers
and partner managers of an organisation, their own organisation's children only."""

# No "from __future__ import annotations" here: django-ninja reads the annotations at run time.

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from synergy.core.models import User
from synergy.monitoring import field

router = Router(tags=["field app"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class FieldSessionOut(Schema):
    user: str
    key: str = Field(..., description="AES-256 key (base64) of the device's encrypted store")
    scope: str = Field(..., description="Changes with the user's roles: the device wipes then")
    max_days: int
    organisations: list[dict[str, Any]]
    policy: dict[str, Any]
    areas: list[dict[str, str]]
    providers: list[dict[str, Any]]
    services: list[dict[str, str]]


class FieldChildOut(Schema):
    id: str
    number: str
    version: int
    first_name: str
    last_name: str
    sex: str
    date_of_birth: str
    school_status: str
    grade: str
    status: str
    next_followup_on: str
    last_visit_on: str


class FieldRecordIn(Schema):
    client_id: str = Field(..., max_length=64, description="An id made on the device (UUID)")
    kind: str = Field(..., max_length=20, description=", ".join(field.KINDS))
    data: dict[str, Any] = {}
    child: str = Field("", max_length=64, description="The child's id (visit, edit)")
    child_client: str = Field("", max_length=64, description="Or its device id")
    household_client: str = Field("", max_length=64)
    version: int | None = Field(None, ge=0, le=2_147_483_647)
    resolve: str = Field("", max_length=10, description="mine or theirs, after a conflict")


class FieldSyncIn(Schema):
    records: list[FieldRecordIn] = Field(..., max_length=1000)


class FieldOutcomeOut(Schema):
    client_id: str
    status: str
    id: str
    version: int | None
    label: str
    errors: dict[str, list[str]]
    server: dict[str, Any] | None


# A role without records to write (coordinator, analyst, provider) holds nothing on a device.
@router.get("/session", response=FieldSessionOut, openapi_extra={"x-errors": [403]})
def field_session(request: HttpRequest) -> dict[str, Any]:
    return field.device_session(_user(request))


@router.get("/caseload", response=list[FieldChildOut], openapi_extra={"x-errors": [403]})
def field_caseload(request: HttpRequest) -> list[dict[str, Any]]:
    return field.device_caseload(_user(request))


@router.post("/sync", response=list[FieldOutcomeOut])
def field_sync(request: HttpRequest, payload: FieldSyncIn) -> list[dict[str, Any]]:
    return field.sync(_user(request), [r.dict() for r in payload.records])

"""The offline field app's server side: what a device may hold, and the sync of what it
recorded without a network.

- ``device_session``: the key that encrypts the device's store (derived from the server's
  secret and the user, handed only to a signed-in session), the scope fingerprint (memberships
  and roles: when it changes, the device wipes itself), the days a device may stay offline
  (``OFFLINE_MAX_DAYS``) and the national policy the device classifies visits with.
- ``device_caseload``: the open cases of the organisations the user writes for, nothing more
  (no child of a coordinated country, no referred child of another organisation); audited.
- ``sync``: records made on the device, each with an id made there (``client_id``). Sending a
  record twice creates it once (``ImportedRecord`` keeps the id's blind index). Each record is
  written in its own transaction through the CLMS services (duplicate check, classification,
  status rules, audit), so one refused record stays in the device's queue with its error
  while the others go through. An edit made offline on a child changed meanwhile on the
  server is not applied: the answer is a conflict with the server's version, and the case
  worker chooses; the choice is audited.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from synergy.core import roles
from synergy.core.audit import audit_record
from synergy.core.models import AdminArea, Organisation, User
from synergy.monitoring import selectors
from synergy.monitoring.models import (
    Child,
    Household,
    ImportedRecord,
    NationalPolicy,
    Referral,
    ReferralServiceType,
    Visit,
)

KINDS = ("household", "child", "visit", "referral", "child_update", "conflict_choice")
CASELOAD_LIMIT = 2000
# What a device may edit offline on a child (the registration fields of the field app).
EDITABLE = ("first_name", "last_name", "sex", "date_of_birth", "school_status", "grade")
VISIT_FIELDS = (
    "econ_hours",
    "chore_hours",
    "hazardous_conditions",
    "night_work",
    "worst_forms",
    "attendance_percent",
)


def device_key(user: User) -> str:
    """The key of the device's encrypted store (AES-256, base64): the same for a user on every
    sign-in, never stored on the server, and useless without a session to ask for it."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"field-device:{user.pk}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def scope_fingerprint(user: User) -> str:
    """Changes when the user's memberships or roles change: the device then wipes its store."""
    memberships = sorted((m.organisation_id, m.role) for m in roles.memberships(user))
    text = f"{user.pk}:{user.is_active}:{memberships}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _policy(country_id: str | None) -> dict[str, Any]:
    from synergy.classification import Policy

    stored = NationalPolicy.objects.filter(country_id=country_id).first() if country_id else None
    policy = Policy.from_json(stored.policy) if stored and stored.policy else Policy()
    return {"framework": stored.framework if stored else "icls-sna", **policy.to_dict()}


def device_session(user: User) -> dict[str, Any]:
    organisations = list(
        Organisation.objects.filter(pk__in=selectors.writable_organisation_ids(user)).order_by(
            "name"
        )
    )
    if not organisations:
        raise PermissionDenied("Only case workers and partner managers work in the field app")
    country = organisations[0].country_id
    return {
        "user": user.get_username(),
        "key": device_key(user),
        "scope": scope_fingerprint(user),
        "max_days": settings.OFFLINE_MAX_DAYS,
        "organisations": [{"id": o.pk, "name": o.name} for o in organisations],
        "policy": _policy(country),
        # Who a referral drafted offline may go to: the providers of the country.
        "providers": [
            {"id": o.pk, "name": o.name}
            for o in Organisation.objects.filter(country_id=country).order_by("name")[:500]
        ],
        "services": [{"value": v, "label": str(label)} for v, label in ReferralServiceType.choices],
        "areas": [
            {"code": a.code, "name": a.name}
            for a in AdminArea.objects.filter(country_id=country, valid_to__isnull=True).order_by(
                "level", "code"
            )[:2000]
        ],
    }


def _child_out(child: Child) -> dict[str, Any]:
    return {
        "id": str(child.public_id),
        "number": child.number,
        "version": child.version,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "sex": child.sex,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else "",
        "school_status": child.school_status,
        "grade": child.grade,
        "status": child.status,
        "next_followup_on": child.next_followup_on.isoformat() if child.next_followup_on else "",
        "last_visit_on": child.last_visit_on.isoformat() if child.last_visit_on else "",
    }


def device_caseload(user: User) -> list[dict[str, Any]]:
    """The open cases of the user's own organisations, the most due first (audited)."""
    writable = selectors.writable_organisation_ids(user)
    if not writable:
        raise PermissionDenied("Only case workers and partner managers work in the field app")
    children = list(
        Child.objects.filter(
            organisation_id__in=writable,
            merged_into__isnull=True,
            status__in=selectors.OPEN_STATUSES,
        ).order_by("next_followup_on", "pk")[:CASELOAD_LIMIT]
    )
    audit_record(
        actor=user,
        action="field.download",
        object_type="monitoring.caseload",
        object_id=str(user.pk),
        detail={"children": len(children)},
    )
    return [_child_out(c) for c in children]


@dataclass
class Outcome:
    client_id: str
    status: str  # created, already, updated, conflict, error
    id: str = ""
    version: int | None = None
    label: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    server: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "status": self.status,
            "id": self.id,
            "version": self.version,
            "label": self.label,
            "errors": self.errors,
            "server": self.server,
        }


def _source(kind: str, client_id: str) -> str:
    from synergy.monitoring import crypto

    return crypto.blind_index(f"device:{client_id}", purpose=f"import-{kind}")


def _remember(organisation_id: int, kind: str, client_id: str, record_id: int) -> None:
    ImportedRecord.objects.create(
        organisation_id=organisation_id,
        kind=kind,
        source=_source(kind, client_id),
        record_id=record_id,
        digest="",
    )


def _date(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({name: ["Not a date (YYYY-MM-DD)."]}) from None


def _text(data: dict[str, Any], name: str, limit: int = 200) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ValidationError({name: ["Must be text."]})
    if len(value) > limit:
        raise ValidationError({name: [f"At most {limit} characters."]})
    return value.strip()


class _Sync:
    def __init__(self, user: User, records: list[dict[str, Any]]) -> None:
        self.user = user
        self.writable = selectors.writable_organisation_ids(user)
        if not self.writable:
            raise PermissionDenied("Only case workers and partner managers sync records")
        self.organisation = Organisation.objects.select_related("country").get(
            pk=min(self.writable)
        )
        # Every device id of the request looked up at once (a sync is mostly new records, or
        # the same records again): (kind, blind index) -> the record's key.
        wanted: set[tuple[str, str]] = set()
        for record in records:
            client_id, kind = str(record.get("client_id", "")), record.get("kind")
            if kind in ("household", "child", "visit", "referral"):
                wanted.add((str(kind), _source(str(kind), client_id)))
            elif kind == "child_update":
                wanted.add(("child", _source("child", f"update:{client_id}")))
            for key, of in (("child_client", "child"), ("household_client", "household")):
                if record.get(key):
                    wanted.add((of, _source(of, str(record[key]))))
        self.known: dict[tuple[str, str], int] = {}
        for kind in {k for k, _s in wanted}:
            sources = [s for k, s in wanted if k == kind]
            for start in range(0, len(sources), 500):
                for source, record_id in ImportedRecord.objects.filter(
                    organisation_id__in=self.writable,
                    kind=kind,
                    source__in=sources[start : start + 500],
                ).values_list("source", "record_id"):
                    self.known[(kind, source)] = record_id

    def seen(self, kind: str, client_id: str) -> int | None:
        return self.known.get((kind, _source(kind, client_id)))

    def remember(self, organisation_id: int, kind: str, client_id: str, record_id: int) -> None:
        _remember(organisation_id, kind, client_id, record_id)
        self.known[(kind, _source(kind, client_id))] = record_id

    def _child(self, record: dict[str, Any]) -> Child:
        """The child a visit or an edit is about: one of the user's own organisations' (by its
        id, or by the device id of a child registered offline); any other is 'not found'."""
        if record.get("child_client"):
            seen = self.seen("child", str(record["child_client"]))
            if seen is None:
                raise ValidationError({"child": ["The child has not reached the server yet."]})
            child = Child.objects.filter(pk=seen).first()
        else:
            child = (
                Child.objects.filter(
                    organisation_id__in=self.writable, public_id=str(record.get("child", ""))
                ).first()
                if _is_uuid(record.get("child"))
                else None
            )
        if child is None:
            raise ValidationError({"child": ["No such child."]})
        while child.merged_into_id is not None:
            child = Child.objects.get(pk=child.merged_into_id)
        return child

    def household(self, client_id: str, data: dict[str, Any]) -> Outcome:
        from synergy.monitoring import services

        seen = self.seen("household", client_id)
        if seen is not None:
            household = Household.objects.get(pk=seen)
            return Outcome(client_id, "already", str(household.public_id))
        area = None
        if data.get("area"):
            area = AdminArea.objects.filter(
                country=self.organisation.country, code=str(data["area"])
            ).first()
            if area is None:
                raise ValidationError({"area": ["Not an area of the country."]})
        household = services.household_register(
            actor=self.user,
            organisation=self.organisation,
            area=area,
            head_name=_text(data, "head_name"),
            address=_text(data, "address", 500),
            contact_phone=_text(data, "contact_phone", 50),
            consent_given=data.get("consent_given") is True,
            consent_by=_text(data, "consent_by", 10),
            consent_date=_date(data.get("consent_date"), "consent_date"),
        )
        self.remember(self.organisation.pk, "household", client_id, household.pk)
        return Outcome(client_id, "created", str(household.public_id))

    def child(self, client_id: str, record: dict[str, Any]) -> Outcome:
        from synergy.monitoring import services

        seen = self.seen("child", client_id)
        if seen is not None:
            child = Child.objects.get(pk=seen)
            return Outcome(client_id, "already", str(child.public_id), child.version)
        data = record.get("data") or {}
        household = None
        if record.get("household_client"):
            found = self.seen("household", str(record["household_client"]))
            if found is None:
                raise ValidationError({"household": ["The household has not reached the server."]})
            household = Household.objects.get(pk=found)
        age = data.get("age")
        if age not in (None, "") and not (
            isinstance(age, int) and not isinstance(age, bool) and 0 <= age <= 25
        ):
            raise ValidationError({"age": ["A whole number of years between 0 and 25."]})
        child = services.child_register(
            actor=self.user,
            organisation=self.organisation,
            first_name=_text(data, "first_name"),
            last_name=_text(data, "last_name"),
            sex=_text(data, "sex", 1),
            date_of_birth=_date(data.get("date_of_birth"), "date_of_birth"),
            estimated_age=age if isinstance(age, int) and not isinstance(age, bool) else None,
            household=household,
            school_status=_text(data, "school_status", 16),
            today=_date(data.get("registered_on"), "registered_on") or timezone.localdate(),
        )
        self.remember(self.organisation.pk, "child", client_id, child.pk)
        return Outcome(client_id, "created", str(child.public_id), child.version)

    def visit(self, client_id: str, record: dict[str, Any]) -> Outcome:
        from decimal import Decimal, InvalidOperation

        from synergy.monitoring import services

        seen = self.seen("visit", client_id)
        if seen is not None:
            visit = Visit.objects.get(pk=seen)
            return Outcome(client_id, "already", str(visit.public_id), label=visit.label)
        child = self._child(record)
        data = record.get("data") or {}
        fields: dict[str, Any] = {}
        for name in VISIT_FIELDS:
            value = data.get(name)
            if value in (None, ""):
                continue
            if name in ("hazardous_conditions", "night_work", "worst_forms"):
                fields[name] = value is True
                continue
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                raise ValidationError({name: ["Not a number."]}) from None
            if not number.is_finite() or isinstance(value, bool):
                raise ValidationError({name: ["Not a number."]})
            fields[name] = number
        visit_date = _date(data.get("visit_date"), "visit_date")
        if visit_date is None:
            raise ValidationError({"visit_date": ["A visit needs its date."]})
        kind = "follow_up" if Visit.objects.filter(child=child).exists() else "identification"
        visit = services.visit_record(
            actor=self.user, child=child, kind=kind, visit_date=visit_date, **fields
        )
        self.remember(child.organisation_id, "visit", client_id, visit.pk)
        return Outcome(client_id, "created", str(visit.public_id), label=visit.label)

    def referral(self, client_id: str, record: dict[str, Any]) -> Outcome:
        """A referral drafted offline, made when it reaches the server (consent required)."""
        from synergy.monitoring import services

        seen = self.seen("referral", client_id)
        if seen is not None:
            return Outcome(client_id, "already", str(Referral.objects.get(pk=seen).public_id))
        child = self._child(record)
        data = record.get("data") or {}
        provider = data.get("to_organisation")
        to = (
            Organisation.objects.filter(pk=provider).first()
            if isinstance(provider, int) and not isinstance(provider, bool)
            else None
        )
        if to is None:
            raise ValidationError({"to_organisation": ["Choose a service provider."]})
        referral = services.referral_create(
            actor=self.user,
            child=child,
            to_organisation=to,
            service_type=_text(data, "service_type", 40),
            consent_given=data.get("consent_given") is True,
            consent_by=_text(data, "consent_by", 10),
            notes=_text(data, "notes", 2000),
            referred_on=_date(data.get("referred_on"), "referred_on"),
        )
        self.remember(child.organisation_id, "referral", client_id, referral.pk)
        return Outcome(client_id, "created", str(referral.public_id))

    def child_update(self, client_id: str, record: dict[str, Any]) -> Outcome:
        from synergy.monitoring import services

        seen = self.seen("child", f"update:{client_id}")
        if seen is not None:
            child = Child.objects.get(pk=seen)
            return Outcome(client_id, "already", str(child.public_id), child.version)
        child = self._child(record)
        data = record.get("data") or {}
        changes: dict[str, Any] = {}
        for name in EDITABLE:
            if name in data:
                changes[name] = (
                    _date(data[name], name) if name == "date_of_birth" else _text(data, name)
                )
        version = record.get("version")
        if not isinstance(version, int) or version != child.version:
            # Changed on the server since the device read it: both versions go back to the
            # case worker (a read of the record, audited as any).
            services.child_viewed(actor=self.user, child=child, what="field-conflict")
            return Outcome(
                client_id, "conflict", str(child.public_id), child.version, server=_child_out(child)
            )
        if record.get("resolve") in ("mine", "theirs"):
            audit_record(
                actor=self.user,
                action="field.conflict",
                obj=child,
                organisation=child.organisation,
                detail={"choice": record["resolve"]},
            )
        child = services.child_update(actor=self.user, child=child, version=version, **changes)
        self.remember(child.organisation_id, "child", f"update:{client_id}", child.pk)
        return Outcome(client_id, "updated", str(child.public_id), child.version)

    def conflict_choice(self, client_id: str, record: dict[str, Any]) -> Outcome:
        """The case worker kept the server's version: nothing to write but the choice."""
        child = self._child(record)
        audit_record(
            actor=self.user,
            action="field.conflict",
            obj=child,
            organisation=child.organisation,
            detail={"choice": "theirs"},
        )
        return Outcome(client_id, "updated", str(child.public_id), child.version)


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def sync(user: User, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Write each record the device sends, in its order; one outcome per record."""
    run = _Sync(user, records)
    out: list[dict[str, Any]] = []
    for record in records:
        client_id = str(record.get("client_id", ""))
        kind = record.get("kind")
        if not _is_uuid(client_id) or kind not in KINDS:
            out.append(
                Outcome(
                    client_id, "error", errors={"record": ["Needs a client_id and a kind."]}
                ).as_dict()
            )
            continue
        try:
            with transaction.atomic():
                method = getattr(run, str(kind))
                result = (
                    method(client_id, record.get("data") or {})
                    if kind == "household"
                    else method(client_id, record)
                )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"record": exc.messages}
            result = Outcome(client_id, "error", errors=errors)
        except PermissionDenied as exc:
            result = Outcome(client_id, "error", errors={"record": [str(exc)]})
        out.append(result.as_dict())
    return out

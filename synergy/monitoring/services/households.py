"""Households: registration and edits."""

from __future__ import annotations

from datetime import date
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from synergy.core.audit import audit_record
from synergy.core.models import AdminArea, Country, Organisation, User
from synergy.core.versioning import versioned_update
from synergy.monitoring import casework
from synergy.monitoring.models import (
    Household,
)
from synergy.monitoring.services.common import (
    require_write,
    stale_record,
)


class HouseholdFields(TypedDict, total=False):
    """What a household's registration and edits may set; the rest is Synergy's."""

    area: AdminArea | None
    address: str
    head_name: str
    contact_phone: str
    members: list[dict[str, Any]] | None
    member_count: int
    livelihood: str
    livelihood_notes: str
    consent_given: bool
    consent_by: str
    consent_date: date | None


HOUSEHOLD_FIELDS = tuple(HouseholdFields.__annotations__)


@transaction.atomic
def household_register(
    *,
    actor: User,
    organisation: Organisation,
    country: Country | None = None,
    **fields: Unpack[HouseholdFields],
) -> Household:
    """Register a household of ``organisation``. Consent must be recorded (who gave it)."""
    country = country or organisation.country
    if country is None:
        raise ValidationError({"country": _("Choose the household's country.")})
    require_write(actor, organisation_id=organisation.pk, country_id=country.pk)
    unknown = set(fields) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"unknown household fields: {sorted(unknown)}")
    household = Household(organisation=organisation, country=country, created_by=actor, **fields)
    casework.household_consent(household.consent_given, household.consent_by)
    casework.area_in_country(
        household.area.country_id if household.area else None, country.pk, of="household"
    )
    household.full_clean()
    household.save()
    audit_record(actor=actor, action="create", obj=household, organisation=organisation)
    return household


@transaction.atomic
def household_update(
    *, actor: User, household: Household, version: int, **fields: Unpack[HouseholdFields]
) -> Household:
    require_write(actor, organisation_id=household.organisation_id, country_id=household.country_id)
    values: dict[str, Any] = dict(fields)
    changed = sorted(
        k for k, v in values.items() if k in HOUSEHOLD_FIELDS and getattr(household, k) != v
    )
    for key in changed:
        setattr(household, key, values[key])
    casework.household_consent(household.consent_given, household.consent_by)
    casework.area_in_country(
        household.area.country_id if household.area else None,
        household.country_id,
        of="household",
    )
    household.full_clean()
    versioned_update(
        household,
        version,
        stale=stale_record(household, version),
        **{k: getattr(household, k) for k in changed},
    )
    audit_record(
        actor=actor,
        action="update",
        obj=household,
        organisation=household.organisation,
        detail={"fields": changed, "version": household.version},
    )
    return household

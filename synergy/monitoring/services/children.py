"""Children: the duplicate check, registration, edits, and audited reads and exports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.core.audit import audit_record
from synergy.core.models import AdminArea, Country, Organisation, User
from synergy.monitoring import crypto
from synergy.monitoring.access import record_rights
from synergy.monitoring.models import (
    Child,
    Household,
    PossibleDuplicate,
    Referral,
    RiskFactor,
    Status,
)
from synergy.monitoring.services.common import (
    CHILD_OBJECT,
    StaleRecordError,
    changed_since,
    field_labels,
    record_status_change,
    require_write,
    set_name_index,
    write_name_tokens,
)
from synergy.monitoring.services.outcomes import child_enrol
from synergy.partners.models import Project

CHILD_FIELDS = (
    "household",
    "area",
    "first_name",
    "last_name",
    "other_names",
    "contact_phone",
    "identifiers",
    "photo",
    "photo_content_type",
    "sex",
    "date_of_birth",
    "dob_estimated",
    "school_status",
    "grade",
    "risk_factors",
    "case_worker",
)
NAME_FIELDS = ("first_name", "last_name", "other_names")


def estimated_birth_date(age: int, today: date) -> date:
    """Mid-year of the birth year implied by a completed age on ``today``."""
    return date(today.year - age - (1 if (today.month, today.day) < (7, 1) else 0), 7, 1)


def _validate_risk_factors(codes: Iterable[str]) -> list[str]:
    wanted = sorted(set(codes))
    if not wanted:
        return []
    known = set(RiskFactor.objects.filter(code__in=wanted).values_list("code", flat=True))
    missing = [c for c in wanted if c not in known]
    if missing:
        raise ValidationError({"risk_factors": _("Unknown risk factor: %s") % missing[0]})
    return wanted


@dataclass(frozen=True)
class DuplicateCheck:
    """The result of the search that runs before a child is created.

    ``visible``: possible duplicates the user may see (their organisation or their scope);
    ``elsewhere``: whether a possible duplicate exists at an organisation the user may not see
    (never which one, never its data)."""

    visible: list[Child]
    elsewhere: bool
    candidates: list[tuple[Child, str]]  # all candidates with the match kind (for the flags)


def duplicate_check(
    *,
    user: User,
    country: Country,
    first_name: str,
    last_name: str = "",
    other_names: str = "",
    sex: str = "",
    birth_year: int | None = None,
    area: AdminArea | None = None,
    exclude_pk: int | None = None,
) -> DuplicateCheck:
    """Exact (same name fingerprint) or phonetic (same phonetic fingerprint) matches with the
    same sex and a birth year within one year, in the same country (and the same area when
    both are known). Runs on blind indexes only."""
    name_fp = crypto.name_fingerprint(first_name, last_name, other_names)
    phonetic_fp = crypto.phonetic_fingerprint(first_name, last_name, other_names)
    qs = Child.objects.filter(
        Q(name_fp=name_fp) | Q(phonetic_fp=phonetic_fp),
        country=country,
        merged_into__isnull=True,
    ).select_related("organisation")
    if sex:
        qs = qs.filter(sex=sex)
    if birth_year:
        qs = qs.filter(
            Q(birth_year__isnull=True)
            | Q(birth_year__gte=birth_year - 1, birth_year__lte=birth_year + 1)
        )
    if area is not None:
        qs = qs.filter(Q(area__isnull=True) | Q(area=area))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    visible: list[Child] = []
    elsewhere = False
    candidates: list[tuple[Child, str]] = []
    for child in qs.order_by("pk")[:50]:
        match = "exact" if child.name_fp == name_fp else "phonetic"
        candidates.append((child, match))
        may_read, _ = record_rights(
            user, organisation_id=child.organisation_id, country_id=child.country_id
        )
        if may_read:
            visible.append(child)
        else:
            elsewhere = True
    return DuplicateCheck(visible, elsewhere, candidates)


@transaction.atomic
def child_register(
    *,
    actor: User,
    organisation: Organisation,
    first_name: str,
    sex: str,
    country: Country | None = None,
    estimated_age: int | None = None,
    projects: Iterable[Project] = (),
    today: date | None = None,
    **fields: Any,
) -> Child:
    """Register a child of ``organisation`` (status "identified"), flag possible duplicates
    (PossibleDuplicate rows, cross-organisation ones included), enrol it in ``projects`` and
    audit the creation. Give ``date_of_birth`` or ``estimated_age`` (completed years)."""
    today = today or timezone.localdate()
    household: Household | None = fields.get("household")
    country = country or (household.country if household else None) or organisation.country
    if country is None:
        raise ValidationError({"country": _("Choose the child's country.")})
    require_write(actor, organisation_id=organisation.pk, country_id=country.pk)
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"unknown child fields: {sorted(unknown)}")
    if household is not None and household.organisation_id != organisation.pk:
        raise ValidationError({"household": _("The household belongs to another organisation.")})
    if fields.get("date_of_birth") is None and estimated_age is not None:
        if not 0 <= estimated_age <= 25:
            raise ValidationError({"estimated_age": _("Give an age between 0 and 25.")})
        fields["date_of_birth"] = estimated_birth_date(estimated_age, today)
        fields["dob_estimated"] = True
    fields["risk_factors"] = _validate_risk_factors(fields.get("risk_factors") or [])
    child = Child(
        organisation=organisation,
        country=country,
        first_name=(first_name or "").strip(),
        sex=sex,
        created_by=actor,
        status=Status.IDENTIFIED,
        **fields,
    )
    if child.area is not None and child.area.country_id != country.pk:
        raise ValidationError({"area": _("The area is not in the child's country.")})
    if child.date_of_birth is not None:
        if child.date_of_birth > today:
            raise ValidationError({"date_of_birth": _("The date of birth is in the future.")})
        child.birth_year = child.date_of_birth.year
    set_name_index(child)
    child.next_followup_on = today
    child.full_clean()
    child.save()
    write_name_tokens(child, replace=False)
    record_status_change(
        child, to=Status.IDENTIFIED, reason="registered", actor=actor, from_status=""
    )
    check = duplicate_check(
        user=actor,
        country=country,
        first_name=child.first_name,
        last_name=child.last_name,
        other_names=child.other_names,
        sex=child.sex,
        birth_year=child.birth_year,
        area=child.area,
        exclude_pk=child.pk,
    )
    PossibleDuplicate.objects.bulk_create(
        [
            PossibleDuplicate(
                child=child,
                candidate=candidate,
                match=match,
                score=1.0 if match == "exact" else 0.8,
                cross_organisation=candidate.organisation_id != organisation.pk,
            )
            for candidate, match in check.candidates
        ]
    )
    audit_record(
        actor=actor,
        action="create",
        obj=child,
        organisation=organisation,
        detail={"duplicates_flagged": len(check.candidates)},
    )
    for project in projects:
        child_enrol(actor=actor, child=child, project=project)
    return child


@transaction.atomic
def child_update(*, actor: User, child: Child, version: int, **fields: Any) -> Child:
    """Change registration fields if nobody saved the child since ``version``; otherwise
    StaleRecordError naming the fields others changed."""
    require_write(actor, organisation_id=child.organisation_id, country_id=child.country_id)
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"unknown child fields: {sorted(unknown)}")
    if "risk_factors" in fields:
        fields["risk_factors"] = _validate_risk_factors(fields["risk_factors"] or [])
    changed = sorted(k for k, v in fields.items() if getattr(child, k) != v)
    for key in changed:
        setattr(child, key, fields[key])
    if child.date_of_birth is not None:
        child.birth_year = child.date_of_birth.year
    names_changed = bool(set(changed) & set(NAME_FIELDS))
    if names_changed:
        set_name_index(child)
    child.full_clean()
    child.updated_at = timezone.now()
    values = {k: getattr(child, k) for k in changed}
    values.update(birth_year=child.birth_year, name_fp=child.name_fp, phonetic_fp=child.phonetic_fp)
    updated = Child.objects.filter(pk=child.pk, version=version).update(
        **values, updated_at=child.updated_at, version=version + 1
    )
    if not updated:
        others = changed_since(CHILD_OBJECT, child.pk, version)
        raise StaleRecordError(others, field_labels(Child, others))
    child.version = version + 1
    if names_changed:
        write_name_tokens(child, replace=True)
    audit_record(
        actor=actor,
        action="update",
        obj=child,
        organisation=child.organisation,
        detail={"fields": changed, "version": child.version},
    )
    return child


def child_viewed(*, actor: User, child: Child, what: str = "record") -> None:
    """Audit that ``actor`` viewed the child's record (a page, a tab, an API read)."""
    audit_record(
        actor=actor,
        action="view",
        obj=child,
        organisation=child.organisation,
        detail={"what": what},
    )


def household_viewed(*, actor: User, household: Household) -> None:
    audit_record(actor=actor, action="view", obj=household, organisation=household.organisation)


def referral_viewed_by_provider(*, actor: User, referral: Referral) -> None:
    """Audit that the provider looked at a referral (the child's limited view)."""
    audit_record(
        actor=actor,
        action="view",
        object_type=CHILD_OBJECT,
        object_id=referral.child_id,
        organisation=referral.to_organisation,
        detail={"what": "referral"},
    )


def child_exported(*, actor: User, children: Sequence[Child], fmt: str) -> None:
    """Audit an export of personal data: one event per child (object id = its internal id)."""
    for child in children:
        audit_record(
            actor=actor,
            action="export",
            obj=child,
            organisation=child.organisation,
            detail={"format": fmt},
        )

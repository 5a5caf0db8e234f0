"""Children: the duplicate check, registration, edits, and audited reads and exports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.core.audit import audit_record
from synergy.core.models import AdminArea, Country, Membership, Organisation, User
from synergy.core.versioning import versioned_update
from synergy.monitoring import casework, crypto
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
    record_status_change,
    require_write,
    set_name_index,
    stale_record,
    write_name_tokens,
)
from synergy.monitoring.services.outcomes import child_enrol, project_facts
from synergy.partners.models import Project


class ChildDetails(TypedDict, total=False):
    """What a child's registration may set beside its name and sex; the rest is Synergy's."""

    household: Household | None
    area: AdminArea | None
    last_name: str
    other_names: str
    contact_phone: str
    identifiers: dict[str, str] | None
    photo: bytes | None
    photo_content_type: str
    date_of_birth: date | None
    dob_estimated: bool
    school_status: str
    grade: str
    risk_factors: list[str]
    case_worker: User | None


class ChildFields(ChildDetails, total=False):
    """What an edit of a child's record may set."""

    first_name: str
    sex: str


CHILD_FIELDS = tuple(ChildFields.__annotations__)
NAME_FIELDS = ("first_name", "last_name", "other_names")


def _validate_risk_factors(codes: Iterable[str]) -> list[str]:
    wanted = sorted(set(codes))
    known = RiskFactor.objects.filter(code__in=wanted).values_list("code", flat=True)
    return casework.risk_factors(wanted, set(known))


def _case_worker_roles(case_worker: User | None, organisation_id: int) -> list[str] | None:
    if case_worker is None:
        return None
    return list(
        Membership.objects.filter(user=case_worker, organisation_id=organisation_id).values_list(
            "role", flat=True
        )
    )


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
    new = casework.NameKey(
        name_fp=crypto.name_fingerprint(first_name, last_name, other_names),
        phonetic_fp=crypto.phonetic_fingerprint(first_name, last_name, other_names),
        sex=sex,
        birth_year=birth_year,
        area_id=area.pk if area is not None else None,
    )
    # The query narrows by the same conditions (on indexes); casework.duplicate_match decides.
    qs = Child.objects.filter(
        Q(name_fp=new.name_fp) | Q(phonetic_fp=new.phonetic_fp),
        country=country,
        merged_into__isnull=True,
    ).select_related("organisation")
    if sex:
        qs = qs.filter(sex=sex)
    if birth_year:
        slack = casework.BIRTH_YEAR_SLACK
        qs = qs.filter(
            Q(birth_year__isnull=True)
            | Q(birth_year__gte=birth_year - slack, birth_year__lte=birth_year + slack)
        )
    if area is not None:
        qs = qs.filter(Q(area__isnull=True) | Q(area=area))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    visible: list[Child] = []
    elsewhere = False
    candidates: list[tuple[Child, str]] = []
    for child in qs.order_by("pk")[: casework.MAX_CANDIDATES]:
        match = casework.duplicate_match(new, casework.name_key(child))
        if match is None:
            continue
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
    **fields: Unpack[ChildDetails],
) -> Child:
    """Register a child of ``organisation`` (status "identified"), flag possible duplicates
    (PossibleDuplicate rows, cross-organisation ones included), enrol it in ``projects`` and
    audit the creation. Give ``date_of_birth`` or ``estimated_age`` (completed years). The
    rules are ``casework``'s; every refusal comes before anything is written."""
    today = today or timezone.localdate()
    household: Household | None = fields.get("household")
    country = country or (household.country if household else None) or organisation.country
    if country is None:
        raise ValidationError({"country": _("Choose the child's country.")})
    require_write(actor, organisation_id=organisation.pk, country_id=country.pk)
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"unknown child fields: {sorted(unknown)}")
    casework.household_of_organisation(
        household.organisation_id if household else None, organisation.pk
    )
    dob, estimated = casework.birth(
        date_of_birth=fields.get("date_of_birth"), estimated_age=estimated_age, registered_on=today
    )
    fields["date_of_birth"] = dob
    fields["dob_estimated"] = estimated or bool(fields.get("dob_estimated"))
    fields["risk_factors"] = _validate_risk_factors(fields.get("risk_factors") or [])
    casework.case_worker(_case_worker_roles(fields.get("case_worker"), organisation.pk))
    projects = list(projects)
    facts = project_facts(p.pk for p in projects)
    for project in projects:
        casework.enrolment(facts[project.pk], organisation.pk)
    child = Child(
        organisation=organisation,
        country=country,
        first_name=(first_name or "").strip(),
        sex=sex,
        created_by=actor,
        status=Status.IDENTIFIED,
        birth_year=dob.year,
        **fields,
    )
    casework.area_in_country(child.area.country_id if child.area else None, country.pk)
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
                score=casework.duplicate_score(match),
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
def child_update(
    *, actor: User, child: Child, version: int, **changes: Unpack[ChildFields]
) -> Child:
    """Change registration fields if nobody saved the child since ``version``; otherwise
    StaleRecordError naming the fields others changed."""
    require_write(actor, organisation_id=child.organisation_id, country_id=child.country_id)
    fields: dict[str, Any] = dict(changes)
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"unknown child fields: {sorted(unknown)}")
    if "risk_factors" in fields:
        fields["risk_factors"] = _validate_risk_factors(fields["risk_factors"] or [])
    if "case_worker" in fields:
        casework.case_worker(_case_worker_roles(fields["case_worker"], child.organisation_id))
    if "date_of_birth" in fields:
        casework.birth(
            date_of_birth=fields["date_of_birth"],
            estimated_age=None,
            registered_on=timezone.localdate(),
        )
    if "area" in fields:
        area = fields["area"]
        casework.area_in_country(area.country_id if area else None, child.country_id)
    changed = sorted(k for k, v in fields.items() if getattr(child, k) != v)
    for key in changed:
        setattr(child, key, fields[key])
    if child.date_of_birth is not None:
        child.birth_year = child.date_of_birth.year
    names_changed = bool(set(changed) & set(NAME_FIELDS))
    if names_changed:
        set_name_index(child)
    child.full_clean()
    values = {k: getattr(child, k) for k in changed}
    values.update(birth_year=child.birth_year, name_fp=child.name_fp, phonetic_fp=child.phonetic_fp)
    versioned_update(child, version, stale=stale_record(child, version), **values)
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

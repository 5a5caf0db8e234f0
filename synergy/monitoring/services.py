"""Writes of the CLMS. Every function is keyword-only, atomic, validates with ``full_clean()``,
checks the actor's rights and writes its audit event (object id = the record's internal id,
never a name) in the same transaction.

Bulk use (the importer): call ``household_register``, ``child_register``, ``visit_record``,
``referral_create``… in a loop inside one ``transaction.atomic()`` block; each call keeps every
rule (classification, status rules, outcomes, duplicate flags, audit). Pass ``today`` to fix the
registration date of historical records.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from synergy.classification import ChildInput, Policy, PolicyError, classify
from synergy.core import roles
from synergy.core.audit import audit_record
from synergy.core.errors import StaleVersionError
from synergy.core.models import AdminArea, AuditEvent, Country, Organisation, User
from synergy.monitoring import crypto, rules
from synergy.monitoring.access import record_rights
from synergy.monitoring.models import (
    EDUCATION_SERVICES,
    Child,
    ChildNameToken,
    DuplicateStatus,
    Household,
    NationalPolicy,
    Outcome,
    PossibleDuplicate,
    ProjectEnrolment,
    ProjectRules,
    Referral,
    ReferralStatus,
    RiskFactor,
    ServiceDelivery,
    Status,
    StatusChange,
    Visit,
    VisitKind,
)
from synergy.partners.models import Project

CHILD_OBJECT = "monitoring.child"


class StaleRecordError(StaleVersionError):
    """A stale save, naming the fields somebody else changed since the form was opened."""

    def __init__(self, fields: Sequence[str], labels: Sequence[str]) -> None:
        super().__init__()
        self.fields = list(fields)
        if labels:
            self.message = format_lazy(
                "{} {}",
                self.message,
                format_lazy(_("They changed: {}."), ", ".join(str(label) for label in labels)),
            )


# -- helpers ----------------------------------------------------------------------------------


def _require_write(user: User, *, organisation_id: int, country_id: str) -> None:
    _, may_write = record_rights(user, organisation_id=organisation_id, country_id=country_id)
    if not may_write:
        raise PermissionDenied("Your role does not allow changing this organisation's records")


@dataclass(frozen=True)
class CountryRules:
    framework: str
    policy: Policy
    params: rules.RuleParams


@functools.lru_cache(maxsize=64)
def _parsed_policy(country_id: str, version: int, policy_json: str) -> Policy:
    import json

    return Policy.from_json(json.loads(policy_json))


def country_rules(country_id: str, project_ids: Iterable[int] = ()) -> CountryRules:
    """The classification framework, policy and status-rule parameters for a country (and its
    projects' overrides; the first project with rules wins)."""
    import json

    row = NationalPolicy.objects.filter(country_id=country_id).first()
    if row is None:
        policy = Policy(country=country_id)
        framework = "icls-sna"
        country_params: Mapping[str, Any] = {}
    else:
        try:
            policy = _parsed_policy(
                country_id, row.version, json.dumps(row.policy or {}, sort_keys=True)
            )
        except PolicyError as exc:
            raise ValidationError({"policy": str(exc)}) from exc
        framework = row.framework
        country_params = row.rules or {}
    project_params: Mapping[str, Any] = {}
    ids = list(project_ids)
    if ids:
        override = ProjectRules.objects.filter(project_id__in=ids).order_by("project_id").first()
        project_params = override.rules if override else {}
    try:
        params = rules.RuleParams.from_mappings(country_params, project_params)
    except rules.RuleError as exc:
        raise ValidationError({"rules": str(exc)}) from exc
    return CountryRules(framework, policy, params)


def age_on(child: Child, day: date) -> int | None:
    dob = child.date_of_birth
    if dob is None:
        return None
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _set_name_index(child: Child) -> None:
    child.name_fp = crypto.name_fingerprint(child.first_name, child.last_name, child.other_names)
    child.phonetic_fp = crypto.phonetic_fingerprint(
        child.first_name, child.last_name, child.other_names
    )


def _write_name_tokens(child: Child, *, replace: bool) -> None:
    if replace:
        ChildNameToken.objects.filter(child=child).delete()
    ChildNameToken.objects.bulk_create(
        [
            ChildNameToken(child=child, kind=kind, digest=digest)
            for kind, digest in crypto.token_digests(
                child.first_name, child.last_name, child.other_names
            )
        ]
    )


def _status_change(
    child: Child,
    *,
    to: str,
    reason: str,
    actor: User | None,
    visit: Visit | None = None,
    referral: Referral | None = None,
    from_status: str | None = None,
) -> StatusChange:
    change = StatusChange.objects.create(
        child=child,
        from_status=child.status if from_status is None else from_status,
        to_status=to,
        reason=reason,
        visit=visit,
        referral=referral,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    return change


def _set_system_fields(child: Child, **values: Any) -> None:
    """Write fields the rules maintain (status, track, follow-up dates, merged_into).

    The version is left alone on purpose: it guards the registration fields a person edits,
    and an edit only writes the fields it changed, so a status change made meanwhile is never
    overwritten and need not make the open form stale."""
    values["updated_at"] = timezone.now()
    Child.objects.filter(pk=child.pk).update(**values)
    for key, value in values.items():
        setattr(child, key, value)


# -- households ------------------------------------------------------------------------------

HOUSEHOLD_FIELDS = (
    "area",
    "address",
    "head_name",
    "contact_phone",
    "members",
    "member_count",
    "livelihood",
    "livelihood_notes",
    "consent_given",
    "consent_by",
    "consent_date",
)


@transaction.atomic
def household_register(
    *,
    actor: User,
    organisation: Organisation,
    country: Country | None = None,
    **fields: Any,
) -> Household:
    """Register a household of ``organisation``. Consent must be recorded (who gave it)."""
    country = country or organisation.country
    if country is None:
        raise ValidationError({"country": _("Choose the household's country.")})
    _require_write(actor, organisation_id=organisation.pk, country_id=country.pk)
    unknown = set(fields) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"unknown household fields: {sorted(unknown)}")
    household = Household(organisation=organisation, country=country, created_by=actor, **fields)
    if not household.consent_given or not household.consent_by:
        raise ValidationError(
            {"consent_given": _("Record the household's consent and who gave it.")}
        )
    if household.area is not None and household.area.country_id != country.pk:
        raise ValidationError({"area": _("The area is not in the household's country.")})
    household.full_clean()
    household.save()
    audit_record(actor=actor, action="create", obj=household, organisation=organisation)
    return household


def _changed_since(object_type: str, object_id: int, version: int) -> list[str]:
    fields: set[str] = set()
    for detail in AuditEvent.objects.filter(
        object_type=object_type, object_id=str(object_id), action="update"
    ).values_list("detail", flat=True):
        if isinstance(detail, dict) and int(detail.get("version", 0)) > version:
            fields.update(detail.get("fields", []))
    return sorted(fields)


def _labels(model: type[Household] | type[Child], names: Sequence[str]) -> list[str]:
    out = []
    for name in names:
        try:
            field = model._meta.get_field(name)
        except LookupError:
            out.append(name)
            continue
        out.append(str(getattr(field, "verbose_name", name)))
    return out


@transaction.atomic
def household_update(
    *, actor: User, household: Household, version: int, **fields: Any
) -> Household:
    _require_write(
        actor, organisation_id=household.organisation_id, country_id=household.country_id
    )
    changed = sorted(
        k for k, v in fields.items() if k in HOUSEHOLD_FIELDS and getattr(household, k) != v
    )
    for key in changed:
        setattr(household, key, fields[key])
    household.full_clean()
    household.updated_at = timezone.now()
    updated = Household.objects.filter(pk=household.pk, version=version).update(
        **{k: getattr(household, k) for k in changed},
        updated_at=household.updated_at,
        version=version + 1,
    )
    if not updated:
        others = _changed_since("monitoring.household", household.pk, version)
        raise StaleRecordError(others, _labels(Household, others))
    household.version = version + 1
    audit_record(
        actor=actor,
        action="update",
        obj=household,
        organisation=household.organisation,
        detail={"fields": changed, "version": household.version},
    )
    return household


# -- children --------------------------------------------------------------------------------

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
    _require_write(actor, organisation_id=organisation.pk, country_id=country.pk)
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
    _set_name_index(child)
    child.next_followup_on = today
    child.full_clean()
    child.save()
    _write_name_tokens(child, replace=False)
    _status_change(child, to=Status.IDENTIFIED, reason="registered", actor=actor, from_status="")
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
    _require_write(actor, organisation_id=child.organisation_id, country_id=child.country_id)
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
        _set_name_index(child)
    child.full_clean()
    child.updated_at = timezone.now()
    values = {k: getattr(child, k) for k in changed}
    values.update(birth_year=child.birth_year, name_fp=child.name_fp, phonetic_fp=child.phonetic_fp)
    updated = Child.objects.filter(pk=child.pk, version=version).update(
        **values, updated_at=child.updated_at, version=version + 1
    )
    if not updated:
        others = _changed_since(CHILD_OBJECT, child.pk, version)
        raise StaleRecordError(others, _labels(Child, others))
    child.version = version + 1
    if names_changed:
        _write_name_tokens(child, replace=True)
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


# -- enrolment and outcomes ------------------------------------------------------------------


@transaction.atomic
def child_enrol(
    *, actor: User, child: Child, project: Project, organisation: Organisation | None = None
) -> ProjectEnrolment:
    """Enrol the child in ``project`` for ``organisation`` (default: the child's). If the child
    is already withdrawn or prevented, the outcome is counted in the project at once."""
    _require_write(actor, organisation_id=child.organisation_id, country_id=child.country_id)
    organisation = organisation or child.organisation
    enrolment, created = ProjectEnrolment.objects.get_or_create(
        child=child,
        project=project,
        defaults={"organisation": organisation, "created_by": actor},
    )
    if created:
        audit_record(
            actor=actor,
            action="enrol",
            obj=child,
            object_type=CHILD_OBJECT,
            organisation=child.organisation,
            detail={"project": project.pk},
        )
        last = (
            StatusChange.objects.filter(
                child=child, to_status__in=[Status.WITHDRAWN, Status.PREVENTED]
            )
            .order_by("-at", "-pk")
            .first()
        )
        if child.status in (Status.WITHDRAWN, Status.PREVENTED, Status.CLOSED) and last:
            _count_outcomes(child, kind=last.to_status, visit=last.visit, on=timezone.localdate())
    return enrolment


def _linked_children(child: Child) -> set[int]:
    """Other records of the same person: open or merged duplicate flags either way."""
    pairs = PossibleDuplicate.objects.filter(
        Q(child=child) | Q(candidate=child),
        status__in=[DuplicateStatus.OPEN, DuplicateStatus.MERGED],
    ).values_list("child_id", "candidate_id")
    return {pk for pair in pairs for pk in pair} - {child.pk}


def _count_outcomes(child: Child, *, kind: str, visit: Visit | None, on: date) -> None:
    """Record the outcome in every project the child is enrolled in, once per project. A
    project where another record of the same child (a possible or merged duplicate) already
    counts is skipped, so a child registered by two organisations counts once."""
    enrolments = list(ProjectEnrolment.objects.filter(child=child))
    if not enrolments:
        return
    linked = _linked_children(child)
    taken = set(
        Outcome.objects.filter(
            child_id__in=linked, project_id__in=[e.project_id for e in enrolments]
        ).values_list("project_id", flat=True)
    )
    existing = {o.project_id: o for o in Outcome.objects.filter(child=child)}
    for enrolment in enrolments:
        outcome = existing.get(enrolment.project_id)
        if outcome is not None:
            # Verified again after a relapse: counted again, in its latest category.
            if outcome.relapsed_on is not None or outcome.kind != kind:
                outcome.relapsed_on = None
                outcome.kind = kind
                outcome.save(update_fields=["relapsed_on", "kind"])
            continue
        if enrolment.project_id in taken:
            continue
        Outcome.objects.create(
            project_id=enrolment.project_id,
            child=child,
            organisation_id=enrolment.organisation_id,
            kind=kind,
            sex=child.sex,
            achieved_on=on,
            visit=visit,
        )


# -- visits ----------------------------------------------------------------------------------

VISIT_FIELDS = (
    "monitor",
    "monitor_role",
    "activities",
    "industry_code",
    "occupation_code",
    "econ_hours",
    "chore_hours",
    "hazardous_conditions",
    "hazards",
    "night_work",
    "worst_forms",
    "attendance_percent",
    "notes",
)


def _case_state(child: Child) -> rules.CaseState:
    referral_states = list(
        Referral.objects.filter(child=child).values_list("status", "service_type")
    )
    accepted = any(s == ReferralStatus.ACCEPTED for s, _ in referral_states)
    education = any(
        s in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED) and t in EDUCATION_SERVICES
        for s, t in referral_states
    )
    followups: tuple[tuple[date, bool], ...] = ()
    if child.status in (Status.WITHDRAWN, Status.PREVENTED):
        since = (
            StatusChange.objects.filter(child=child, to_status=child.status)
            .order_by("-at", "-pk")
            .values_list("visit__visit_date", "visit_id")
            .first()
        )
        if since and since[0] is not None:
            visits = Visit.objects.filter(
                child=child,
                visit_date__gte=since[0],
                kind__in=[VisitKind.FOLLOW_UP, VisitKind.VERIFICATION],
            ).order_by("visit_date", "pk")
            followups = tuple((v.visit_date, v.clean_followup) for v in visits)
    return rules.CaseState(
        status=child.status,
        track=child.track,
        has_risk_factors=bool(child.risk_factors),
        has_accepted_referral=accepted,
        has_education_service=education,
        followups_since_outcome=followups,
    )


def rules_on_visit(
    state: rules.CaseState, visit: Visit, result: Any, *, age: int | None, setup: CountryRules
) -> rules.Decision:
    """The status rules' verdict on a classified visit (``result``: classify_visit's), under
    the country's parameters; the one call of the rules for a visit, by the services and by
    the batch import alike."""
    attendance = visit.attendance_percent
    return rules.on_visit(
        state,
        rules.VisitFacts(
            kind=visit.kind,
            visit_date=visit.visit_date,
            label=result.label,
            is_child_labour=result.is_child_labour,
            age=age,
            attendance=None if attendance is None else Decimal(str(attendance)),
        ),
        params=setup.params,
        policy_min_age_general=setup.policy.min_age_general,
    )


def classify_visit(visit: Visit, *, age: int | None, sex: str, setup: CountryRules) -> Any:
    """synergy.classification's Result for the facts of ``visit`` (saved or not)."""
    return classify(
        ChildInput(
            age=age,
            sex=sex,
            econ_hours=float(visit.econ_hours or 0),
            chore_hours=float(visit.chore_hours or 0),
            hazardous_conditions=bool(visit.hazardous_conditions or visit.hazards),
            night_work=bool(visit.night_work),
            other_wfcl=bool(visit.worst_forms),
            industry=visit.industry_code or "",
            occupation=visit.occupation_code or "",
        ),
        framework=setup.framework,
        policy=setup.policy,
    )


def visit_preview(*, child: Child, visit_date: date, **fields: Any) -> tuple[Any, CountryRules]:
    """Classify visit facts without saving anything (the visit form's live result)."""
    project_ids = list(
        ProjectEnrolment.objects.filter(child=child).values_list("project_id", flat=True)
    )
    setup = country_rules(child.country_id, project_ids)
    visit = Visit(
        child=child, visit_date=visit_date, **{k: v for k, v in fields.items() if k in VISIT_FIELDS}
    )
    return classify_visit(visit, age=age_on(child, visit_date), sex=child.sex, setup=setup), setup


@transaction.atomic
def visit_record(
    *,
    actor: User,
    child: Child,
    kind: str,
    visit_date: date,
    **fields: Any,
) -> Visit:
    """Record a visit, classify it under the country's national policy, apply the status rules
    (status changes with their reasons, outcomes, next follow-up date) and audit it."""
    _require_write(actor, organisation_id=child.organisation_id, country_id=child.country_id)
    unknown = set(fields) - set(VISIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown visit fields: {sorted(unknown)}")
    if visit_date > timezone.localdate():
        raise ValidationError({"visit_date": _("The visit date is in the future.")})
    # Lock the child: two visits recorded at once must not both act on the same status.
    child = Child.objects.select_for_update().select_related("organisation").get(pk=child.pk)
    project_ids = list(
        ProjectEnrolment.objects.filter(child=child).values_list("project_id", flat=True)
    )
    setup = country_rules(child.country_id, project_ids)
    visit = Visit(
        child=child,
        organisation=child.organisation,
        kind=kind,
        visit_date=visit_date,
        created_by=actor,
        **fields,
    )
    visit.hazards = list(visit.hazards or [])
    age = age_on(child, visit_date)
    result = classify_visit(visit, age=age, sex=child.sex, setup=setup)
    visit.age_at_visit = age
    visit.label = result.label
    visit.is_child_labour = result.is_child_labour
    visit.reasons = list(result.reasons)
    visit.framework = setup.framework
    visit.policy_name = setup.policy.name
    decision = rules_on_visit(_case_state(child), visit, result, age=age, setup=setup)
    visit.warnings = list(result.warnings)
    # The rules' verdict is kept with the visit: closure counts clean follow-ups later.
    visit.clean_followup = decision.clean
    visit.full_clean()
    visit.save()
    _apply(child, decision, actor=actor, visit=visit, setup=setup, on=visit_date)
    audit_record(
        actor=actor,
        action="visit",
        obj=child,
        object_type=CHILD_OBJECT,
        organisation=child.organisation,
        detail={"visit": visit.pk, "kind": kind, "label": result.label},
    )
    return visit


def _apply(
    child: Child,
    decision: rules.Decision,
    *,
    actor: User,
    setup: CountryRules,
    on: date,
    visit: Visit | None = None,
    referral: Referral | None = None,
) -> None:
    for step in decision.steps:
        _status_change(
            child,
            to=step.to_status,
            reason=step.reason,
            actor=actor,
            visit=visit,
            referral=referral,
        )
        child.status = step.to_status
    values: dict[str, Any] = {"status": child.status, "track": decision.track or child.track}
    if visit is not None:
        last = max(child.last_visit_on or visit.visit_date, visit.visit_date)
        values["last_visit_on"] = last
        values["next_followup_on"] = rules.next_followup(child.status, last, setup.params)
    elif child.status == Status.CLOSED:
        values["next_followup_on"] = None
    _set_system_fields(child, **values)
    if decision.outcome:
        _count_outcomes(child, kind=decision.outcome, visit=visit, on=on)
    if decision.relapse:
        Outcome.objects.filter(child=child, relapsed_on__isnull=True).update(relapsed_on=on)


# -- referrals -------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    actor: User,
    child: Child,
    to_organisation: Organisation,
    service_type: str,
    consent_given: bool,
    consent_by: str = "",
    notes: str = "",
    contact: User | None = None,
    referred_on: date | None = None,
) -> Referral:
    """Refer the child to a service provider. Consent to share with the provider is required."""
    _require_write(actor, organisation_id=child.organisation_id, country_id=child.country_id)
    if not consent_given or not consent_by:
        raise ValidationError(
            {"consent_given": _("Record the consent to share with the provider and who gave it.")}
        )
    child = Child.objects.select_for_update().select_related("organisation").get(pk=child.pk)
    referral = Referral(
        child=child,
        from_organisation=child.organisation,
        to_organisation=to_organisation,
        service_type=service_type,
        consent_given=consent_given,
        consent_by=consent_by,
        notes=notes,
        contact=contact or actor,
        referred_on=referred_on or timezone.localdate(),
        created_by=actor,
    )
    referral.full_clean()
    referral.save()
    setup = country_rules(child.country_id)
    _apply(
        child,
        rules.on_referral(_case_state(child), "sent"),
        actor=actor,
        setup=setup,
        on=referral.referred_on,
        referral=referral,
    )
    audit_record(
        actor=actor,
        action="refer",
        obj=child,
        object_type=CHILD_OBJECT,
        organisation=child.organisation,
        detail={"referral": referral.pk, "service_type": service_type, "to": to_organisation.pk},
    )
    return referral


def _referral_cas(referral: Referral, version: int, **values: Any) -> None:
    updated = Referral.objects.filter(pk=referral.pk, version=version).update(
        version=version + 1, **values
    )
    if not updated:
        raise StaleVersionError()
    for key, value in values.items():
        setattr(referral, key, value)
    referral.version = version + 1


def _require_provider(actor: User, referral: Referral) -> None:
    from synergy.monitoring.access import provider_may_act

    if not provider_may_act(actor, referral):
        raise PermissionDenied("Only the service provider acts on this referral")


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral, version: int) -> Referral:
    _require_provider(actor, referral)
    if referral.version != version:
        raise StaleVersionError()
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError({"status": _("Only a pending referral can be accepted.")})
    _referral_cas(
        referral,
        version,
        status=ReferralStatus.ACCEPTED,
        responded_at=timezone.now(),
        responded_by=actor,
    )
    child = Child.objects.select_for_update().get(pk=referral.child_id)
    _apply(
        child,
        rules.on_referral(_case_state(child), "accepted"),
        actor=actor,
        setup=country_rules(child.country_id),
        on=timezone.localdate(),
        referral=referral,
    )
    audit_record(
        actor=actor,
        action="referral_accept",
        obj=referral,
        organisation=referral.to_organisation,
        detail={"child": referral.child_id},
    )
    return referral


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, version: int, reason: str) -> Referral:
    _require_provider(actor, referral)
    if referral.version != version:
        raise StaleVersionError()
    if referral.status != ReferralStatus.PENDING:
        raise ValidationError({"status": _("Only a pending referral can be declined.")})
    if not reason.strip():
        raise ValidationError({"decline_reason": _("Give the reason for declining.")})
    _referral_cas(
        referral,
        version,
        status=ReferralStatus.DECLINED,
        decline_reason=reason.strip()[:500],
        responded_at=timezone.now(),
        responded_by=actor,
    )
    child = Child.objects.select_for_update().get(pk=referral.child_id)
    _apply(
        child,
        rules.on_referral(_case_state(child), "declined"),
        actor=actor,
        setup=country_rules(child.country_id),
        on=timezone.localdate(),
        referral=referral,
    )
    audit_record(
        actor=actor,
        action="referral_decline",
        obj=referral,
        organisation=referral.to_organisation,
        detail={"child": referral.child_id},
    )
    return referral


@transaction.atomic
def service_record(
    *,
    actor: User,
    referral: Referral,
    start_date: date,
    description: str,
    end_date: date | None = None,
    completed: bool = False,
) -> ServiceDelivery:
    """The provider records a service delivered under an accepted referral; ``completed``
    closes the referral (the services stay counted as received)."""
    _require_provider(actor, referral)
    if referral.status not in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED):
        raise ValidationError({"status": _("Accept the referral before recording services.")})
    delivery = ServiceDelivery(
        referral=referral,
        start_date=start_date,
        end_date=end_date,
        description=description,
        recorded_by=actor,
    )
    delivery.full_clean()
    delivery.save()
    if completed and referral.status == ReferralStatus.ACCEPTED:
        _referral_cas(referral, referral.version, status=ReferralStatus.COMPLETED)
    audit_record(
        actor=actor,
        action="service_record",
        obj=referral,
        organisation=referral.to_organisation,
        detail={"child": referral.child_id, "delivery": delivery.pk},
    )
    return delivery


# -- duplicates ------------------------------------------------------------------------------


def _require_coordinator(actor: User, child: Child) -> None:
    if not (
        roles.is_system_admin(actor) or child.country_id in roles.coordinated_country_ids(actor)
    ):
        raise PermissionDenied("Only a national coordinator resolves possible duplicates")


@transaction.atomic
def duplicate_dismiss(*, actor: User, flag: PossibleDuplicate) -> PossibleDuplicate:
    """Not the same child: the flag is closed and each record may be counted on its own."""
    if flag.cross_organisation:
        _require_coordinator(actor, flag.child)
    else:
        _require_write(
            actor, organisation_id=flag.child.organisation_id, country_id=flag.child.country_id
        )
    flag.status = DuplicateStatus.DISMISSED
    flag.resolved_at = timezone.now()
    flag.resolved_by = actor
    flag.save(update_fields=["status", "resolved_at", "resolved_by"])
    audit_record(
        actor=actor,
        action="duplicate_dismiss",
        obj=flag.child,
        object_type=CHILD_OBJECT,
        detail={"candidate": flag.candidate_id},
    )
    for child in (flag.child, flag.candidate):
        last = (
            StatusChange.objects.filter(
                child=child, to_status__in=[Status.WITHDRAWN, Status.PREVENTED]
            )
            .order_by("-at", "-pk")
            .first()
        )
        if last and child.status in (Status.WITHDRAWN, Status.PREVENTED, Status.CLOSED):
            _count_outcomes(child, kind=last.to_status, visit=last.visit, on=timezone.localdate())
    return flag


@transaction.atomic
def child_merge(*, actor: User, survivor: Child, duplicate: Child) -> Child:
    """``duplicate`` is the same child as ``survivor``: it is hidden (merged_into), its project
    enrolments move to the survivor where missing, and the survivor keeps one outcome per
    project (its own, else the duplicate's). Visits and referrals stay with the duplicate's
    record (its organisation's history) and are reached through the audit trail."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    if survivor.organisation_id != duplicate.organisation_id:
        _require_coordinator(actor, survivor)
    else:
        _require_write(
            actor, organisation_id=survivor.organisation_id, country_id=survivor.country_id
        )
    own_projects = set(
        ProjectEnrolment.objects.filter(child=survivor).values_list("project_id", flat=True)
    )
    for enrolment in ProjectEnrolment.objects.filter(child=duplicate):
        if enrolment.project_id not in own_projects:
            enrolment.child = survivor
            enrolment.save(update_fields=["child"])
    kept = set(Outcome.objects.filter(child=survivor).values_list("project_id", flat=True))
    for outcome in Outcome.objects.filter(child=duplicate):
        if outcome.project_id in kept:
            outcome.delete()
        else:
            outcome.child = survivor
            outcome.save(update_fields=["child"])
            kept.add(outcome.project_id)
    PossibleDuplicate.objects.filter(
        Q(child=duplicate, candidate=survivor) | Q(child=survivor, candidate=duplicate)
    ).update(status=DuplicateStatus.MERGED, resolved_at=timezone.now(), resolved_by=actor)
    _status_change(duplicate, to=duplicate.status, reason="merged", actor=actor)
    _set_system_fields(duplicate, merged_into=survivor, next_followup_on=None)
    audit_record(
        actor=actor,
        action="merge",
        obj=duplicate,
        object_type=CHILD_OBJECT,
        detail={"into": survivor.pk},
    )
    audit_record(
        actor=actor,
        action="merge",
        obj=survivor,
        object_type=CHILD_OBJECT,
        detail={"from": duplicate.pk},
    )
    return survivor


# -- configuration ---------------------------------------------------------------------------


@transaction.atomic
def national_policy_set(
    *,
    actor: User,
    country: Country,
    framework: str = "icls-sna",
    policy: Mapping[str, Any] | None = None,
    rule_params: Mapping[str, Any] | None = None,
) -> NationalPolicy:
    """Set a country's classification framework, Policy JSON and status-rule parameters
    (system administrators and the country's national coordinators)."""
    if not (roles.is_system_admin(actor) or country.pk in roles.coordinated_country_ids(actor)):
        raise PermissionDenied("Only the country's coordinators set its policy")
    try:
        Policy.from_json(dict(policy or {}))
    except PolicyError as exc:
        raise ValidationError({"policy": str(exc)}) from exc
    try:
        rules.RuleParams.from_mappings(rule_params)
    except rules.RuleError as exc:
        raise ValidationError({"rules": str(exc)}) from exc
    row, created = NationalPolicy.objects.get_or_create(country=country)
    row.framework = framework
    row.policy = dict(policy or {})
    row.rules = {
        k: (str(v) if isinstance(v, Decimal) else v) for k, v in (rule_params or {}).items()
    }
    if not created:
        row.version += 1
    row.updated_at = timezone.now()
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="update", obj=row, detail={"framework": framework})
    return row


DEFAULT_RISK_FACTORS = (
    ("sibling_in_child_labour", "Sibling of a child labourer"),
    ("out_of_school", "Out of school or irregular attendance"),
    ("high_risk_area", "Lives in a high-risk area"),
    ("migrant_family", "Migrant or displaced family"),
    ("household_poverty", "Extreme household poverty"),
    ("orphan", "Orphan or living without parents"),
)


def ensure_default_risk_factors() -> None:
    """Create the default risk factors when none exist (the list is editable in the admin)."""
    if RiskFactor.objects.exists():
        return
    RiskFactor.objects.bulk_create(
        [
            RiskFactor(code=code, label=label, order=i)
            for i, (code, label) in enumerate(DEFAULT_RISK_FACTORS)
        ]
    )

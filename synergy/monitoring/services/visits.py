"""Visits: classified under the country's rules, and the status rules they trigger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from synergy.classification import ChildInput, classify
from synergy.core.audit import audit_record
from synergy.core.models import User
from synergy.monitoring import rules
from synergy.monitoring.models import (
    EDUCATION_SERVICES,
    Child,
    Outcome,
    ProjectEnrolment,
    Referral,
    ReferralStatus,
    Status,
    StatusChange,
    Visit,
    VisitKind,
)
from synergy.monitoring.services.common import (
    CHILD_OBJECT,
    CountryRules,
    age_on,
    country_rules,
    record_status_change,
    require_write,
    set_system_fields,
)
from synergy.monitoring.services.outcomes import count_outcomes

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


def case_state(child: Child) -> rules.CaseState:
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
    require_write(actor, organisation_id=child.organisation_id, country_id=child.country_id)
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
    decision = rules_on_visit(case_state(child), visit, result, age=age, setup=setup)
    visit.warnings = list(result.warnings)
    # The rules' verdict is kept with the visit: closure counts clean follow-ups later.
    visit.clean_followup = decision.clean
    visit.full_clean()
    visit.save()
    apply_rules(child, decision, actor=actor, visit=visit, setup=setup, on=visit_date)
    audit_record(
        actor=actor,
        action="visit",
        obj=child,
        object_type=CHILD_OBJECT,
        organisation=child.organisation,
        detail={"visit": visit.pk, "kind": kind, "label": result.label},
    )
    return visit


def apply_rules(
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
        record_status_change(
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
    set_system_fields(child, **values)
    if decision.outcome:
        count_outcomes(child, kind=decision.outcome, visit=visit, on=on)
    if decision.relapse:
        Outcome.objects.filter(child=child, relapsed_on__isnull=True).update(relapsed_on=on)

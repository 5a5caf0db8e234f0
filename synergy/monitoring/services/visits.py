"""Visits: classified under the country's rules, and the status rules they trigger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from synergy.classification import ChildInput, classify
from synergy.core.audit import audit_record
from synergy.core.models import User
from synergy.monitoring import casework, rules
from synergy.monitoring.models import (
    EDUCATION_SERVICES,
    Child,
    Outcome,
    ProjectEnrolment,
    Referral,
    ReferralStatus,
    StatusChange,
    Visit,
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
    since = None
    visits: list[tuple[date, str, bool]] = []
    if child.status in casework.OUTCOME_STATUSES:
        since = (
            StatusChange.objects.filter(child=child, to_status=child.status)
            .order_by("-at", "-pk")
            .values_list("visit__visit_date", flat=True)
            .first()
        )
        if since is not None:
            visits = list(
                Visit.objects.filter(child=child, visit_date__gte=since)
                .order_by("visit_date", "pk")
                .values_list("visit_date", "kind", "clean_followup")
            )
    followups = casework.followups_since_outcome(child.status, since, visits)
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


def classify_into(visit: Visit, *, age: int | None, sex: str, setup: CountryRules) -> Any:
    """Classify the visit and keep the result, and the policy it was judged by, on it (a later
    policy change does not rewrite history)."""
    visit.hazards = list(visit.hazards or [])
    result = classify_visit(visit, age=age, sex=sex, setup=setup)
    visit.age_at_visit = age
    visit.label = result.label
    visit.is_child_labour = result.is_child_labour
    visit.reasons = list(result.reasons)
    visit.warnings = list(result.warnings)
    visit.framework = setup.framework
    visit.policy_name = setup.policy.name
    return result


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
    casework.visit_facts(
        visit_date=visit_date,
        today=timezone.localdate(),
        attendance=fields.get("attendance_percent"),
    )
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
    age = age_on(child, visit_date)
    result = classify_into(visit, age=age, sex=child.sex, setup=setup)
    decision = rules_on_visit(case_state(child), visit, result, age=age, setup=setup)
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
    after = casework.case_after(
        decision,
        child,
        visit_date=visit.visit_date if visit is not None else None,
        params=setup.params,
    )
    for from_status, to_status, reason in after.changes:
        record_status_change(
            child,
            to=to_status,
            reason=reason,
            actor=actor,
            visit=visit,
            referral=referral,
            from_status=from_status,
        )
    values: dict[str, Any] = {"status": after.status, "track": after.track}
    if visit is not None:
        values["last_visit_on"] = after.last_visit_on
    if after.followup_changed:
        values["next_followup_on"] = after.next_followup_on
    set_system_fields(child, **values)
    if decision.outcome:
        count_outcomes(child, kind=decision.outcome, visit=visit, on=on)
    if decision.relapse:
        Outcome.objects.filter(child=child, relapsed_on__isnull=True).update(relapsed_on=on)

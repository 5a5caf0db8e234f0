"""Status rules of the CLMS, in pure Python (no database): what a visit or a referral event does
to a child's status, and when the next follow-up is due.

Statuses: identified → referred → receiving services → withdrawn | prevented → closed;
relapsed is passed through when a withdrawn, prevented or closed child is found in child labour
again (the child returns to "receiving services" when a referral is still accepted, otherwise to
"identified").

Tracks: a child found in child labour is on the withdrawal track; a child not working but with at
least one risk factor is enrolled on the prevention track; a prevention child found in child
labour moves to the withdrawal track (reason ``at_risk_started_working``) and can then only be
counted as withdrawn.

A follow-up or verification visit is *clean*:
- withdrawal track: not child labour, and either school attendance ≥ ``attendance_threshold``
  (default 75 % - 74.9 is not enough, 75 is) or permitted work (label PW) at or above the
  permitted-work minimum age (``permitted_work_min_age``; default the policy's
  ``min_age_general``);
- prevention track: not working at all (label NW).

Withdrawn: receiving services, withdrawal track, a clean follow-up/verification visit.
Prevented: receiving services including an education service, prevention track, a clean visit.
Closed: ``clean_followups_to_close`` (default 2) clean follow-ups, counting the verifying visit,
each at least ``months_between_followups`` (default 6) months after the previous one counted; a
follow-up that is not clean (nor child labour) starts the count again.

Parameters come from NationalPolicy.rules (country) overridden by ProjectRules.rules; unknown
keys are refused (``RuleParams.from_mappings``).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

IDENTIFIED = "identified"
REFERRED = "referred"
RECEIVING = "receiving_services"
WITHDRAWN = "withdrawn"
PREVENTED = "prevented"
RELAPSED = "relapsed"
CLOSED = "closed"

WITHDRAWAL = "withdrawal"
PREVENTION = "prevention"

# Reason codes stored in StatusChange.reason (stable; shown translated in the pages).
REASONS = (
    "registered",
    "identified_in_child_labour",
    "enrolled_for_prevention",
    "at_risk_started_working",
    "referral_sent",
    "referral_accepted",
    "referral_declined",
    "verified_withdrawn",
    "verified_prevented",
    "closed_clean_followups",
    "relapse",
    "relapse_back_to_services",
    "relapse_back_to_identified",
    "merged",
)


class RuleError(ValueError):
    """A rule parameter is unknown or has a bad value; the message names it."""


@dataclass(frozen=True)
class RuleParams:
    attendance_threshold: Decimal = Decimal("75")
    clean_followups_to_close: int = 2
    months_between_followups: int = 6
    # Follow-up interval for open cases (identified, referred, receiving services).
    followup_interval_days: int = 90
    # None: the classification policy's min_age_general.
    permitted_work_min_age: int | None = None

    @classmethod
    def from_mappings(cls, *mappings: Mapping[str, Any] | None) -> RuleParams:
        """Defaults overridden by each mapping in turn (country, then project)."""
        params = cls()
        known = {f.name for f in fields(cls)}
        for mapping in mappings:
            if not mapping:
                continue
            unknown = sorted(set(mapping) - known)
            if unknown:
                raise RuleError(f"unknown rule parameter {unknown[0]!r}")
            changes: dict[str, Any] = {}
            for key, value in mapping.items():
                changes[key] = _check(key, value)
            params = replace(params, **changes)
        return params


def _check(key: str, value: Any) -> Any:
    if key == "attendance_threshold":
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            raise RuleError(f"{key} must be a number between 0 and 100") from None
        if not Decimal(0) <= number <= Decimal(100):
            raise RuleError(f"{key} must be a number between 0 and 100")
        return number
    if key == "permitted_work_min_age" and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RuleError(f"{key} must be a whole number ≥ 0, not {value!r}")
    if key == "clean_followups_to_close" and value < 1:
        raise RuleError(f"{key} must be at least 1")
    return value


@dataclass(frozen=True)
class VisitFacts:
    kind: str  # identification | follow_up | verification
    visit_date: date
    label: str  # classification label: NW PW CL HAZ HC OOS
    is_child_labour: bool
    age: int | None
    attendance: Decimal | None


@dataclass(frozen=True)
class CaseState:
    status: str
    track: str
    has_risk_factors: bool
    has_accepted_referral: bool  # an accepted referral (services being received)
    has_education_service: bool  # an accepted or completed education referral
    # Earlier follow-up/verification visits since the child was withdrawn/prevented (the
    # verifying visit included), oldest first: (date, clean).
    followups_since_outcome: tuple[tuple[date, bool], ...] = ()


@dataclass(frozen=True)
class Step:
    to_status: str
    reason: str


@dataclass(frozen=True)
class Decision:
    steps: tuple[Step, ...] = ()
    track: str = ""
    outcome: str = ""  # "withdrawn" / "prevented" when this visit achieves one
    relapse: bool = False
    clean: bool = False

    @property
    def final_status(self) -> str | None:
        return self.steps[-1].to_status if self.steps else None


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_clean(visit: VisitFacts, *, track: str, params: RuleParams, permitted_min_age: int) -> bool:
    if visit.is_child_labour:
        return False
    if track == PREVENTION:
        return visit.label == "NW"
    attending = (
        visit.attendance is not None
        and Decimal(str(visit.attendance)) >= params.attendance_threshold
    )
    permitted = visit.label == "PW" and visit.age is not None and visit.age >= permitted_min_age
    return attending or permitted


def clean_chain(followups: Sequence[tuple[date, bool]], months: int) -> list[date]:
    """The clean follow-ups that count towards closure: since the last follow-up that was not
    clean, each at least ``months`` after the previous one counted."""
    chain: list[date] = []
    for day, clean in followups:
        if not clean:
            chain = []
        elif not chain or day >= add_months(chain[-1], months):
            chain.append(day)
    return chain


def _relapse(state: CaseState) -> Decision:
    back = RECEIVING if state.has_accepted_referral else IDENTIFIED
    reason = "relapse_back_to_services" if back == RECEIVING else "relapse_back_to_identified"
    return Decision(
        steps=(Step(RELAPSED, "relapse"), Step(back, reason)), track=WITHDRAWAL, relapse=True
    )


def on_visit(
    state: CaseState, visit: VisitFacts, *, params: RuleParams, policy_min_age_general: int
) -> Decision:
    """What recording ``visit`` does to a child in ``state``."""
    permitted_min_age = (
        params.permitted_work_min_age
        if params.permitted_work_min_age is not None
        else policy_min_age_general
    )
    cl = visit.is_child_labour
    if state.status in (WITHDRAWN, PREVENTED, CLOSED):
        if cl:
            return _relapse(state)
        if state.status == CLOSED:
            return Decision(track=state.track)
        clean = is_clean(
            visit, track=state.track, params=params, permitted_min_age=permitted_min_age
        )
        if visit.kind == "identification":
            return Decision(track=state.track, clean=clean)
        chain = clean_chain(
            [*state.followups_since_outcome, (visit.visit_date, clean)],
            params.months_between_followups,
        )
        if clean and len(chain) >= params.clean_followups_to_close:
            return Decision(
                steps=(Step(CLOSED, "closed_clean_followups"),), track=state.track, clean=True
            )
        return Decision(track=state.track, clean=clean)

    # Open case: identified, referred, receiving services (or relapsed).
    track = state.track
    steps: list[Step] = []
    if cl and track != WITHDRAWAL:
        reason = "at_risk_started_working" if track == PREVENTION else "identified_in_child_labour"
        track = WITHDRAWAL
        steps.append(Step(state.status, reason))
    elif not cl and not track and state.has_risk_factors:
        track = PREVENTION
        steps.append(Step(state.status, "enrolled_for_prevention"))
    clean = is_clean(visit, track=track, params=params, permitted_min_age=permitted_min_age)
    if state.status == RECEIVING and visit.kind != "identification" and clean:
        if track == WITHDRAWAL:
            steps.append(Step(WITHDRAWN, "verified_withdrawn"))
            return Decision(steps=tuple(steps), track=track, outcome=WITHDRAWN, clean=True)
        if track == PREVENTION and state.has_education_service:
            steps.append(Step(PREVENTED, "verified_prevented"))
            return Decision(steps=tuple(steps), track=track, outcome=PREVENTED, clean=True)
    return Decision(steps=tuple(steps), track=track, clean=clean)


def on_referral(state: CaseState, event: str) -> Decision:
    """``event``: "sent", "accepted" or "declined" (``state`` already reflects the change of
    the referral itself: after a decline, has_accepted_referral tells whether another one
    still stands)."""
    if event == "sent" and state.status in (IDENTIFIED, RELAPSED):
        return Decision(steps=(Step(REFERRED, "referral_sent"),), track=state.track)
    if event == "accepted" and state.status in (IDENTIFIED, REFERRED, RELAPSED):
        return Decision(steps=(Step(RECEIVING, "referral_accepted"),), track=state.track)
    if event == "declined" and state.status == REFERRED and not state.has_accepted_referral:
        return Decision(steps=(Step(IDENTIFIED, "referral_declined"),), track=state.track)
    return Decision(track=state.track)


def next_followup(status: str, last_visit: date | None, params: RuleParams) -> date | None:
    """When the next visit is due: none once closed; ``months_between_followups`` after the
    last visit for a withdrawn or prevented child; ``followup_interval_days`` otherwise. A child
    never visited is due at once (``last_visit`` None → None here; callers use the
    registration date)."""
    if status == CLOSED or last_visit is None:
        return None
    if status in (WITHDRAWN, PREVENTED):
        return add_months(last_visit, params.months_between_followups)
    return last_visit + timedelta(days=params.followup_interval_days)

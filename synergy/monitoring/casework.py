"""The CLMS write rules, once, as functions of plain values (no query, no write).

Every entrance that writes case records - the pages, the API, the file import (row by row and
in batch) and the offline sync - loads the facts a rule needs, calls the rule here and writes
what it returns. A refusal is a ``ValidationError`` naming the field, so each entrance reports
it the same way (a form error, a 422 naming the field, an import error naming the row and
column). The status rules proper (what a visit or a referral does to a case) are in ``rules``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from synergy.monitoring import rules
from synergy.monitoring.models import Status

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

# The roles whose members may be named case worker of a child of their organisation.
CASE_WORKER_ROLES = frozenset({"case_worker", "partner_manager"})
# A possible duplicate's birth year may differ by this much (estimated ages are rough).
BIRTH_YEAR_SLACK = 1
# At most this many possible duplicates are flagged for one new record.
MAX_CANDIDATES = 50
OUTCOME_STATUSES = (Status.WITHDRAWN, Status.PREVENTED)


def refuse(field: str, message: str | StrPromise) -> ValidationError:
    return ValidationError({field: [message]})


# Registration ---------------------------------------------------------------------------


def estimated_birth_date(age: int, today: date) -> date:
    """Mid-year of the birth year implied by a completed age on ``today``."""
    return date(today.year - age - (1 if (today.month, today.day) < (7, 1) else 0), 7, 1)


def birth(
    *, date_of_birth: date | None, estimated_age: int | None, registered_on: date
) -> tuple[date, bool]:
    """The child's date of birth and whether it is estimated. A date or an age is required
    (the age decides who is in child labour); neither may lie after the registration."""
    if date_of_birth is None:
        if estimated_age is None:
            raise refuse("date_of_birth", _("Give the date of birth or an estimated age."))
        if not 0 <= estimated_age <= 25:
            raise refuse("estimated_age", _("Give an age between 0 and 25."))
        return estimated_birth_date(estimated_age, registered_on), True
    if date_of_birth > registered_on:
        raise refuse("date_of_birth", _("The date of birth is in the future."))
    return date_of_birth, False


def risk_factors(codes: Collection[str], known: Collection[str]) -> list[str]:
    wanted = sorted(set(codes))
    missing = [c for c in wanted if c not in known]
    if missing:
        raise refuse("risk_factors", _("Unknown risk factor: %s") % missing[0])
    return wanted


def area_in_country(area_country_id: str | None, country_id: str, *, of: str = "child") -> None:
    if area_country_id is not None and area_country_id != country_id:
        if of == "household":
            raise refuse("area", _("The area is not in the household's country."))
        raise refuse("area", _("The area is not in the child's country."))


def household_of_organisation(household_organisation_id: int | None, organisation_id: int) -> None:
    if household_organisation_id is not None and household_organisation_id != organisation_id:
        raise refuse("household", _("The household belongs to another organisation."))


def household_consent(consent_given: bool, consent_by: str) -> None:
    if not consent_given or not consent_by:
        raise refuse("consent_given", _("Record the household's consent and who gave it."))


def case_worker(roles_in_organisation: Collection[str] | None) -> None:
    """``roles_in_organisation``: the named user's roles in the child's organisation (None when
    no case worker is named)."""
    if roles_in_organisation is not None and not CASE_WORKER_ROLES & set(roles_in_organisation):
        raise refuse(
            "case_worker", _("Choose a case worker or manager of the child's organisation.")
        )


# Enrolment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectFacts:
    pk: int
    code: str
    participant_ids: frozenset[int]


def enrolment(project: ProjectFacts, organisation_id: int, *, field: str = "projects") -> None:
    """A child is enrolled in a project only by an organisation that takes part in it: the
    project's targets and outcomes are that organisation's commitments."""
    if organisation_id not in project.participant_ids:
        raise refuse(
            field,
            _("Your organisation does not take part in project %(code)s.") % {"code": project.code},
        )


# Visits and referrals -------------------------------------------------------------------


def visit_facts(*, visit_date: date, today: date, attendance: Decimal | float | None) -> None:
    if visit_date > today:
        raise refuse("visit_date", _("The visit date is in the future."))
    if attendance is not None and not 0 <= attendance <= 100:
        raise refuse("attendance_percent", _("must be between 0 and %(top)s") % {"top": 100})


def referral_consent(consent_given: bool, consent_by: str) -> None:
    if not consent_given or not consent_by:
        raise refuse(
            "consent_given", _("Record the consent to share with the provider and who gave it.")
        )


def referral_provider(provider_country_id: str | None, child_country_id: str) -> None:
    """A child is referred to a provider of its own country: the provider's staff see the
    child under the country's data-sharing rules."""
    if provider_country_id != child_country_id:
        raise refuse("to_organisation", _("Choose a service provider in the child's country."))


# Possible duplicates --------------------------------------------------------------------


@dataclass(frozen=True)
class NameKey:
    """What the duplicate check compares: blind indexes and a few facts, no personal data."""

    name_fp: str
    phonetic_fp: str
    sex: str
    birth_year: int | None
    area_id: int | None


class Indexed(Protocol):
    """A child's record (saved, being imported, or read as a few columns)."""

    @property
    def name_fp(self) -> str: ...
    @property
    def phonetic_fp(self) -> str: ...
    @property
    def sex(self) -> str: ...
    @property
    def birth_year(self) -> int | None: ...
    @property
    def area_id(self) -> int | None: ...


def name_key(record: Indexed) -> NameKey:
    return NameKey(
        record.name_fp, record.phonetic_fp, record.sex, record.birth_year, record.area_id
    )


def duplicate_match(new: NameKey, other: NameKey) -> str | None:
    """ "exact" (same name fingerprint) or "phonetic" (same phonetic fingerprint) when ``other``
    may be the same child as ``new``: same sex, birth years at most a year apart (or unknown),
    same area (or unknown). None otherwise."""
    if other.name_fp == new.name_fp:
        match = "exact"
    elif other.phonetic_fp == new.phonetic_fp:
        match = "phonetic"
    else:
        return None
    if new.sex and other.sex != new.sex:
        return None
    if new.birth_year is not None and other.birth_year is not None:
        if abs(other.birth_year - new.birth_year) > BIRTH_YEAR_SLACK:
            return None
    if new.area_id is not None and other.area_id not in (None, new.area_id):
        return None
    return match


def duplicate_score(match: str) -> float:
    return 1.0 if match == "exact" else 0.8


# Status and outcomes --------------------------------------------------------------------


FOLLOWUP_KINDS = ("follow_up", "verification")


def followups_since_outcome(
    status: str, since: date | None, visits: Iterable[tuple[date, str, bool]]
) -> tuple[tuple[date, bool], ...]:
    """The (date, clean) of the follow-up and verification visits since the child became
    withdrawn or prevented (``since``: the date of the visit that made it so), oldest first;
    the closure rule counts the clean ones. ``visits``: (date, kind, clean) in the order made."""
    if status not in OUTCOME_STATUSES or since is None:
        return ()
    return tuple(
        (day, clean)
        for day, kind, clean in sorted(visits, key=lambda v: v[0])
        if day >= since and kind in FOLLOWUP_KINDS
    )


@dataclass(frozen=True)
class CaseAfter:
    """A case after the rules' decision: the status changes (from, to, reason) in order, and
    the system fields to write."""

    changes: list[tuple[str, str, str]]
    status: str
    track: str
    last_visit_on: date | None
    next_followup_on: date | None
    followup_changed: bool


class Case(Protocol):
    """A child's record as the status rules see it (saved or being imported)."""

    @property
    def status(self) -> str: ...
    @property
    def track(self) -> str: ...
    @property
    def last_visit_on(self) -> date | None: ...
    @property
    def next_followup_on(self) -> date | None: ...


def case_after(
    decision: rules.Decision, case: Case, *, visit_date: date | None, params: rules.RuleParams
) -> CaseAfter:
    """The case after a visit (``visit_date``) or a referral event (None) and the rules'
    decision on it."""
    status, track = case.status, case.track
    last_visit_on, next_followup_on = case.last_visit_on, case.next_followup_on
    changes = []
    for step in decision.steps:
        changes.append((status, step.to_status, step.reason))
        status = step.to_status
    followup_changed = False
    if visit_date is not None:
        last_visit_on = max(last_visit_on or visit_date, visit_date)
        next_followup_on = rules.next_followup(status, last_visit_on, params)
        followup_changed = True
    elif status == Status.CLOSED:
        next_followup_on = None
        followup_changed = True
    return CaseAfter(
        changes, status, decision.track or track, last_visit_on, next_followup_on, followup_changed
    )


@dataclass(frozen=True)
class OutcomeWrites:
    recount: list[int]  # projects whose outcome is counted again (after a relapse or re-verified)
    create: list[tuple[int, int]]  # (project, organisation) of the outcomes to create


def outcome_writes(
    *,
    kind: str,
    enrolments: Sequence[tuple[int, int]],
    existing: Mapping[int, tuple[str, date | None]],
    taken: Collection[int],
) -> OutcomeWrites:
    """Count a withdrawn/prevented outcome once per project the child is enrolled in.

    ``enrolments``: (project, organisation) of the child; ``existing``: its outcomes by project
    (kind, relapsed on); ``taken``: projects where another record of the same child (a possible
    or merged duplicate) already counts, so a child registered by two organisations counts once.
    """
    recount: list[int] = []
    create: list[tuple[int, int]] = []
    for project_id, organisation_id in enrolments:
        if project_id in existing:
            old_kind, relapsed_on = existing[project_id]
            # Verified again after a relapse: counted again, in its latest category.
            if relapsed_on is not None or old_kind != kind:
                recount.append(project_id)
            continue
        if project_id in taken:
            continue
        create.append((project_id, organisation_id))
    return OutcomeWrites(recount, create)

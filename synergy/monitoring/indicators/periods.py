"""Scopes, reporting periods and the constants the indicators share (see the package's docstring for the definitions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    QuerySet,
)
from django.utils.functional import Promise

from synergy.monitoring.models import (
    EDUCATION_SERVICES,
    Child,
    OutcomeKind,
    ReferralServiceType,
    ReferralStatus,
    Sex,
    VisitKind,
)

AGE_GROUPS: tuple[tuple[str, int, int], ...] = (
    ("5-11", 5, 11),
    ("12-14", 12, 14),
    ("15-17", 15, 17),
)
OTHER_AGE = "other"
SEXES = tuple(str(s) for s in Sex.values)
AGE_GROUP_KEYS = (*(g for g, _lo, _hi in AGE_GROUPS), OTHER_AGE)
REGULAR_ATTENDANCE = Decimal(75)
RECEIVED = (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED)
EDUCATION_TYPES = tuple(sorted(str(s) for s in EDUCATION_SERVICES))
PARTICIPANT_TYPES = (*EDUCATION_TYPES, str(ReferralServiceType.LIVELIHOOD))
CHILD_LABOUR_LABELS = ("CL", "HAZ")
FOLLOW_UP_KINDS = (VisitKind.FOLLOW_UP, VisitKind.VERIFICATION)
# ProjectTarget.kind ("withdraw", "prevent") -> Outcome.kind ("withdrawn", "prevented").
TARGET_TO_OUTCOME = {
    "withdraw": OutcomeKind.WITHDRAWN.value,
    "prevent": OutcomeKind.PREVENTED.value,
}


@dataclass(frozen=True)
class Scope:
    """What a report covers: a country, an organisation (its children and its outcomes), a
    project, or an intersection of these."""

    country_id: str | None = None
    organisation_id: int | None = None
    project_id: int | None = None

    def children(self) -> QuerySet[Child]:
        qs = Child.objects.filter(merged_into__isnull=True)
        if self.country_id:
            qs = qs.filter(country_id=self.country_id)
        if self.organisation_id:
            qs = qs.filter(organisation_id=self.organisation_id)
        if self.project_id:
            qs = qs.filter(enrolments__project_id=self.project_id)
        return qs

    def as_query(self) -> dict[str, str]:
        out = {}
        if self.country_id:
            out["country"] = self.country_id
        if self.organisation_id:
            out["organisation"] = str(self.organisation_id)
        if self.project_id:
            out["project"] = str(self.project_id)
        return out


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def half_year(cls, day: date) -> Period:
        if day.month <= 6:
            return cls(date(day.year, 1, 1), date(day.year, 6, 30))
        return cls(date(day.year, 7, 1), date(day.year, 12, 31))

    def previous(self) -> Period:
        return Period.half_year(self.start - timedelta(days=1))


@dataclass(frozen=True)
class Figure:
    """One figure: a count (``denominator`` None) or a share. ``key`` names the children
    behind it for ``children_behind``."""

    code: str
    label: str | Promise  # lazy, as TargetRow.kind_label
    numerator: int
    denominator: int | None = None
    key: str = ""

    @property
    def percent(self) -> float | None:
        if self.denominator is None:
            return None
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None

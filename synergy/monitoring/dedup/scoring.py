"""Records and scoring: one child as the deduplication sees it, and a pair's score with its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from synergy.monitoring.dedup.names import NameParts, name_similarity, normalise_name

WEIGHTS = {"name": 0.5, "birth": 0.2, "household_head": 0.15, "location": 0.15}
THRESHOLD = 0.82
NAME_GATE = 0.86
MAX_BLOCK = 400
HEAD_PENALTY = 0.15


@dataclass(frozen=True)
class Person:
    """What deduplication needs of one child; names decrypted, held in memory only.

    ``area_path`` lists the child's area codes from the country level down (so two children in
    sibling villages share the parent); ``birth_date`` is only set when it is known exactly,
    ``birth_year`` always when known (from the date or the estimated age)."""

    id: int
    organisation_id: int
    first_name: str
    last_name: str
    sex: str
    birth_year: int | None = None
    birth_date: date | None = None
    age_estimated: bool = False
    household_head: str = ""
    area_path: tuple[str, ...] = ()

    @property
    def name(self) -> NameParts:
        return _name_parts(self.first_name, self.last_name)

    @property
    def head(self) -> NameParts:
        return _head_parts(self.household_head)


@lru_cache(maxsize=400_000)
def _name_parts(first: str, last: str) -> NameParts:
    return NameParts.of(first, last)


@lru_cache(maxsize=400_000)
def _head_parts(head: str) -> NameParts:
    first, _, last = normalise_name(head).rpartition(" ")
    return NameParts(first, last)


@dataclass(frozen=True)
class FieldEvidence:
    score: float
    label: str


@dataclass(frozen=True)
class Match:
    a: int
    b: int
    score: float
    evidence: dict[str, FieldEvidence]

    @property
    def is_candidate(self) -> bool:
        return (
            len(self.evidence) > 1
            and self.score >= THRESHOLD
            and self.evidence["name"].score >= NAME_GATE
        )

    def evidence_json(self) -> dict[str, dict[str, float | str]]:
        """Scores and labels only: safe for the audit trail and for the candidate list."""
        return {k: {"score": round(v.score, 3), "label": v.label} for k, v in self.evidence.items()}


def birth_similarity(a: Person, b: Person) -> FieldEvidence:
    if a.birth_year is None or b.birth_year is None:
        return FieldEvidence(0.4, "unknown")
    if a.birth_date and b.birth_date:
        if a.birth_date == b.birth_date:
            return FieldEvidence(1.0, "same_date")
        da, db = a.birth_date, b.birth_date
        if da.year == db.year and (da.month, da.day) == (db.day, db.month):
            return FieldEvidence(0.85, "day_month_swapped")
        if da.year == db.year and da.month == db.month:
            return FieldEvidence(0.75, "same_month")
    gap = abs(a.birth_year - b.birth_year)
    estimated = a.age_estimated or b.age_estimated
    if gap == 0:
        return FieldEvidence(0.7 if estimated else 0.6, "same_year")
    if gap == 1 and estimated:
        return FieldEvidence(0.55, "within_a_year_estimated")
    if gap == 1:
        return FieldEvidence(0.2, "one_year_apart")
    return FieldEvidence(0.0, "different")


def head_similarity(a: Person, b: Person) -> FieldEvidence:
    if not a.household_head.strip() or not b.household_head.strip():
        return FieldEvidence(0.5, "unknown")
    score, label = name_similarity(a.head, b.head)
    return FieldEvidence(score, label)


def location_similarity(a: Person, b: Person) -> FieldEvidence:
    if not a.area_path or not b.area_path:
        return FieldEvidence(0.5, "unknown")
    if a.area_path[-1] == b.area_path[-1]:
        return FieldEvidence(1.0, "same_area")
    if len(a.area_path) > 1 and len(b.area_path) > 1 and a.area_path[-2] == b.area_path[-2]:
        return FieldEvidence(0.6, "same_parent_area")
    if set(a.area_path) & set(b.area_path):
        return FieldEvidence(0.3, "same_region")
    return FieldEvidence(0.0, "different")


def score_pair(a: Person, b: Person, *, gate: bool = False) -> Match:
    """Score two records. With ``gate``, a pair whose names fail ``NAME_GATE`` is returned at
    once with its name evidence only (it cannot be a candidate): the scan's fast path."""
    name_score, name_label = name_similarity(a.name, b.name)
    if gate and (name_score < NAME_GATE or a.sex != b.sex):
        lo, hi = (a, b) if a.id < b.id else (b, a)
        return Match(lo.id, hi.id, 0.0, {"name": FieldEvidence(name_score, name_label)})
    evidence = {
        "name": FieldEvidence(name_score, name_label),
        "birth": birth_similarity(a, b),
        "household_head": head_similarity(a, b),
        "location": location_similarity(a, b),
    }
    total = sum(WEIGHTS[k] * v.score for k, v in evidence.items())
    if evidence["household_head"].label == "different":
        # Two known, different household heads speak against the match more than an unknown
        # head speaks for it: namesakes in one village are common.
        total -= HEAD_PENALTY
    if a.sex != b.sex:
        total = 0.0
    lo, hi = (a, b) if a.id < b.id else (b, a)
    return Match(lo.id, hi.id, round(total, 4), evidence)

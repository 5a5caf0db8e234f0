"""In the database: scan a country, the coordinator's candidate list, partner flags, merge."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from synergy.core import roles
from synergy.core.audit import audit_record
from synergy.monitoring.dedup.blocking import (
    ScanStats,
    blocking_keys,
    candidate_pairs,
)

if TYPE_CHECKING:
    from synergy.core.models import Country, User
    from synergy.monitoring.models import Child, PossibleDuplicate
from synergy.monitoring.dedup.scoring import Match, Person, score_pair

SCAN_FIELDS = (
    "pk",
    "organisation_id",
    "first_name",
    "other_names",
    "last_name",
    "sex",
    "birth_year",
    "date_of_birth",
    "dob_estimated",
    "household__head_name",
    "area__parent__code",
    "area__code",
    "phonetic_fp",
)


def person_from_row(row: Sequence[object]) -> Person:
    """A Person from a ``values_list(*SCAN_FIELDS)`` row (names already decrypted by the
    encrypted fields' converters)."""
    (pk, org, first, other, last, sex, year, born, estimated, head, parent, area, _fp) = row
    area_path = tuple(str(c) for c in (parent, area) if c)
    return Person(
        id=int(pk),  # type: ignore[call-overload]
        organisation_id=int(org),  # type: ignore[call-overload]
        first_name=" ".join(str(p) for p in (first, other) if p),
        last_name=str(last or ""),
        sex=str(sex),
        birth_year=int(year) if year is not None else None,  # type: ignore[call-overload]
        birth_date=None if estimated else born,  # type: ignore[arg-type]
        age_estimated=bool(estimated),
        household_head=str(head or ""),
        area_path=area_path,
    )


def person_of(child: Child) -> Person:
    """A Person from a Child loaded with household, area and area parent."""
    area = child.area
    codes = (area.parent.code if area and area.parent else None, area.code if area else None)
    return Person(
        id=child.pk,
        organisation_id=child.organisation_id,
        first_name=" ".join(p for p in (child.first_name, child.other_names) if p),
        last_name=child.last_name or "",
        sex=child.sex,
        birth_year=child.birth_year,
        birth_date=None if child.dob_estimated else child.date_of_birth,
        age_estimated=child.dob_estimated,
        household_head=(child.household.head_name if child.household else "") or "",
        area_path=tuple(c for c in codes if c),
    )


@dataclass
class ScanResult:
    stats: ScanStats
    created: int = 0
    updated: int = 0
    kept_resolved: int = 0


def _keys_with_blind_index(fingerprints: dict[int, str]) -> Callable[[Person], list[str]]:
    def keys(p: Person) -> list[str]:
        out = blocking_keys(p)
        fp = fingerprints.get(p.id)
        if fp:
            # The lead's blind index of the sorted phonetic codes of the name (never decrypted).
            out.append(f"p:{p.sex}:{fp}")
        return out

    return keys


def scan_people(
    people: Sequence[Person],
    *,
    fingerprints: dict[int, str] | None = None,
    cross_organisation_only: bool = False,
    stats: ScanStats | None = None,
) -> list[Match]:
    """``find_duplicates`` with the stored phonetic blind index as one more blocking key."""
    stats = stats if stats is not None else ScanStats()
    stats.records = len(people)
    found: list[Match] = []
    pairs = candidate_pairs(
        people,
        keys=_keys_with_blind_index(fingerprints or {}),
        cross_organisation_only=cross_organisation_only,
        stats=stats,
    )
    for i, j in pairs:
        stats.pairs_compared += 1
        match = score_pair(people[i], people[j], gate=True)
        if match.is_candidate:
            found.append(match)
    stats.candidates = len(found)
    found.sort(key=lambda m: (-m.score, m.a, m.b))
    return found


def load_people(country_id: str) -> tuple[list[Person], dict[int, str]]:
    from synergy.monitoring.models import Child

    people: list[Person] = []
    fingerprints: dict[int, str] = {}
    rows = (
        Child.objects.filter(country_id=country_id, merged_into__isnull=True)
        .values_list(*SCAN_FIELDS)
        .order_by("pk")
        .iterator(chunk_size=5000)
    )
    for row in rows:
        person = person_from_row(row)
        people.append(person)
        fingerprints[person.id] = str(row[-1] or "")
    return people, fingerprints


def dedup_scan(*, actor: User | None, country: Country) -> ScanResult:
    """Score every child of ``country`` against the others and file each candidate pair as a
    PossibleDuplicate (``match`` "scored"; the newer record is ``child``). Pairs a coordinator
    already dismissed or merged keep their decision; open ones get the new score.

    Only coordinators of the country and system administrators run it. Names are decrypted in
    this process only; nothing personal is logged or stored beyond the pair and its score."""
    from synergy.monitoring.models import DuplicateStatus, PossibleDuplicate

    _require_country_coordinator(actor, country.pk)
    stats = ScanStats()
    people, fingerprints = load_people(country.pk)
    matches = scan_people(people, fingerprints=fingerprints, stats=stats)
    by_id = {p.id: p for p in people}
    result = ScanResult(stats)
    with transaction.atomic():
        existing: dict[tuple[int, int], tuple[int, str, float]] = {}
        for pk, child_id, candidate_id, status, score in PossibleDuplicate.objects.filter(
            child__country_id=country.pk
        ).values_list("pk", "child_id", "candidate_id", "status", "score"):
            existing[(min(child_id, candidate_id), max(child_id, candidate_id))] = (
                pk,
                status,
                score,
            )
        new: list[PossibleDuplicate] = []
        for m in matches:
            known = existing.get((m.a, m.b))
            if known is None:
                new.append(
                    PossibleDuplicate(
                        child_id=m.b,
                        candidate_id=m.a,
                        match="scored",
                        score=m.score,
                        cross_organisation=by_id[m.a].organisation_id != by_id[m.b].organisation_id,
                    )
                )
            elif known[1] == DuplicateStatus.OPEN:
                if abs(known[2] - m.score) > 1e-6:
                    PossibleDuplicate.objects.filter(pk=known[0]).update(score=m.score)
                    result.updated += 1
            else:
                result.kept_resolved += 1
        PossibleDuplicate.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        result.created = len(new)
        audit_record(
            actor=actor,
            action="dedup_scan",
            object_type="core.country",
            object_id=country.pk,
            detail={
                "records": stats.records,
                "pairs_compared": stats.pairs_compared,
                "candidates": stats.candidates,
                "created": result.created,
                "blocks_skipped": stats.blocks_skipped,
            },
        )
    return result


@task()
def dedup_scan_task(country_id: str, actor_id: int | None) -> dict[str, int]:
    """Background scan of one country (the page enqueues it; tests run it at once)."""
    from synergy.core.models import Country, User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    result = dedup_scan(actor=actor, country=Country.objects.get(pk=country_id))
    return {
        "records": result.stats.records,
        "pairs_compared": result.stats.pairs_compared,
        "candidates": result.stats.candidates,
        "created": result.created,
    }


def _require_country_coordinator(actor: User | None, country_id: str) -> None:
    if actor is None:  # the command line and the benchmark run as the system
        return
    if not (roles.is_system_admin(actor) or country_id in roles.coordinated_country_ids(actor)):
        raise PermissionDenied("Only the country's coordinators review duplicates")


def reviewer_country_ids(user: User) -> set[str] | None:
    """Countries whose cross-organisation duplicates the user reviews; None = all (admin)."""
    if roles.is_system_admin(user):
        return None
    return roles.coordinated_country_ids(user)


@dataclass(frozen=True)
class CandidateRow:
    """One pair on the coordinator's list: both records (the coordinator may read both) and
    the evidence per field."""

    flag: PossibleDuplicate
    older: Child
    newer: Child
    match: Match


def candidate_queryset(user: User) -> QuerySet[PossibleDuplicate]:
    """Open pairs in the countries the user coordinates (both records in scope), best first."""
    from synergy.monitoring.models import DuplicateStatus, PossibleDuplicate

    qs = PossibleDuplicate.objects.filter(
        status=DuplicateStatus.OPEN,
        child__merged_into__isnull=True,
        candidate__merged_into__isnull=True,
    )
    countries = reviewer_country_ids(user)
    if countries is not None:
        qs = qs.filter(child__country_id__in=countries, candidate__country_id__in=countries)
    related = (
        "organisation",
        "household",
        "area",
        "area__parent",
    )
    return qs.select_related(
        *(f"child__{r}" for r in related), *(f"candidate__{r}" for r in related)
    ).order_by("-score", "-pk")


def candidate_rows(*, actor: User, flags: Iterable[PossibleDuplicate]) -> list[CandidateRow]:
    """Score each pair again (decrypting both records in this process) for its evidence, and
    audit that the reviewer saw both records - one bulk insert, whatever the page size."""
    from synergy.core.audit import Entry, audit_many

    rows: list[CandidateRow] = []
    entries: list[Entry] = []
    for flag in flags:
        older, newer = flag.candidate, flag.child
        match = score_pair(person_of(older), person_of(newer))
        rows.append(CandidateRow(flag, older, newer, match))
        for child in (older, newer):
            entries.append(
                Entry(
                    "view",
                    "monitoring.child",
                    child.pk,
                    child.organisation_id,
                    {"what": "duplicate_review", "flag": flag.pk},
                )
            )
    audit_many(actor=actor, entries=entries)
    return rows


def flagged_own_children(user: User) -> QuerySet[Child]:
    """The user's own organisations' children that have an open possible duplicate at another
    organisation. Only these children are returned: nothing of the other record."""
    from synergy.monitoring.models import Child, DuplicateStatus, PossibleDuplicate
    from synergy.monitoring.selectors import record_organisation_ids

    orgs = record_organisation_ids(user)
    open_cross = PossibleDuplicate.objects.filter(
        status=DuplicateStatus.OPEN, cross_organisation=True
    )
    return (
        Child.objects.filter(organisation_id__in=orgs, merged_into__isnull=True)
        .filter(
            Q(pk__in=open_cross.values("child_id")) | Q(pk__in=open_cross.values("candidate_id"))
        )
        .select_related("organisation", "area")
        .order_by("-created_at", "-pk")
    )


def has_duplicate_elsewhere(child: Child) -> bool:
    """Whether an open possible duplicate of ``child`` exists at another organisation (never
    which one)."""
    from synergy.monitoring.models import DuplicateStatus, PossibleDuplicate

    return PossibleDuplicate.objects.filter(
        Q(child=child) | Q(candidate=child),
        status=DuplicateStatus.OPEN,
        cross_organisation=True,
    ).exists()


@dataclass(frozen=True)
class MergeSummary:
    survivor: Child
    merged: Child
    moved: dict[str, int]


@transaction.atomic
def duplicate_merge(*, actor: User, flag: PossibleDuplicate, survivor_id: int) -> MergeSummary:
    """Merge the two records of ``flag`` into the one with pk ``survivor_id``.

    Calls ``services.child_merge`` (permission: a coordinator across organisations; enrolments
    moved where missing; ONE outcome per project kept; both records audited; the duplicate
    hidden via ``merged_into``), then moves the duplicate's visits and referrals to the
    survivor, so the survivor carries the child's whole history (each visit and referral keeps
    the organisation that made it). The trail: the flag turns "merged", and a "merge_history"
    audit event on each record holds the numbers moved (no personal data)."""
    from synergy.monitoring import services
    from synergy.monitoring.models import Child, Outcome, ProjectEnrolment, Referral, Visit

    ids = {flag.child_id, flag.candidate_id}
    if survivor_id not in ids:
        raise ValidationError(_("Choose one of the two records to keep."))
    (other_id,) = ids - {survivor_id}
    locked = {
        c.pk: c
        for c in Child.objects.select_for_update().select_related("organisation").filter(pk__in=ids)
    }
    survivor, merged = locked[survivor_id], locked[other_id]
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("One of these records was already merged."))
    enrolments_before = ProjectEnrolment.objects.filter(child=merged).count()
    outcomes_before = Outcome.objects.filter(child__in=[survivor, merged]).count()
    services.child_merge(actor=actor, survivor=survivor, duplicate=merged)
    moved = {
        "visits": Visit.objects.filter(child=merged).update(child=survivor),
        "referrals": Referral.objects.filter(child=merged).update(child=survivor),
        "enrolments": enrolments_before - ProjectEnrolment.objects.filter(child=merged).count(),
        "outcomes_dropped": outcomes_before - Outcome.objects.filter(child=survivor).count(),
    }
    for child in (survivor, merged):
        audit_record(
            actor=actor,
            action="merge_history",
            obj=child,
            object_type="monitoring.child",
            organisation=child.organisation,
            detail={"survivor": survivor.pk, "merged": merged.pk, "flag": flag.pk, **moved},
        )
    return MergeSummary(survivor, merged, moved)

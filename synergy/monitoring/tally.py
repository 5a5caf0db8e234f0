"""Checking and rebuilding ``ChildTally`` and ``OutcomeMonth`` (kept by database triggers)
against the records.

The triggers follow every write, but not a restore or a bulk load made with triggers
disabled (``session_replication_role = replica``, ``pg_restore --disable-triggers``): after
one, ``synergy monitoring check-tally`` says whether the tally still equals the records and
``--repair`` counts it again."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import connection, transaction
from django.db.models import Count

from synergy.monitoring.models import Child, ChildTally, Outcome, OutcomeKind, OutcomeMonth

Bucket = tuple[str, int]
Counts = tuple[int, int, int]  # children, withdrawn, prevented


def from_records() -> dict[Bucket, Counts]:
    """The tally as the records say it: live children and their outcomes not relapsed."""
    found: dict[Bucket, list[int]] = defaultdict(lambda: [0, 0, 0])
    children = Child.objects.filter(merged_into__isnull=True).order_by()
    for row in children.values("country_id", "organisation_id").annotate(n=Count("pk")):
        found[(row["country_id"], row["organisation_id"])][0] = row["n"]
    outcomes = Outcome.objects.filter(relapsed_on=None, child__merged_into__isnull=True)
    grouped = (
        outcomes.order_by()
        .values("child__country_id", "child__organisation_id", "kind")
        .annotate(n=Count("pk"))
    )
    for row in grouped:
        column = 1 if row["kind"] == OutcomeKind.WITHDRAWN else 2
        found[(row["child__country_id"], row["child__organisation_id"])][column] += row["n"]
    return {bucket: (c[0], c[1], c[2]) for bucket, c in found.items() if any(c)}


def as_kept() -> dict[Bucket, Counts]:
    rows = ChildTally.objects.values_list(
        "country", "organisation", "children", "withdrawn", "prevented"
    )
    return {(c, o): (n, w, p) for c, o, n, w, p in rows if (n, w, p) != (0, 0, 0)}


def differences() -> list[tuple[Bucket, Counts | None, Counts | None]]:
    """(bucket, as kept, as the records say) wherever they differ."""
    kept, counted = as_kept(), from_records()
    return [
        (bucket, kept.get(bucket), counted.get(bucket))
        for bucket in sorted(set(kept) | set(counted))
        if kept.get(bucket) != counted.get(bucket)
    ]


MonthKey = tuple[int, int, str, str, date]  # organisation, project, kind, sex, month


def months_from_records() -> dict[MonthKey, int]:
    found: dict[MonthKey, int] = defaultdict(int)
    rows = (
        Outcome.objects.filter(relapsed_on=None)
        .order_by()
        .values("organisation_id", "project_id", "kind", "sex", "achieved_on")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        day = row["achieved_on"]
        key = (row["organisation_id"], row["project_id"], row["kind"], row["sex"])
        found[(*key, date(day.year, day.month, 1))] += row["n"]
    return dict(found)


def months_as_kept() -> dict[MonthKey, int]:
    rows = OutcomeMonth.objects.exclude(n=0).values_list(
        "organisation", "project", "kind", "sex", "month", "n"
    )
    return {(o, p, k, s, m): n for o, p, k, s, m, n in rows}


def month_differences() -> list[tuple[MonthKey, int | None, int | None]]:
    kept, counted = months_as_kept(), months_from_records()
    return [
        (key, kept.get(key), counted.get(key))
        for key in sorted(set(kept) | set(counted))
        if kept.get(key) != counted.get(key)
    ]


@transaction.atomic
def rebuild() -> int:
    """Counts both tallies again from the records; writers wait meanwhile (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE monitoring_child, monitoring_outcome IN SHARE MODE")
    counted = from_records()
    ChildTally.objects.all().delete()
    ChildTally.objects.bulk_create(
        ChildTally(country=c, organisation=o, children=n, withdrawn=w, prevented=p)
        for (c, o), (n, w, p) in counted.items()
    )
    months = months_from_records()
    OutcomeMonth.objects.all().delete()
    OutcomeMonth.objects.bulk_create(
        (
            OutcomeMonth(organisation=o, project=p, kind=k, sex=s, month=m, n=n)
            for (o, p, k, s, m), n in months.items()
        ),
        batch_size=5000,
    )
    return len(counted) + len(months)

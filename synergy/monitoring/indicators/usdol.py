"""USDOL common indicators (see the package's docstring for the definitions)."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from synergy.monitoring.indicators.periods import (
    CHILD_LABOUR_LABELS,
    EDUCATION_TYPES,
    PARTICIPANT_TYPES,
    RECEIVED,
    REGULAR_ATTENDANCE,
    Figure,
    Period,
    Scope,
)
from synergy.monitoring.models import (
    Child,
    Referral,
    ReferralServiceType,
    Visit,
    VisitKind,
)


def _received(scope: Scope) -> QuerySet[Referral]:
    return Referral.objects.filter(status__in=RECEIVED, child__in=scope.children().values("pk"))


def _served_in(qs: QuerySet[Referral], period: Period) -> QuerySet[Referral]:
    """Referred during the period, or with a service delivery overlapping it."""
    return qs.filter(
        Q(referred_on__gte=period.start, referred_on__lte=period.end)
        | Q(
            deliveries__start_date__lte=period.end,
        )
        & (Q(deliveries__end_date__isnull=True) | Q(deliveries__end_date__gte=period.start))
    )


def participants(scope: Scope, period: Period) -> QuerySet[Child]:
    return scope.children().filter(
        Exists(
            Referral.objects.filter(
                child=OuterRef("pk"),
                status__in=RECEIVED,
                service_type__in=PARTICIPANT_TYPES,
                referred_on__lte=period.end,
            )
        )
    )


@dataclass
class UsdolResult:
    figures: list[Figure]
    members: dict[str, set[int]]  # figure key -> child ids behind it


def usdol_indicators(scope: Scope, period: Period, *, with_members: bool = True) -> UsdolResult:
    """E1 (with its service-type breakdown), L1, POC1-4 and POH1-4 as defined in the module
    docstring. A fixed number of queries (six) whatever the number of children.

    Without ``with_members`` (a report shows the figures only), the household figures are
    counted by the database and their children are not collected: at a million children
    that is most of the work."""
    members: dict[str, set[int]] = defaultdict(set)
    figures: list[Figure] = []
    # E1 by service type.
    type_labels = dict(ReferralServiceType.choices)
    e1_rows = (
        _served_in(_received(scope).filter(service_type__in=EDUCATION_TYPES), period)
        .values_list("child_id", "service_type")
        .order_by()
        .distinct()
    )
    by_type: dict[str, set[int]] = defaultdict(set)
    for child_id, service_type in e1_rows:
        by_type[service_type].add(child_id)
        members["E1"].add(child_id)
    figures.append(
        Figure(
            "E1",
            _("Children provided education or vocational training"),
            len(members["E1"]),
            key="E1",
        )
    )
    for service_type in EDUCATION_TYPES:
        key = f"E1:{service_type}"
        members[key] = by_type.get(service_type, set())
        figures.append(
            Figure(
                "E1",
                format_lazy("— {}", type_labels.get(service_type, service_type)),
                len(members[key]),
                key=key,
            )
        )
    # L1: households (the children behind it are the household's served children).
    l1_rows = (
        _served_in(_received(scope).filter(service_type=ReferralServiceType.LIVELIHOOD), period)
        .values_list("child_id", "child__household_id")
        .order_by()
        .distinct()
    )
    households: set[int] = set()
    for child_id, household_id in l1_rows:
        members["L1"].add(child_id)
        households.add(household_id if household_id is not None else -child_id)
    figures.append(
        Figure("L1", _("Households receiving livelihood services"), len(households), key="L1")
    )
    # POC1-4 over the participants' visits in the period, per child.
    part = participants(scope, period)
    per_child = (
        Visit.objects.filter(
            child__in=part.values("pk"), visit_date__gte=period.start, visit_date__lte=period.end
        )
        .values("child_id")
        .annotate(
            cl=Max(Case(When(label__in=CHILD_LABOUR_LABELS, then=1), default=0)),
            haz=Max(Case(When(label="HAZ", then=1), default=0)),
            wf=Max(Case(When(worst_forms=True, then=1), default=0)),
            att=Avg("attendance_percent"),
        )
        .order_by()
    )
    observed: set[int] = set()
    with_attendance: set[int] = set()
    for row in per_child:
        child_id = row["child_id"]
        observed.add(child_id)
        if row["cl"]:
            members["POC1"].add(child_id)
        if row["haz"]:
            members["POC2"].add(child_id)
        if row["wf"]:
            members["POC3"].add(child_id)
        if row["att"] is not None:
            with_attendance.add(child_id)
            if Decimal(str(row["att"])) >= REGULAR_ATTENDANCE:
                members["POC4"].add(child_id)
    members["POC"] = observed
    for code, label in (
        ("POC1", _("Participant children in child labour")),
        ("POC2", _("Participant children in hazardous child labour")),
        ("POC3", _("Participant children in other worst forms of child labour")),
    ):
        figures.append(Figure(code, label, len(members[code]), len(observed), key=code))
    figures.append(
        Figure(
            "POC4",
            _("Participant children attending school regularly"),
            len(members["POC4"]),
            len(with_attendance),
            key="POC4",
        )
    )
    figures.extend(_household_figures(scope, period, part, members, with_members))
    return UsdolResult(figures, dict(members))


class _Household:
    """What the visits say of one household's children at one point in time."""

    __slots__ = ("children", "cl", "haz", "wf", "with_attendance", "low")

    def __init__(self) -> None:
        self.children: set[int] = set()
        self.cl: set[int] = set()
        self.haz: set[int] = set()
        self.wf: set[int] = set()
        self.with_attendance = False
        self.low = False


def _households_at(rows: Iterable[tuple[Any, ...]]) -> dict[int, _Household]:
    """Households from (child, household, label, worst forms, attendance) rows. One small
    object per household, nothing per row: at a million children the rows number hundreds
    of thousands (a new dict of four sets per row made this loop 21 s of a 32 s report)."""
    state: dict[int, _Household] = {}
    threshold = REGULAR_ATTENDANCE
    with _no_cyclic_gc():
        _fill_households(state, rows, threshold)
    return state


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects: each of its
    full collections would otherwise walk every object built so far (10 of 30 s at a million
    children). Reference counting still frees what is dropped."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _fill_households(
    state: dict[int, _Household], rows: Iterable[tuple[Any, ...]], threshold: Decimal
) -> None:
    for child_id, household_id, label, worst, attendance in rows:
        h = state.get(household_id)
        if h is None:
            h = state[household_id] = _Household()
        h.children.add(child_id)
        if label in CHILD_LABOUR_LABELS:
            h.cl.add(child_id)
            if label == "HAZ":
                h.haz.add(child_id)
        if worst:
            h.wf.add(child_id)
        if attendance is not None:
            h.with_attendance = True
            if not isinstance(attendance, Decimal):
                attendance = Decimal(str(attendance))
            if attendance < threshold:
                h.low = True


POH_LABELS = (
    ("POH1", _("Participant households with a child in child labour")),
    ("POH2", _("Participant households with a child in hazardous child labour")),
    ("POH3", _("Participant households with a child in other worst forms")),
    ("POH4", _("Participant households whose children attend school regularly")),
)
POH_POINTS = (("intake", _("at intake")), ("end", _("at the end of the period")))


@dataclass(frozen=True)
class _HouseholdCounts:
    households: int
    cl: int
    haz: int
    wf: int
    with_attendance: int
    regular: int


def _household_visits(period: Period, part: QuerySet[Child]) -> tuple[QuerySet[Visit], ...]:
    """The participant households' intake visits, and their visits of the year to the end
    of the period (of which each child's latest counts)."""
    household_ids = part.exclude(household__isnull=True).values("household_id")
    base = Visit.objects.filter(
        child__household_id__in=household_ids, child__merged_into__isnull=True
    )
    intake = base.filter(kind=VisitKind.IDENTIFICATION, visit_date__lte=period.end)
    window = base.filter(
        visit_date__gt=period.end - timedelta(days=365), visit_date__lte=period.end
    )
    return intake, window


def _household_figures(
    scope: Scope,
    period: Period,
    part: QuerySet[Child],
    members: dict[str, set[int]],
    with_members: bool = True,
) -> list[Figure]:
    intake, window = _household_visits(period, part)
    if with_members:
        counts = _household_counts_in_python(intake, window, members)
    else:
        counts = {
            "intake": _household_counts_sql(intake),
            "end": _household_counts_sql(window, latest=True),
        }
    figures: list[Figure] = []
    for point, point_label in POH_POINTS:
        c = counts[point]
        for code, label in POH_LABELS:
            key = f"{code}:{point}"
            text = format_lazy("{} ({})", label, point_label)
            if code == "POH4":
                figures.append(Figure(code, text, c.regular, c.with_attendance, key=key))
                continue
            hit = {"POH1": c.cl, "POH2": c.haz, "POH3": c.wf}[code]
            figures.append(Figure(code, text, hit, c.households, key=key))
    return figures


def _household_counts_in_python(
    intake: QuerySet[Visit], window: QuerySet[Visit], members: dict[str, set[int]]
) -> dict[str, _HouseholdCounts]:
    """The counts, and the children behind each figure in ``members`` (for the lists)."""
    columns = ("child_id", "child__household_id", "label", "worst_forms", "attendance_percent")
    latest: dict[int, tuple[Any, ...]] = {}
    for row in window.order_by("child_id", "visit_date", "pk").values_list(*columns):
        latest[row[0]] = row  # ordered by date: the last one wins
    points = (
        ("intake", intake.values_list(*columns).iterator(chunk_size=20_000)),
        ("end", latest.values()),
    )
    counts: dict[str, _HouseholdCounts] = {}
    for point, rows in points:
        state = _households_at(rows)
        with_att = [h for h in state.values() if h.with_attendance]
        regular = [h for h in with_att if not h.low]
        members[f"POH4:{point}"] = {c for h in regular for c in h.children}
        for code, attr in (("POH1", "cl"), ("POH2", "haz"), ("POH3", "wf")):
            members[f"{code}:{point}"] = {c for h in state.values() for c in getattr(h, attr)}
        counts[point] = _HouseholdCounts(
            households=len(state),
            cl=sum(1 for h in state.values() if h.cl),
            haz=sum(1 for h in state.values() if h.haz),
            wf=sum(1 for h in state.values() if h.wf),
            with_attendance=len(with_att),
            regular=len(regular),
        )
    return counts


def _household_counts_sql(visits: QuerySet[Visit], *, latest: bool = False) -> _HouseholdCounts:
    """The same counts as ``_household_counts_in_python``, computed by the database: one row
    reaches Python instead of a row per visit (hundreds of thousands at a million children).
    ``latest``: only each child's latest visit counts (by date, then id)."""
    rows = visits.annotate(household=F("child__household_id"))
    if latest:
        rows = rows.annotate(
            latest_first=Window(
                RowNumber(),
                partition_by=[F("child_id")],
                order_by=[F("visit_date").desc(), F("pk").desc()],
            )
        )
    columns = ["household", "label", "worst_forms", "attendance_percent"]
    inner, params = (
        rows.values(*columns, *(["latest_first"] if latest else []))
        .order_by()
        .query.sql_with_params()
    )
    labels = ", ".join(["%s"] * len(CHILD_LABOUR_LABELS))
    per_household = f"""SELECT v.household,
            MAX(CASE WHEN v.label IN ({labels}) THEN 1 ELSE 0 END) AS cl,
            MAX(CASE WHEN v.label = %s THEN 1 ELSE 0 END) AS haz,
            MAX(CASE WHEN v.worst_forms THEN 1 ELSE 0 END) AS wf,
            MAX(CASE WHEN v.attendance_percent IS NOT NULL THEN 1 ELSE 0 END) AS att,
            MAX(CASE WHEN v.attendance_percent < %s THEN 1 ELSE 0 END) AS low
        FROM ({inner}) v {"WHERE v.latest_first = 1" if latest else ""}
        GROUP BY v.household"""
    sql = f"""SELECT COUNT(*), COALESCE(SUM(h.cl), 0), COALESCE(SUM(h.haz), 0),
            COALESCE(SUM(h.wf), 0), COALESCE(SUM(h.att), 0),
            COALESCE(SUM(CASE WHEN h.att = 1 AND h.low = 0 THEN 1 ELSE 0 END), 0)
        FROM ({per_household}) h"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*CHILD_LABOUR_LABELS, "HAZ", REGULAR_ATTENDANCE, *params])
        row = cursor.fetchone()
    return _HouseholdCounts(*(int(v) for v in row))

"""Counts and indicators of the CLMS: withdrawn and prevented against targets, the USDOL/ILAB
common indicators, and the shares of identified children supported and no longer in child
labour at follow-up. Aggregates only: no function here returns personal data except
``children_behind``, which returns the children behind one figure filtered by the user's scope
(selectors.children_for) - an analyst gets none.

Definitions implemented (see /work/shared/reference/knowledge-cooperation-and-clmrs.md, C):

Withdrawn / prevented
    Outcome rows (one per project and child - a database constraint; a child merged into
    another record is not counted) whose ``relapsed_on`` is empty, i.e. children *currently*
    counted, against ProjectTarget numbers per project, implementing organisation, kind and
    sex. Age groups 5-11, 12-14, 15-17 use the completed age on the day the outcome was
    achieved (``achieved_on``) from the date of birth (estimated dates included); other ages
    and unknown dates of birth go to "other".

Reporting period
    USDOL technical progress reports are half-yearly; a ``Period`` is any date range, by
    default the calendar half-year (1 Jan-30 Jun, 1 Jul-31 Dec) that contains the day asked.

Participant (USDOL)
    A child, in the scope, with at least one referral ACCEPTED or COMPLETED by the provider
    for an education, vocational training or livelihood service, referred on or before the
    end of the period. (The reference: "participant = receives project education, training or
    livelihood services".)

E1  Children in or at high risk of child labour provided education or vocational training:
    distinct children with an accepted/completed referral for formal, non-formal education or
    vocational training that was referred during the period or has a service delivery
    overlapping it; broken down by service type (a child may count under several types, once
    in the total).
L1  Households receiving livelihood services: distinct households of children with an
    accepted/completed livelihood referral referred during the period or with a delivery
    overlapping it.
POC1-3  Among participants with at least one visit in the period (data collected), the share
    with at least one visit in the period classified as child labour (POC1: label CL or HAZ),
    as hazardous child labour (POC2: label HAZ) or recording another worst form (POC3). One
    visit in the six-month period saying "yes" is enough: the reference's "past six months OR
    past week" rule applied to visits, each of which records the past week.
POC4  Among participants with attendance recorded in the period, the share whose mean
    attendance over the period's visits is at least 75 % of school days (attendance is
    recorded as a share of school days, so holidays are excluded).
POH1-4  Household level, at two points as the reference asks (intake and end): for each
    household of a participant, at INTAKE its children's identification visits, at END each
    child's latest visit within the 12 months before the end of the period. A household
    counts for POH1/2/3 when any child is in CL / HAZ / another worst form at that point, and
    for POH4 when every child with attendance recorded attends at least 75 %.

Support and follow-up shares
    Supported: share of the identified children (in scope, not merged) with at least one
    accepted or completed referral (any service). No longer in child labour at follow-up:
    among children found in child labour at some visit and visited again afterwards
    (follow-up or verification), the share whose latest such visit is not child labour.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, RowNumber
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from synergy.core import roles
from synergy.core.models import User
from synergy.monitoring.models import (
    EDUCATION_SERVICES,
    Child,
    Outcome,
    OutcomeKind,
    Referral,
    ReferralServiceType,
    ReferralStatus,
    Sex,
    Visit,
    VisitKind,
)
from synergy.partners.models import ProjectTarget

AGE_GROUPS: tuple[tuple[str, int, int], ...] = (
    ("5-11", 5, 11),
    ("12-14", 12, 14),
    ("15-17", 15, 17),
)
OTHER_AGE = "other"
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


# ---------------------------------------------------------------------------------------------
# Withdrawn and prevented against targets
# ---------------------------------------------------------------------------------------------


def _age_group_expression() -> Case:
    """Completed years on ``achieved_on`` of the outcome's child, as an age-group label."""
    return Case(
        *(When(age__gte=lo, age__lte=hi, then=Value(label)) for label, lo, hi in AGE_GROUPS),
        default=Value(OTHER_AGE),
    )


def _outcomes(scope: Scope, *, country_of: str = "child") -> QuerySet[Outcome]:
    """Outcomes currently counted in the scope.

    A merged record never holds an outcome (services.child_merge moves it to the survivor or
    drops it), so no join to the child is needed for that. The country of an outcome is its
    child's country (``country_of="child"``); ``"organisation"`` takes the counting
    organisation's country instead - the same for every national partner and much cheaper (the
    child table is not read); ``"stateless"`` keeps only organisations without a country, by
    their child's country (see ``outcome_totals``)."""
    qs = Outcome.objects.filter(relapsed_on__isnull=True)
    if scope.country_id:
        if country_of == "organisation":
            qs = qs.filter(organisation__country_id=scope.country_id)
        elif country_of == "stateless":
            qs = qs.filter(organisation__country__isnull=True, child__country_id=scope.country_id)
        else:
            qs = qs.filter(child__country_id=scope.country_id)
    if scope.organisation_id:
        qs = qs.filter(organisation_id=scope.organisation_id)
    if scope.project_id:
        qs = qs.filter(project_id=scope.project_id)
    return qs


def outcome_totals(scope: Scope) -> dict[tuple[int, int, str, str], int]:
    """(project id, organisation id, kind, sex) -> children counted: the headline figures
    against the targets. For a country: the outcomes of its organisations (no child read),
    plus those of organisations without a country whose children live there (only when such
    organisations exist). Two or three queries."""
    from synergy.core.models import Organisation

    parts = [_outcomes(scope, country_of="organisation")]
    if scope.country_id and Organisation.objects.filter(country__isnull=True).exists():
        parts.append(_outcomes(scope, country_of="stateless"))
    out: dict[tuple[int, int, str, str], int] = defaultdict(int)
    for qs in parts:
        rows = (
            qs.values("project_id", "organisation_id", "kind", "sex")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for r in rows:
            out[(r["project_id"], r["organisation_id"], r["kind"], r["sex"])] += r["n"]
    return dict(out)


def outcome_counts(scope: Scope) -> dict[tuple[int, int, str, str, str], int]:
    """(project id, organisation id, kind, sex, age group) -> children counted. One query."""
    rows = (
        _outcomes(scope)
        .annotate(
            ay=ExtractYear("achieved_on"),
            am=ExtractMonth("achieved_on"),
            ad=ExtractDay("achieved_on"),
            by=ExtractYear("child__date_of_birth"),
            bm=ExtractMonth("child__date_of_birth"),
            bd=ExtractDay("child__date_of_birth"),
        )
        .annotate(
            age=F("ay")
            - F("by")
            - Case(
                When(Q(am__lt=F("bm")) | Q(am=F("bm"), ad__lt=F("bd")), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .annotate(age_group=_age_group_expression())
        .values("project_id", "organisation_id", "kind", "sex", "age_group")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        (r["project_id"], r["organisation_id"], r["kind"], r["sex"], r["age_group"]): r["n"]
        for r in rows
    }


@dataclass
class TargetRow:
    project_id: int
    project: str
    organisation_id: int
    organisation: str
    kind: str
    # Labels stay lazy: translated when shown, so that one kept report serves every language.
    kind_label: str | Promise
    target: dict[str, int] = field(default_factory=dict)  # sex -> number
    achieved: dict[str, int] = field(default_factory=dict)  # sex -> number
    by_age: dict[tuple[str, str], int] = field(default_factory=dict)  # (sex, age group) -> n

    @property
    def target_total(self) -> int:
        return sum(self.target.values())

    @property
    def achieved_total(self) -> int:
        return sum(self.achieved.values())

    @property
    def percent(self) -> int | None:
        return round(100 * self.achieved_total / self.target_total) if self.target_total else None

    def age_total(self, group: str) -> int:
        return sum(n for (_sex, g), n in self.by_age.items() if g == group)


def target_table(scope: Scope, *, by_age: bool = True) -> list[TargetRow]:
    """One row per (project, organisation, kind) with a target or a count. Two or three
    queries. ``by_age=False`` leaves ``by_age`` empty and does not read the children (the
    age groups need each child's date of birth: a join with the whole child table)."""
    targets = ProjectTarget.objects.all()
    if scope.country_id:
        targets = targets.filter(project__countries=scope.country_id)
    if scope.organisation_id:
        targets = targets.filter(organisation_id=scope.organisation_id)
    if scope.project_id:
        targets = targets.filter(project_id=scope.project_id)
    kind_labels = dict(OutcomeKind.choices)
    rows: dict[tuple[int, int, str], TargetRow] = {}
    for (
        project_id,
        code,
        org_id,
        acronym,
        org_name,
        target_kind,
        sex,
        number,
    ) in targets.values_list(
        "project_id",
        "project__code",
        "organisation_id",
        "organisation__acronym",
        "organisation__name",
        "kind",
        "sex",
        "number",
    ).order_by():
        kind = TARGET_TO_OUTCOME.get(target_kind, target_kind)
        row = rows.get((project_id, org_id, kind))
        if row is None:
            row = rows[(project_id, org_id, kind)] = TargetRow(
                project_id,
                code,
                org_id,
                acronym or org_name,
                kind,
                kind_labels.get(kind, kind),
            )
        row.target[sex] = row.target.get(sex, 0) + number
    counts: dict[tuple[Any, ...], int] = (
        dict(outcome_counts(scope)) if by_age else dict(outcome_totals(scope))
    )
    missing = {(k[0], k[1], k[2]) for k in counts} - set(rows)
    if missing:
        from synergy.core.models import Organisation
        from synergy.partners.models import Project

        projects = dict(
            Project.objects.filter(pk__in={m[0] for m in missing}).values_list("pk", "code")
        )
        orgs = {
            o.pk: o.acronym or o.name
            for o in Organisation.objects.filter(pk__in={m[1] for m in missing})
        }
        for p, o, kind in missing:
            rows[(p, o, kind)] = TargetRow(
                p,
                projects.get(p, str(p)),
                o,
                orgs.get(o, str(o)),
                kind,
                kind_labels.get(kind, kind),
            )
    for key, n in counts.items():
        p, o, kind, sex = key[:4]
        row = rows[(p, o, kind)]
        row.achieved[sex] = row.achieved.get(sex, 0) + n
        if by_age:
            row.by_age[(sex, key[4])] = row.by_age.get((sex, key[4]), 0) + n
    return sorted(rows.values(), key=lambda r: (r.project, r.organisation, r.kind))


# ---------------------------------------------------------------------------------------------
# USDOL common indicators
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Support and follow-up shares
# ---------------------------------------------------------------------------------------------


def _supported_q() -> Exists:
    return Exists(Referral.objects.filter(child=OuterRef("pk"), status__in=RECEIVED))


def _follow_up_rows(scope: Scope) -> QuerySet[Any, dict[str, Any]]:
    """Per child found in child labour: the first such visit, the latest follow-up or
    verification visit and the latest one that was not child labour - one pass over the
    visits (GROUP BY child), no correlated subquery."""
    followup = Q(kind__in=FOLLOW_UP_KINDS)
    return (
        Visit.objects.filter(child__in=scope.children().values("pk"))
        .values("child_id")
        .annotate(
            first_cl=Min("visit_date", filter=Q(is_child_labour=True)),
            last_fu=Max("visit_date", filter=followup),
            last_clean_fu=Max("visit_date", filter=followup & Q(is_child_labour=False)),
        )
        .order_by()
    )


def _follow_up_ids(scope: Scope) -> tuple[set[int], set[int]]:
    """(children followed up after being found in child labour, those of them whose latest
    follow-up was not child labour). A follow-up and a child-labour visit on the same latest
    day count as child labour."""
    followed: set[int] = set()
    free: set[int] = set()
    for row in _follow_up_rows(scope):
        first, last, clean = row["first_cl"], row["last_fu"], row["last_clean_fu"]
        if first is None or last is None or last <= first:
            continue
        followed.add(row["child_id"])
        if clean == last:
            free.add(row["child_id"])
    return followed, free


def _follow_up_counts(scope: Scope) -> tuple[int, int]:
    """``len()`` of both sets of ``_follow_up_ids``, counted by the database: one row reaches
    Python instead of one per child (a million in a country: 6.4 s for the report)."""
    inner, params = _follow_up_rows(scope).query.sql_with_params()
    followed = "f.first_cl IS NOT NULL AND f.last_fu IS NOT NULL AND f.last_fu > f.first_cl"
    sql = f"""SELECT
            COALESCE(SUM(CASE WHEN {followed} THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN {followed} AND f.last_clean_fu = f.last_fu THEN 1 ELSE 0 END), 0)
        FROM ({inner}) f"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]), int(row[1])


def support_shares(scope: Scope) -> list[Figure]:
    """Supported and no longer in child labour at follow-up. Three queries."""
    # Two plain counts rather than an EXISTS per child: 0.85 s against 2.95 s for a million.
    identified = scope.children().count()
    supported = (
        Referral.objects.filter(status__in=RECEIVED, child__in=scope.children().values("pk"))
        .values("child_id")
        .distinct()
        .count()
    )
    followed, free = _follow_up_counts(scope)
    return [
        Figure(
            "SUPPORTED",
            _("Identified children who received support"),
            supported,
            identified,
            key="SUPPORTED",
        ),
        Figure(
            "NO_LONGER_CL",
            _("No longer in child labour at follow-up"),
            free,
            followed,
            key="NO_LONGER_CL",
        ),
    ]


# ---------------------------------------------------------------------------------------------
# The children behind a figure
# ---------------------------------------------------------------------------------------------


def may_list_children(user: User) -> bool:
    """Analysts (and service providers) see figures only, never the list behind them."""
    from synergy.monitoring.selectors import record_organisation_ids

    return (
        roles.is_system_admin(user)
        or bool(roles.coordinated_country_ids(user))
        or bool(record_organisation_ids(user))
    )


def children_behind(
    *, user: User, scope: Scope, key: str, period: Period | None = None
) -> QuerySet[Child]:
    """The children counted in figure ``key`` that ``user`` may see (empty for analysts).

    Keys: ``outcome:<project>:<organisation>:<kind>:<sex or *>:<age group or *>``, the USDOL
    figure keys (E1, E1:<type>, L1, POC1-4, POH1-4:<intake|end>), SUPPORTED, NO_LONGER_CL."""
    from synergy.monitoring.selectors import children_for

    visible = children_for(user)
    if not may_list_children(user):
        return visible.none()
    if key.startswith("outcome:"):
        parts = key.split(":")
        if len(parts) != 6:
            return visible.none()
        _prefix, project, organisation, kind, sex, group = parts
        outcomes = _outcomes(Scope(scope.country_id, scope.organisation_id, None)).filter(
            project_id=int(project) if project.isdigit() else 0,
            organisation_id=int(organisation) if organisation.isdigit() else 0,
            kind=kind,
        )
        if sex != "*":
            outcomes = outcomes.filter(sex=sex)
        ids = outcomes.values_list("child_id", flat=True)
        qs = visible.filter(pk__in=ids)
        if group != "*":
            wanted = {pk for pk, g in _age_groups_of(outcomes) if g == group}
            qs = qs.filter(pk__in=wanted)
        return qs
    if key == "SUPPORTED":
        return visible.filter(pk__in=scope.children().filter(_supported_q()).values("pk"))
    if key == "NO_LONGER_CL":
        return visible.filter(pk__in=_follow_up_ids(scope)[1])
    result = usdol_indicators(scope, period or Period.half_year(timezone.localdate()))
    return visible.filter(pk__in=result.members.get(key, set()))


def _age_groups_of(outcomes: QuerySet[Outcome]) -> Iterable[tuple[int, str]]:
    for child_id, achieved, born in outcomes.values_list(
        "child_id", "achieved_on", "child__date_of_birth"
    ):
        yield child_id, age_group_of(born, achieved)


def age_group_of(born: date | None, on: date) -> str:
    if born is None:
        return OTHER_AGE
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for label, lo, hi in AGE_GROUPS:
        if lo <= age <= hi:
            return label
    return OTHER_AGE


SEXES = tuple(str(s) for s in Sex.values)

"""Withdrawn and prevented against targets (see the package's docstring for the definitions)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils.functional import Promise

from synergy.monitoring.indicators.periods import AGE_GROUPS, OTHER_AGE, TARGET_TO_OUTCOME, Scope
from synergy.monitoring.models import (
    Outcome,
    OutcomeKind,
)
from synergy.partners.models import ProjectTarget


def _age_group_expression() -> Case:
    """Completed years on ``achieved_on`` of the outcome's child, as an age-group label."""
    return Case(
        *(When(age__gte=lo, age__lte=hi, then=Value(label)) for label, lo, hi in AGE_GROUPS),
        default=Value(OTHER_AGE),
    )


def counted_outcomes(scope: Scope, *, country_of: str = "child") -> QuerySet[Outcome]:
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

    parts = [counted_outcomes(scope, country_of="organisation")]
    if scope.country_id and Organisation.objects.filter(country__isnull=True).exists():
        parts.append(counted_outcomes(scope, country_of="stateless"))
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


def with_age_group(qs: QuerySet[Outcome]) -> QuerySet[Any]:
    """Outcomes annotated with ``age_group``: the child's completed years on ``achieved_on``."""
    return (
        qs.annotate(
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
    )


def outcome_counts(scope: Scope) -> dict[tuple[int, int, str, str, str], int]:
    """(project id, organisation id, kind, sex, age group) -> children counted. One query."""
    rows = (
        with_age_group(counted_outcomes(scope))
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

"""The import's two paths, compared: what each wrote, with ids replaced by their rank."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from synergy.core.models import AuditEvent
from synergy.monitoring import importing
from synergy.monitoring.models import (
    Child,
    ChildNameToken,
    Household,
    Outcome,
    PossibleDuplicate,
    ProjectEnrolment,
    StatusChange,
    Visit,
)
from synergy.monitoring.tests import factories as f

# The columns of the test files of both paths.
MAPPING: dict[str, Any] = {
    "columns": {
        "household_ref": "hh",
        "head_name": "head",
        "first_name": "first",
        "last_name": "last",
        "sex": "sex",
        "date_of_birth": "dob",
        "age": "age",
        "project": "project",
        "visit_date": "visit",
        "visit_kind": "kind",
        "econ_hours": "hours",
        "hazardous_conditions": "hazard",
        "attendance_percent": "attendance",
        "child_ref": "ref",
    },
    "defaults": {"consent_given": True, "consent_by": "head"},
}


class ImportPaths(f.MonitoringTestCase):
    """Runs a file through the row-by-row path or the batch path, rolled back, and returns
    what it wrote."""

    mapping: dict[str, Any]

    def snapshot(self, before: dict[str, int]) -> dict[str, Any]:
        """Every new row, with ids replaced by their rank among the new rows."""
        children = list(Child.objects.filter(pk__gt=before["child"]).order_by("pk"))
        cid = {c.pk: i for i, c in enumerate(children)}
        households = list(Household.objects.filter(pk__gt=before["household"]).order_by("pk"))
        hid = {h.pk: i for i, h in enumerate(households)}
        visits = list(Visit.objects.filter(pk__gt=before["visit"]).order_by("pk"))
        vid = {v.pk: i for i, v in enumerate(visits)}

        def child_ref(pk: int) -> Any:
            return ("new", cid[pk]) if pk in cid else ("old", pk)

        def detail(d: dict[str, Any]) -> dict[str, Any]:
            out = dict(d)
            if "visit" in out:
                out["visit"] = vid[out["visit"]]
            return out

        events = AuditEvent.objects.filter(pk__gt=before["audit"]).order_by("pk")
        return {
            "households": [
                (h.head_name, h.consent_given, h.consent_by, h.organisation_id, h.area_id)
                for h in households
            ],
            "children": [
                (
                    c.first_name,
                    c.last_name,
                    c.sex,
                    c.date_of_birth,
                    c.dob_estimated,
                    c.birth_year,
                    c.status,
                    c.track,
                    c.last_visit_on,
                    c.next_followup_on,
                    c.name_fp,
                    c.phonetic_fp,
                    hid.get(c.household_id or 0),
                    c.risk_factors,
                )
                for c in children
            ],
            "tokens": sorted(
                (cid[t.child_id], t.kind, t.digest)
                for t in ChildNameToken.objects.filter(child_id__in=cid)
            ),
            "visits": [
                (
                    cid[v.child_id],
                    v.visit_date,
                    v.kind,
                    v.label,
                    v.is_child_labour,
                    v.reasons,
                    v.warnings,
                    v.clean_followup,
                    v.age_at_visit,
                    v.framework,
                    v.policy_name,
                )
                for v in visits
            ],
            "changes": [
                (cid[s.child_id], s.from_status, s.to_status, s.reason, vid.get(s.visit_id or 0))
                for s in StatusChange.objects.filter(child_id__in=cid).order_by("at", "pk")
            ],
            "flags": sorted(
                (cid[d.child_id], child_ref(d.candidate_id), d.match, d.score, d.cross_organisation)
                for d in PossibleDuplicate.objects.filter(child_id__in=cid)
            ),
            "enrolments": sorted(
                (cid[e.child_id], e.project_id, e.organisation_id)
                for e in ProjectEnrolment.objects.filter(child_id__in=cid)
            ),
            "outcomes": sorted(
                (
                    cid[o.child_id],
                    o.project_id,
                    o.kind,
                    o.sex,
                    o.achieved_on,
                    vid.get(o.visit_id or 0),
                )
                for o in Outcome.objects.filter(child_id__in=cid)
            ),
            "audit": [
                (
                    e.action,
                    e.object_type,
                    hid[int(e.object_id)]
                    if e.object_type == "monitoring.household"
                    else cid[int(e.object_id)],
                    e.actor_id,
                    e.organisation_id,
                    detail(e.detail),
                )
                for e in events
            ],
        }

    def run_path(self, *, batch: bool, csv: str) -> dict[str, Any]:
        last = {
            "child": Child.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            "household": Household.objects.order_by("-pk").values_list("pk", flat=True).first()
            or 0,
            "visit": Visit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            "audit": AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        }
        table = importing.read_table(csv.encode(), "csv")
        plan = importing.plan_import(
            table, importing.parse_mapping(self.mapping, table.columns), organisation=self.partner_a
        )
        with transaction.atomic():
            summary = importing.run_import(
                actor=self.alice, organisation=self.partner_a, plan=plan, batch=batch
            )
            snap = self.snapshot(last)
            transaction.set_rollback(True)
        snap["summary"] = summary
        return snap

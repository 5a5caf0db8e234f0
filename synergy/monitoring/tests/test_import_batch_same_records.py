"""The batch import writes the same records, rules and audit events as the row-by-row path
through the services (households, encrypted children and their blind indexes, classified
visits, status changes, duplicate flags within the file and against existing children,
enrolments, outcomes, one audit event per created record)."""

from __future__ import annotations

from datetime import date
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

CSV = (
    "hh,head,first,last,sex,dob,age,risk,project,visit,kind,hours,hazard,attendance,ref\n"
    "H1,Hari Lama,Sita,Lama,F,2013-05-01,,,P-1,2025-01-10,,30,yes,40,C1\n"
    "H1,Hari Lama,Sita,Lama,F,2013-05-01,,,P-1,2025-04-10,follow_up,0,no,95,C1\n"
    "H1,Hari Lama,Sita,Lama,F,2013-05-01,,,P-1,2025-08-10,follow_up,0,no,95,C1\n"
    "H1,Hari Lama,Sita,Lama,F,2013-05-01,,,P-1,2025-10-12,follow_up,0,no,96,C1\n"
    "H1,Hari Lama,Ram,Lama,M,,12,,P-1,2025-02-01,,12,no,80,C2\n"
    "H2,Maya Rai,Seeta,Lama,F,2014-01-01,,,,2025-03-01,,0,no,90,C3\n"
    "H3,Gita Rai,Gita,Rai,F,,9,,P-1,,,,,,C4\n"
)
MAPPING = {
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


class BatchImportTests(f.MonitoringTestCase):
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

    def run_path(self, *, batch: bool, csv: str = CSV) -> dict[str, Any]:
        last = {
            "child": Child.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            "household": Household.objects.order_by("-pk").values_list("pk", flat=True).first()
            or 0,
            "visit": Visit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            "audit": AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        }
        table = importing.read_table(csv.encode(), "csv")
        plan = importing.plan_import(
            table, importing.parse_mapping(MAPPING, table.columns), organisation=self.partner_a
        )
        with transaction.atomic():
            summary = importing.run_import(
                actor=self.alice, organisation=self.partner_a, plan=plan, batch=batch
            )
            snap = self.snapshot(last)
            transaction.set_rollback(True)
        snap["summary"] = summary
        return snap

    def test_it_writes_the_same_records_as_the_services(self) -> None:
        # An existing child of partner B that two rows of the file resemble.
        f.child(
            self.charlie,
            self.partner_b,
            first_name="Sita",
            last_name="Lama",
            sex="F",
            date_of_birth=date(2013, 6, 1),
        )
        one_by_one = self.run_path(batch=False)
        batch = self.run_path(batch=True)
        self.assertEqual(one_by_one["summary"], {"households": 3, "children": 4, "visits": 6})
        # The scenario exercises every part: flags in the file and across organisations,
        # status changes beyond registration, enrolments and audit events of each kind.
        self.assertTrue(any(flag[1][0] == "old" for flag in one_by_one["flags"]))
        self.assertTrue(any(flag[1][0] == "new" for flag in one_by_one["flags"]))
        self.assertGreater(len(one_by_one["changes"]), 4)
        self.assertEqual(len(one_by_one["enrolments"]), 3)
        self.assertEqual({a[0] for a in one_by_one["audit"]}, {"create", "enrol", "visit"})
        for part in one_by_one:
            with self.subTest(part=part):
                self.assertEqual(batch[part], one_by_one[part])

    def test_it_flags_the_same_candidates_whatever_is_known_of_birth_years(self) -> None:
        # Existing: no birth year at all; born 2010; born 2013. In the file: born 2013, and
        # aged 15 (born about 2011). A candidate's birth year may differ by one year at most;
        # one without a birth year is a candidate for everyone.
        unknown = f.child(self.charlie, self.partner_b, first_name="Sita", last_name="Lama")
        # A record from before a date of birth or an age was required.
        Child.objects.filter(pk=unknown.pk).update(date_of_birth=None, birth_year=None)
        unknown.refresh_from_db()
        older = f.child(
            self.charlie,
            self.partner_b,
            first_name="Sita",
            last_name="Lama",
            date_of_birth=date(2010, 2, 2),
        )
        same = f.child(
            self.charlie,
            self.partner_b,
            first_name="Sita",
            last_name="Lama",
            date_of_birth=date(2013, 9, 9),
        )
        self.assertIsNone(unknown.birth_year)
        csv = (
            "hh,head,first,last,sex,dob,age,risk,project,visit,kind,hours,hazard,attendance,ref\n"
            "H1,Hari Lama,Sita,Lama,F,2013-05-01,,,,,,,,,C1\n"
            "H2,Maya Lama,Sita,Lama,F,,15,,,,,,,,C2\n"
        )
        one_by_one = self.run_path(batch=False, csv=csv)
        batch = self.run_path(batch=True, csv=csv)
        born_in_file = [c[5] for c in one_by_one["children"]]
        self.assertEqual(born_in_file[0], 2013)
        self.assertIn(born_in_file[1], (2010, 2011))
        old_flags = {(flag[0], flag[1][1]) for flag in one_by_one["flags"] if flag[1][0] == "old"}
        # Not (0, older): 2010 is three years from 2013; not (1, same): 2013 is two or three
        # years from the estimate.
        expected = {(0, unknown.pk), (0, same.pk), (1, unknown.pk), (1, older.pk)}
        self.assertEqual(old_flags, expected)
        self.assertEqual(batch["flags"], one_by_one["flags"])

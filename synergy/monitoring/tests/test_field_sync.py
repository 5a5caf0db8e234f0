"""The field app's sync endpoint: a record sent twice is created once, an outsider's records
never reach a device, an edit made offline on a record changed meanwhile comes back as a
conflict and the case worker's choice is kept and audited."""

from __future__ import annotations

import uuid
from typing import Any

from synergy.core.models import AuditEvent, Membership, Role
from synergy.monitoring.models import Child, Household, PossibleDuplicate, Visit
from synergy.monitoring.tests import factories as f


def ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


class FieldSyncTests(f.MonitoringTestCase):
    def sync(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        response = self.client.post(
            "/api/v1/field/sync", {"records": records}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def offline_work(self) -> list[dict[str, Any]]:
        household, child, first, second = ids(4)
        return [
            {
                "client_id": household,
                "kind": "household",
                "data": {"head_name": "Maya Gurung", "consent_given": True, "consent_by": "head"},
            },
            {
                "client_id": child,
                "kind": "child",
                "household_client": household,
                "data": {"first_name": "Sita", "last_name": "Gurung", "sex": "F", "age": 11},
            },
            {
                "client_id": first,
                "kind": "visit",
                "child_client": child,
                "data": {
                    "visit_date": "2026-01-10",
                    "econ_hours": 30,
                    "hazardous_conditions": True,
                },
            },
            {
                "client_id": second,
                "kind": "visit",
                "child_client": child,
                "data": {"visit_date": "2026-02-10", "econ_hours": 0, "attendance_percent": 95},
            },
        ]

    def test_a_record_sent_twice_is_created_once(self) -> None:
        self.client.force_login(self.carol)
        work = self.offline_work()
        first = self.sync(work)
        self.assertEqual([o["status"] for o in first], ["created"] * 4)
        self.assertEqual(first[2]["label"], "HAZ")  # classified by the server
        again = self.sync(work)
        self.assertEqual([o["status"] for o in again], ["already"] * 4)
        self.assertEqual([o["id"] for o in again], [o["id"] for o in first])
        self.assertEqual(
            (Household.objects.count(), Child.objects.count(), Visit.objects.count()), (1, 1, 2)
        )
        sita = Child.objects.get()
        self.assertEqual(
            [v.kind for v in Visit.objects.filter(child=sita).order_by("visit_date")],
            ["identification", "follow_up"],
        )
        self.assertEqual(sita.household and sita.household.head_name, "Maya Gurung")
        self.assertEqual(
            AuditEvent.objects.filter(action="create", object_type="monitoring.child").count(), 1
        )

    def test_one_refused_record_leaves_the_others_written(self) -> None:
        self.client.force_login(self.carol)
        work = self.offline_work()
        work[1]["data"]["sex"] = "X"
        outcomes = self.sync(work)
        self.assertEqual([o["status"] for o in outcomes], ["created", "error", "error", "error"])
        self.assertIn("sex", outcomes[1]["errors"])
        self.assertEqual(Child.objects.count(), 0)
        self.assertEqual(Household.objects.count(), 1)

    def test_an_outsider_child_never_reaches_a_device(self) -> None:
        theirs = f.child(self.charlie, self.partner_b, first_name="Other")
        mine = f.child(self.carol, self.partner_a, first_name="Mine")
        self.client.force_login(self.carol)
        caseload = self.client.get("/api/v1/field/caseload").json()
        self.assertEqual([c["id"] for c in caseload], [str(mine.public_id)])
        outcome = self.sync(
            [
                {
                    "client_id": ids(1)[0],
                    "kind": "visit",
                    "child": str(theirs.public_id),
                    "data": {"visit_date": "2026-01-10", "econ_hours": 3},
                },
                {
                    "client_id": ids(1)[0],
                    "kind": "child_update",
                    "child": str(theirs.public_id),
                    "version": theirs.version,
                    "data": {"first_name": "Changed"},
                },
            ]
        )
        self.assertEqual([o["status"] for o in outcome], ["error", "error"])
        self.assertEqual(outcome[0]["errors"], {"child": ["No such child."]})
        self.assertIsNone(outcome[1]["server"])
        self.assertFalse(Visit.objects.filter(child=theirs).exists())
        # Coordinators, analysts and providers hold nothing on a device.
        for user in (self.nina, self.ana, self.pete, self.zoe):
            self.client.force_login(user)
            for path in ("/api/v1/field/session", "/api/v1/field/caseload"):
                self.assertEqual(self.client.get(path).status_code, 403, (user, path))

    def test_an_offline_edit_of_a_changed_record_is_a_conflict_the_worker_settles(self) -> None:
        child = f.child(self.carol, self.partner_a, first_name="Sita", last_name="Lama")
        read_version = child.version
        # Meanwhile on the server:
        from synergy.monitoring import services

        services.child_update(actor=self.alice, child=child, version=read_version, grade="5")
        self.client.force_login(self.carol)
        edit = {
            "client_id": ids(1)[0],
            "kind": "child_update",
            "child": str(child.public_id),
            "version": read_version,
            "data": {"last_name": "Lama Gurung"},
        }
        [outcome] = self.sync([edit])
        self.assertEqual(outcome["status"], "conflict")
        self.assertEqual(outcome["server"]["grade"], "5")
        self.assertEqual(outcome["server"]["last_name"], "Lama")
        child.refresh_from_db()
        self.assertEqual(child.last_name, "Lama")  # not overwritten
        # The worker keeps theirs: sent again with the server's version and the choice.
        [kept] = self.sync([{**edit, "version": outcome["version"], "resolve": "mine"}])
        self.assertEqual(kept["status"], "updated")
        child.refresh_from_db()
        self.assertEqual((child.last_name, child.grade), ("Lama Gurung", "5"))
        choice = AuditEvent.objects.get(action="field.conflict")
        self.assertEqual(choice.detail, {"choice": "mine"})

    def test_a_duplicate_found_at_sync_is_flagged(self) -> None:
        f.child(self.charlie, self.partner_b, first_name="Sita", last_name="Gurung", sex="F")
        self.client.force_login(self.carol)
        work = self.offline_work()
        work[1]["data"].pop("age")
        work[1]["data"]["date_of_birth"] = "2013-03-01"
        self.sync(work[:2])
        new = Child.objects.get(organisation=self.partner_a)
        self.assertTrue(PossibleDuplicate.objects.filter(child=new).exists())

    def test_the_session_key_is_stable_and_the_scope_follows_roles(self) -> None:
        self.client.force_login(self.carol)
        first = self.client.get("/api/v1/field/session").json()
        self.assertEqual(first["key"], self.client.get("/api/v1/field/session").json()["key"])
        self.assertEqual(first["max_days"], 7)
        Membership.objects.filter(user=self.carol).update(role=Role.PARTNER_MANAGER)
        self.assertNotEqual(
            self.client.get("/api/v1/field/session").json()["scope"], first["scope"]
        )
        self.client.force_login(self.alice)
        self.assertNotEqual(self.client.get("/api/v1/field/session").json()["key"], first["key"])

    def test_bad_records_get_named_errors(self) -> None:
        self.client.force_login(self.carol)
        outcomes = self.sync(
            [
                {"client_id": "not-a-uuid", "kind": "child"},
                {"client_id": ids(1)[0], "kind": "visit", "child": "x", "data": {}},
                {
                    "client_id": ids(1)[0],
                    "kind": "child",
                    "data": {"first_name": "A", "sex": "F", "date_of_birth": "yesterday"},
                },
            ]
        )
        self.assertEqual([o["status"] for o in outcomes], ["error"] * 3)
        self.assertIn("record", outcomes[0]["errors"])
        self.assertIn("child", outcomes[1]["errors"])
        self.assertIn("date_of_birth", outcomes[2]["errors"])


class FieldReferralTests(f.MonitoringTestCase):
    def test_a_referral_drafted_offline_is_made_once_with_consent(self) -> None:
        from synergy.monitoring.models import Referral

        child = f.child(self.carol, self.partner_a, first_name="Sita")
        self.client.force_login(self.carol)
        session = self.client.get("/api/v1/field/session").json()
        self.assertIn(self.provider.pk, [p["id"] for p in session["providers"]])
        self.assertIn("psychosocial", [s["value"] for s in session["services"]])
        draft: dict[str, Any] = {
            "client_id": ids(1)[0],
            "kind": "referral",
            "child": str(child.public_id),
            "data": {
                "to_organisation": self.provider.pk,
                "service_type": "psychosocial",
                "consent_given": True,
                "consent_by": "parent",
            },
        }
        for expected in ("created", "already"):
            response = self.client.post(
                "/api/v1/field/sync", {"records": [draft]}, content_type="application/json"
            )
            self.assertEqual(response.json()[0]["status"], expected)
        referral = Referral.objects.get()
        self.assertEqual(
            (referral.to_organisation_id, referral.child_id), (self.provider.pk, child.pk)
        )
        without = {
            **draft,
            "client_id": ids(1)[0],
            "data": {**draft["data"], "consent_given": False},
        }
        response = self.client.post(
            "/api/v1/field/sync", {"records": [without]}, content_type="application/json"
        )
        self.assertEqual(response.json()[0]["status"], "error")
        self.assertEqual(Referral.objects.count(), 1)


class FieldOddInputTests(f.MonitoringTestCase):
    def test_numbers_that_are_not_numbers_are_refused_by_name(self) -> None:
        child = f.child(self.carol, self.partner_a)
        self.client.force_login(self.carol)
        records = [
            {
                "client_id": ids(1)[0],
                "kind": "visit",
                "child": str(child.public_id),
                "data": {"visit_date": "2026-01-10", "econ_hours": bad},
            }
            for bad in ("NaN", "Infinity", "-inf", True, "many")
        ]
        records.append(
            {
                "client_id": ids(1)[0],
                "kind": "child",
                "data": {"first_name": "A", "sex": "F", "age": True},
            }
        )
        response = self.client.post(
            "/api/v1/field/sync", {"records": records}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 200)
        outcomes = response.json()
        self.assertEqual([o["status"] for o in outcomes], ["error"] * 6)
        self.assertTrue(all("econ_hours" in o["errors"] for o in outcomes[:5]))
        self.assertIn("age", outcomes[5]["errors"])

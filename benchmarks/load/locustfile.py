"""Locust scenario of the CLMS under load: coordinators, case workers and providers at once.

Run by ``benchmarks/load_benchmark.py``, which prepares the accounts and tokens in the JSON file
named by ``SYNERGY_LOAD_CONFIG`` and checks afterwards that every record the users were told
was created exists exactly once. Each write's outcome is appended to ``SYNERGY_LOAD_LEDGER``
(one JSON line per request): what the client saw, to compare with what the database holds.

The mix (weights 1 : 4 : 1):

* a national coordinator reads the dashboard, the children of the whole country (filters, a
  name search) and the country report's counts;
* a case worker reads the work list and the child list, and registers households and children,
  records identification visits and refers children through the API (as a field app does);
* a service provider reads the referral inbox and accepts referrals through the API.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from locust import HttpUser, between, events, task

CONFIG: dict[str, Any] = json.loads(open(os.environ["SYNERGY_LOAD_CONFIG"]).read())
LEDGER_PATH = os.environ["SYNERGY_LOAD_LEDGER"]
_ledger_lock = threading.Lock()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def ledger(kind: str, marker: str, status: int, public_id: str | None) -> None:
    line = json.dumps({"kind": kind, "marker": marker, "status": status, "id": public_id})
    with _ledger_lock, open(LEDGER_PATH, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    role = ""

    def on_start(self) -> None:
        account = CONFIG["accounts"][self.role]
        self.token = account["token"]
        page = self.client.get("/account/login/", name="login page")
        match = CSRF.search(page.text)
        response = self.client.post(
            "/account/login/",
            {
                "username": account["username"],
                "password": account["password"],
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            headers={"Referer": f"{self.host}/account/login/"},
            name="sign in",
        )
        if "/account/login/" in response.url:
            raise RuntimeError(f"{self.role}: sign-in failed")

    def api(self, method: str, path: str, name: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.client.request(method, f"/api/v1{path}", name=name, headers=headers, **kwargs)


class Coordinator(SignedIn):
    weight = 1
    role = "coordinator"

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(3)
    def children_filtered(self) -> None:
        status = random.choice(["withdrawn", "identified", "prevented", "referred"])
        self.client.get(f"/monitoring/?status={status}&sex=F", name="child list (country, filters)")

    @task(2)
    def children_by_name(self) -> None:
        name = random.choice(CONFIG["names"])
        self.client.get(f"/monitoring/?q={name}", name="child list (country, name search)")

    @task(1)
    def children_api(self) -> None:
        self.api("GET", "/monitoring/children?status=withdrawn&limit=50", "API children list")


class CaseWorker(SignedIn):
    weight = 4
    role = "worker"

    def on_start(self) -> None:
        super().on_start()
        self.mine: list[str] = []

    @task(3)
    def work_list(self) -> None:
        self.client.get("/monitoring/work/", name="work list")

    @task(2)
    def child_list(self) -> None:
        self.client.get("/monitoring/?status=identified", name="child list (organisation)")

    @task(3)
    def register(self) -> None:
        marker = f"Load{uuid.uuid4().hex[:12]}"
        household = self.api(
            "POST",
            "/monitoring/households",
            "API register household",
            json={"consent_given": True, "consent_by": "head", "head_name": f"{marker} Head"},
        )
        ledger("household", marker, household.status_code, _id(household))
        if household.status_code != 201:
            return
        child = self.api(
            "POST",
            "/monitoring/children",
            "API register child",
            json={
                "household": household.json()["id"],
                "first_name": marker,
                "last_name": "Loadtest",
                "sex": random.choice("FM"),
                "date_of_birth": "2013-04-01",
            },
        )
        ledger("child", marker, child.status_code, _id(child))
        if child.status_code == 201:
            self.mine.append(child.json()["id"])

    @task(2)
    def visit(self) -> None:
        if not self.mine:
            return
        child_id = random.choice(self.mine)
        marker = uuid.uuid4().hex[:12]
        response = self.api(
            "POST",
            f"/monitoring/children/{child_id}/visits",
            "API record visit",
            json={
                "kind": "identification",
                "visit_date": datetime.now(UTC).date().isoformat(),
                "econ_hours": 30,
                "hazardous_conditions": True,
                "notes": marker,
            },
        )
        ledger("visit", marker, response.status_code, _id(response))

    @task(1)
    def refer(self) -> None:
        if not self.mine:
            return
        child_id = self.mine.pop()
        marker = uuid.uuid4().hex[:12]
        response = self.api(
            "POST",
            "/monitoring/referrals",
            "API refer child",
            json={
                "child": child_id,
                "to_organisation": CONFIG["provider_organisation"],
                "service_type": "formal_education",
                "notes": marker,
                "consent_given": True,
                "consent_by": "parent",
            },
        )
        ledger("referral", marker, response.status_code, _id(response))


class Provider(SignedIn):
    weight = 1
    role = "provider"

    @task(3)
    def inbox(self) -> None:
        self.client.get("/monitoring/referrals/", name="referral inbox")

    @task(1)
    def accept(self) -> None:
        pending = self.api(
            "GET", "/monitoring/referrals/received?status=pending&limit=20", "API inbox"
        )
        if pending.status_code != 200 or not pending.json()["items"]:
            return
        referral = random.choice(pending.json()["items"])
        response = self.api(
            "POST",
            f"/monitoring/referrals/{referral['id']}/accept",
            "API accept referral",
            json={"version": referral["version"]},
        )
        # 409: another provider session accepted it first; it must then be accepted once.
        ledger("accept", referral["id"], response.status_code, referral["id"])


def _id(response: Any) -> str | None:
    try:
        return str(response.json()["id"]) if response.status_code == 201 else None
    except ValueError:
        return None


@events.test_start.add_listener
def _start(**_: Any) -> None:
    open(LEDGER_PATH, "w").close()

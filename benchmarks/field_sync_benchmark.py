"""Offline field app benchmark (issue 13).

1. Sync: a device sends 500 queued records at once (100 households, 200 children and 200
   visits, as a case worker's week of offline work), through ``POST /api/v1/field/sync`` with a
   signed-in session, on a database already holding ``--existing`` children of the partner
   (the duplicate check searches them). Then the same 500 again (all "already"). Target: under
   10 s on PostgreSQL.
2. App shell: Chromium installs the app, goes offline, throttles the network to a "slow 3G"
   profile (400 kbit/s, 400 ms latency) and reloads /monitoring/field/ from the service
   worker's cache. Target: ready under 1 s. (``--no-browser`` skips it.)

    .venv/bin/python benchmarks/field_sync_benchmark.py                 # SQLite (temp file)
    .venv/bin/python benchmarks/field_sync_benchmark.py --postgres postgres://postgres@127.0.0.1:5432/synergy_fieldbench

The PostgreSQL database is dropped and re-created. Figures are in RESULTS at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = ["Sita", "Ram", "Pema", "Hari", "Maya", "Bikash", "Anita", "Kiran", "Suman", "Laxmi"]
LAST = ["Gurung", "Tamang", "Lama", "Rai", "Magar", "Thapa", "Shrestha", "Karki", "Sherpa"]


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synergy.settings")
    import django

    django.setup()


def load(existing: int) -> Any:
    from synergy.core.models import Country, Organisation, Role
    from synergy.monitoring import services
    from synergy.monitoring.importing import plans  # noqa: F401 - the import path is warm
    from synergy.testing import make_user

    nepal = Country.objects.get(iso2="NP")
    partner = Organisation.objects.create(name="Bench partner", kind="ngo", country=nepal)
    user = make_user("bench-worker", partner, Role.CASE_WORKER)
    rng = random.Random(13)
    start = time.perf_counter()
    for _ in range(existing):
        services.child_register(
            actor=user,
            organisation=partner,
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            sex=rng.choice("FM"),
            date_of_birth=date(2008, 1, 1) + timedelta(days=rng.randrange(4000)),
        )
    print(f"{existing} existing children in {time.perf_counter() - start:.1f} s")
    return user


def week(rng: random.Random) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for h in range(100):
        household = str(uuid.uuid4())
        records.append(
            {
                "client_id": household,
                "kind": "household",
                "data": {"head_name": f"Head {h}", "consent_given": True, "consent_by": "head"},
            }
        )
        for _ in range(2):
            child = str(uuid.uuid4())
            records.append(
                {
                    "client_id": child,
                    "kind": "child",
                    "household_client": household,
                    "data": {
                        "first_name": rng.choice(FIRST),
                        "last_name": rng.choice(LAST),
                        "sex": rng.choice("FM"),
                        "date_of_birth": str(
                            date(2009, 1, 1) + timedelta(days=rng.randrange(3000))
                        ),
                    },
                }
            )
            records.append(
                {
                    "client_id": str(uuid.uuid4()),
                    "kind": "visit",
                    "child_client": child,
                    "data": {
                        "visit_date": str(date(2026, 1, 5) + timedelta(days=rng.randrange(30))),
                        "econ_hours": rng.choice([0, 5, 20, 45]),
                        "hazardous_conditions": rng.random() < 0.2,
                    },
                }
            )
    return records


def run_sync(user: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(user)
    # A running server has its URLs and views loaded: the first request of this process pays
    # for importing them (3.6 s), which is not the sync's time.
    client.get("/api/v1/field/session")
    records = week(random.Random(5))
    for attempt in ("first", "again"):
        profile = None
        if os.environ.get("PROFILE") and attempt == "first":
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        start = time.perf_counter()
        response = client.post(
            "/api/v1/field/sync", json.dumps({"records": records}), content_type="application/json"
        )
        elapsed = time.perf_counter() - start
        if profile is not None:
            import pstats

            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(
                "synergy|crypto|fernet|hmac", 70
            )
        outcomes = response.json()
        counts: dict[str, int] = {}
        for outcome in outcomes:
            counts[outcome["status"]] = counts.get(outcome["status"], 0) + 1
        print(f"sync {attempt}: {len(records)} records in {elapsed:.2f} s {counts}")


def run_shell(runs: int) -> None:
    """The app shell started offline from the service worker's cache, on slow 3G."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from playwright.sync_api import sync_playwright

    from synergy.browser import CHROMIUM, CHROMIUM_ARGS

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://localhost:{server.server_address[1]}"
    from synergy.testing import PASSWORD

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/account/login/")
        page.locator("input[name=username]").fill("bench-worker")
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        page.goto(f"{base}/monitoring/field/")
        page.wait_for_selector("body[data-state=ready]", timeout=120_000)
        while not page.evaluate("navigator.serviceWorker.controller !== null"):
            page.wait_for_timeout(100)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": True,
                "latency": 400,
                "downloadThroughput": 50_000,
                "uploadThroughput": 50_000,
            },
        )
        context.set_offline(True)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            page.reload()
            page.wait_for_selector("body[data-state=ready]")
            times.append(time.perf_counter() - start)
        browser.close()
    server.shutdown()
    times.sort()
    print(
        f"app shell offline on slow 3G, {runs} starts: p50 {statistics.median(times) * 1000:.0f} ms, "
        f"max {times[-1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", help="PostgreSQL URL of a throw-away database")
    parser.add_argument("--existing", type=int, default=2000)
    parser.add_argument("--shell-runs", type=int, default=10)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    if args.postgres:
        import psycopg

        base, _sep, name = args.postgres.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        setup(args.postgres)
    else:
        setup(f"sqlite:///{tmp.name}/bench.sqlite3")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    user = load(args.existing)
    run_sync(user)
    if not args.no_browser:
        run_shell(args.shell_runs)
    tmp.cleanup()


if __name__ == "__main__":
    main()

RESULTS = """
2026-12-04, 2 cores, PostgreSQL 15 and SQLite 3.40 on the same machine, 2,000 children of the
partner already registered, Chromium 1xx (Debian) headless:

| backend | sync of 500 new records | the same 500 again |
|---|---|---|
| PostgreSQL | 8.93 s | 0.88 s (all "already") |
| SQLite | 6.13 s | 0.30 s |

App shell started offline from the service worker's cache with CDP's slow-3G conditions
(400 ms latency, 400 kbit/s) and a caseload of 2,000 children: p50 419 ms, max 531 ms over 10
starts.

Targets met (500 records under 10 s on PostgreSQL; the shell under 1 s). Two changes got there:
the first run took 10.7 s for the sync, of which 3.6 s was the first request of the process
importing the URLs (now a warm-up request, as in a running server) and one query per record to
find its device id (now one query per kind for the request); the shell took 2.5 s p50 while
it awaited the service worker's registration (a network check, now in the background) and
decrypted the caseload child by child (now one sealed box). Per record, the sync's time is the
CLMS services' (duplicate check, classification, status rules, audit): about 27 ms for a child
and 22 ms for a visit on PostgreSQL.
"""

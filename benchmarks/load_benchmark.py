"""Load test: `synergy serve` on PostgreSQL with the CLMS benchmark's data, driven by Locust.

    .venv/bin/pip install 'locust>=2.30,<3'                  # not a dependency of Synergy
    .venv/bin/python benchmarks/monitoring_benchmark.py --only none   # the data, once (~6 min)
    .venv/bin/python benchmarks/load_benchmark.py --users 50,200 --workers 1,2 --duration 60

For each number of server processes (``--workers``) and of simulated users (``--users``) it
starts ``synergy serve`` (DEBUG off, the benchmark's keys), runs the scenario of
``benchmarks/load/locustfile.py`` headless for ``--duration`` seconds, and reports throughput,
p50/p95/p99 and failures per request kind. Then it proves that nothing was lost or doubled:

* every child, household, visit and referral that a client was told was created (201) exists
  exactly once, found by the marker the client wrote in it; the table grew by exactly the
  number of 201s (nothing created behind a failed request);
* each accepted referral was accepted once (a second acceptance answers 409);
* the audit trail holds exactly one creation event per created child, household, visit and
  referral.

Locust and the server share the machine's cores: the figures are those of one box.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/synergy_bench_monitoring"
PASSWORD = "bench-password-87"


def django_setup(database_url: str) -> None:
    # As monitoring_benchmark.py: DEBUG derives the field keys from the development secret.
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synergy.settings")
    import django

    django.setup()


def accounts() -> dict[str, Any]:
    from synergy.core.models import Organisation, User
    from synergy.core.services import api_token_create
    from synergy.monitoring.models import Child

    out: dict[str, Any] = {}
    for role, username in (
        ("coordinator", "bench_coord"),
        ("worker", "bench_worker"),
        ("provider", "bench_provider"),
    ):
        user = User.objects.get(username=username)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        _token, plain = api_token_create(user=user, name="load test")
        out[role] = {"username": username, "password": PASSWORD, "token": plain}
    provider = User.objects.get(username="bench_provider").memberships.get().organisation_id
    sample = Child.objects.order_by("pk")[:200]
    names = sorted({c.first_name for c in sample})[:20] or ["Sita"]
    assert Organisation.objects.filter(pk=provider).exists()
    return {"accounts": out, "provider_organisation": provider, "names": names}


def snapshot() -> dict[str, int]:
    from synergy.core.models import AuditEvent
    from synergy.monitoring.models import Child, Household, Referral, Visit

    return {
        "children": Child.objects.count(),
        "households": Household.objects.count(),
        "visits": Visit.objects.count(),
        "referrals": Referral.objects.count(),
        "accepted": Referral.objects.filter(status="accepted").count(),
        "audit": AuditEvent.objects.count(),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    database_url: str, workers: int, threads: int
) -> tuple[subprocess.Popen[bytes], str]:
    from synergy.monitoring.crypto_keys import derive_fernet_key
    from synergy.settings import DEV_SECRET_KEY

    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        # The keys the benchmark's data were written with.
        "FIELD_ENCRYPTION_KEYS": derive_fernet_key(DEV_SECRET_KEY),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "LOGIN_FAILURE_LIMIT": "1000000",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "synergy.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/account/login/", timeout=2)
            return server, url
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


def run_locust(url: str, users: int, duration: int, work: Path, config: Path) -> Path:
    prefix = work / f"locust-{users}"
    env = {
        **os.environ,
        "SYNERGY_LOAD_CONFIG": str(config),
        "SYNERGY_LOAD_LEDGER": str(work / f"ledger-{users}.jsonl"),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "load" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 10)),
            "--run-time",
            f"{duration}s",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "20",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=open(work / f"locust-{users}.log", "w"),  # noqa: SIM115 - closed at exit
    )
    return prefix


def stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def check_ledger(
    ledger: Path, before: dict[str, int], after: dict[str, int], since: datetime
) -> tuple[list[str], list[str]]:
    """What the clients were told, against what the database holds."""
    from synergy.core.models import AuditEvent
    from synergy.monitoring.models import Child, Household, Referral, Visit

    entries = [json.loads(line) for line in ledger.read_text().splitlines() if line]
    created = Counter(e["kind"] for e in entries if e["status"] == 201)
    problems: list[str] = []
    notes: list[str] = []
    tables = {
        "child": ("children", Child),
        "household": ("households", Household),
        "visit": ("visits", Visit),
        "referral": ("referrals", Referral),
    }
    # The audit action that records each creation.
    audit_actions = {
        "child": "create",
        "household": "create",
        "visit": "visit",
        "referral": "refer",
    }
    for kind, (key, model) in tables.items():
        grew = after[key] - before[key]
        if grew < created[kind]:
            problems.append(f"{key}: LOST: {created[kind]} created (201), the table grew by {grew}")
        elif grew > created[kind]:
            # Requests still running when the run stopped (Locust cuts them after
            # --stop-timeout): written, never answered. Not lost, not doubled; a client that
            # retried without an idempotency key would double them.
            notes.append(f"{key}: {grew - created[kind]} written while their request was cut")
        ids = [e["id"] for e in entries if e["kind"] == kind and e["status"] == 201]
        found = model.objects.filter(public_id__in=ids).count() if ids else 0
        if found != len(set(ids)) or len(ids) != len(set(ids)):
            problems.append(f"{key}: {len(ids)} ids answered, {found} distinct ones stored")
        audit = AuditEvent.objects.filter(action=audit_actions[kind], at__gte=since)
        if kind in ("child", "household"):
            audit = audit.filter(object_type=model._meta.label_lower)
        events = audit.count()
        if events != grew:
            problems.append(f"{key}: {events} creation audit events for {grew} new rows")
    # Children by marker: one per 201, none for a failed registration.
    markers = Counter(e["marker"] for e in entries if e["kind"] == "child" and e["status"] == 201)
    # Names are encrypted: read the new children and compare their decrypted first names.
    new_children = Child.objects.filter(created_at__gte=since)
    stored = Counter(c.first_name for c in new_children if c.first_name.startswith("Load"))
    doubled = [m for m, n in stored.items() if n > 1]
    lost = [m for m in markers if stored.get(m, 0) == 0]
    if doubled or lost:
        problems.append(f"children: {len(lost)} lost, {len(doubled)} doubled by marker")
    # Written, but the client never heard back: requests still running when the run stopped
    # (Locust ends them after --stop-timeout). Not lost or doubled, but a client that retried
    # without an idempotency key would double them.
    answered = {e["marker"] for e in entries if e["kind"] == "child"}
    unanswered = [m for m in stored if m not in answered]
    if unanswered:
        notes.append(f"children by marker: {len(unanswered)} written without an answer")
    accepts = Counter(e["marker"] for e in entries if e["kind"] == "accept" and e["status"] == 200)
    if any(n > 1 for n in accepts.values()):
        problems.append("a referral was accepted twice")
    if after["accepted"] - before["accepted"] != len(accepts):
        problems.append(
            f"accepted: {len(accepts)} acceptances answered 200, "
            f"{after['accepted'] - before['accepted']} referrals newly accepted"
        )
    return problems, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default=DEFAULT_DB)
    parser.add_argument("--users", default="50,200")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--duration", type=int, default=60)
    args = parser.parse_args()
    django_setup(args.database)
    work = Path(tempfile.mkdtemp(prefix="synergy-load-"))
    config = work / "config.json"
    config.write_text(json.dumps(accounts()), encoding="utf-8")
    print(f"working in {work}")
    for workers in [int(w) for w in args.workers.split(",")]:
        for users in [int(u) for u in args.users.split(",")]:
            server, url = start_server(args.database, workers, args.threads)
            try:
                before = snapshot()
                since = datetime.now().astimezone() - timedelta(seconds=1)
                prefix = run_locust(url, users, args.duration, work, config)
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=60)
            after = snapshot()
            rows = stats(prefix)
            print(
                f"\n### {workers} process(es) × {args.threads} threads, {users} users, "
                f"{args.duration} s"
            )
            print("| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |")
            print("|---|---|---|---|---|---|---|")
            for row in rows:
                print(
                    f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                    f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | "
                    f"{row['99%']} |"
                )
            problems, notes = check_ledger(work / f"ledger-{users}.jsonl", before, after, since)
            grew = {k: after[k] - before[k] for k in after}
            print(f"\ngrew: {grew}")
            print("lost or doubled: " + ("; ".join(problems) if problems else "none"))
            if notes:
                print("cut at the end of the run: " + "; ".join(notes))


if __name__ == "__main__":
    main()

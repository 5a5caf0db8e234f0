"""Schemathesis over the whole API, as four personas, on whichever database the suite runs.

Every phase runs (examples, coverage, fuzzing, stateful sequences of calls), bounded to
``SYNERGY_FUZZ_EXAMPLES`` examples per operation (10 unless set), with a fixed seed so that a
failure in CI can be replayed. It asserts what the API promises:

* no server error (5xx);
* no status code that the operation's OpenAPI responses do not declare;
* no response body, content type or header that its declaration does not describe.

The requests go through Django's WSGI application from schemathesis' worker threads, so the
data must be committed: the test is transactional and loads the demo data itself.
"""

from __future__ import annotations

import collections
import io
import os
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import connections
from schemathesis.engine import events, from_schema

from synergy.core.models import User
from synergy.core.services import api_token_create

PERSONAS = ("coordinator", "caseworker", "provider", "admin")
EXAMPLES = int(os.environ.get("SYNERGY_FUZZ_EXAMPLES", "10"))
SEED = 87_2026
# What the API promises. The other checks (e.g. "data the schema allows must be accepted")
# judge business rules that a schema cannot express, such as "a referral needs consent".
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
OTHER_CHECKS = (
    "positive_data_acceptance",
    "negative_data_rejection",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "missing_required_header",
    "unsupported_method",
    "object_level_authorization",
    "allow_header_conformance",
)


@dataclass
class Report:
    requests: int = 0
    phases: dict[str, str] = field(default_factory=dict)
    failures: collections.Counter[str] = field(default_factory=collections.Counter)
    errors: list[str] = field(default_factory=list)


def _config(token: str) -> schemathesis.Config:
    checks: dict[str, object] = {name: {"enabled": True} for name in CHECKS}
    checks.update({name: {"enabled": False} for name in OTHER_CHECKS})
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            # No state kept between runs: each run is the same bounded, replayable one.
            "cache": {"enabled": False},
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {"max-examples": EXAMPLES, "database": "none", "deterministic": True},
            "phases": {
                name: {"enabled": True} for name in ("examples", "coverage", "fuzzing", "stateful")
            },
            "checks": checks,
            "workers": 1,
        }
    )


def _describe(recorder: object, case_id: str, check: object) -> str:
    case = recorder.cases[case_id].value  # type: ignore[attr-defined]
    info = check.failure_info  # type: ignore[attr-defined]
    message = info.failure.title if info else check.name  # type: ignore[attr-defined]
    body = "" if case.body is None or type(case.body).__name__ == "NotSet" else repr(case.body)
    return (
        f"{check.name}: {message} — {case.method} {case.formatted_path} "  # type: ignore[attr-defined]
        f"query={case.query!r} body={body[:200]}"
    )


def closing_connections(app: Any) -> Any:
    """The WSGI app, closing the database connections of schemathesis' worker threads after
    each request: left open, they would keep the test database busy at teardown."""

    def wsgi(environ: Any, start_response: Any) -> Any:
        try:
            return list(app(environ, start_response))
        finally:
            connections.close_all()

    return wsgi


def fuzz(username: str) -> Report:
    _token, plain = api_token_create(user=User.objects.get(username=username), name="fuzz")
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", closing_connections(get_wsgi_application()), config=_config(plain)
    )
    report = Report()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            report.requests += len(recorder.cases)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status.name == "FAILURE":
                        report.failures[_describe(recorder, case_id, check)] += 1
        elif isinstance(event, events.PhaseFinished):
            report.phases[event.phase.name.value] = event.status.value
        elif isinstance(event, events.NonFatalError | events.FatalError):
            report.errors.append(repr(event))
    return report


# About 5,000 requests per persona: minutes, not the suite's usual 300 s ceiling.
@pytest.mark.timeout(1500)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_api_answers_every_fuzzed_request_as_it_declares() -> None:
    call_command("demo", stdout=io.StringIO())
    problems: list[str] = []
    for username in PERSONAS:
        report = fuzz(username)
        print(
            f"{username}: {report.requests} requests, phases {report.phases}, "
            f"{sum(report.failures.values())} failures"
        )
        assert report.requests > 100, f"{username}: the fuzzer hardly ran ({report.requests})"
        for phase in ("examples", "coverage", "fuzzing", "stateful"):
            assert report.phases.get(phase) in {"success", "failure", "skip"}, (username, phase)
        problems += [f"{username}: {error}" for error in report.errors]
        problems += [f"{username} ×{n}: {what}" for what, n in report.failures.items()]
    assert not problems, "\n".join(problems)

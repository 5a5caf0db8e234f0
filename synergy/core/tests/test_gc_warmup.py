"""The server freezes the heap once more after its warm-up requests, and only once."""

from __future__ import annotations

import gc
from typing import Any

from synergy.core.gcwarmup import FreezeAfterWarmUp


def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def test_it_freezes_after_the_warm_up_requests_only() -> None:
    wrapped = FreezeAfterWarmUp(app, requests=3)
    gc.unfreeze()
    try:
        for _ in range(2):
            assert wrapped({}, lambda *a: None) == [b"ok"]
        assert gc.get_freeze_count() == 0
        wrapped({}, lambda *a: None)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        kept = [object() for _ in range(10)]  # noqa: F841 - tracked objects made after
        wrapped({}, lambda *a: None)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_a_failing_request_still_counts_towards_the_warm_up() -> None:
    def broken(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("boom")

    wrapped = FreezeAfterWarmUp(broken, requests=1)
    gc.unfreeze()
    try:
        try:
            wrapped({}, lambda *a: None)
        except RuntimeError:
            pass
        assert gc.get_freeze_count() > 0
        assert wrapped.remaining == 0
    finally:
        gc.unfreeze()

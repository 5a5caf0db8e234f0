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
        # 1,000 objects the collector tracks, made after the freeze: a second freeze would
        # move them too. (The count may also drop by a few: a frozen object can still be
        # freed when its last reference goes.)
        kept: list[list[int]] = [[] for _ in range(1000)]  # noqa: F841
        wrapped({}, lambda *a: None)
        assert gc.get_freeze_count() < frozen + 1000
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

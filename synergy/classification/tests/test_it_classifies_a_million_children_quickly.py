"""The survey module classifies 1,000,000 children per call; that must take well under 1 s."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

from synergy.classification import ChildInput, classify, classify_arrays

N = 1_000_000


@pytest.mark.parametrize("framework", ["icls-gpb", "mics"])
def test_it_classifies_a_million_children_in_under_a_second(framework):
    rng = np.random.default_rng(2020)
    arrays: dict[str, Any] = {
        "age": rng.integers(3, 20, N).astype(float),
        "econ_hours": rng.uniform(0, 60, N),
        "chore_hours": rng.uniform(0, 40, N),
        "hazardous_industry": rng.random(N) < 0.1,
        "hazardous_conditions": rng.random(N) < 0.1,
        "night_work": rng.random(N) < 0.05,
        "other_wfcl": rng.random(N) < 0.01,
    }
    best = float("inf")
    for _ in range(2):  # best of two, so one scheduler hiccup on a shared machine does not fail
        start = time.perf_counter()
        labels = classify_arrays(**arrays, framework=framework)
        best = min(best, time.perf_counter() - start)
    assert labels.shape == (N,)
    assert best < 1.0, f"{best:.3f} s for {N:,} children"


def test_it_treats_a_missing_flag_as_not_reported():
    nan = float("nan")
    labels = classify_arrays(
        age=np.array([16.0, 16.0]),
        econ_hours=np.array([5.0, 5.0]),
        chore_hours=np.zeros(2),
        hazardous_industry=np.array([nan, 1.0]),
        hazardous_conditions=np.array([nan, 0.0]),
        night_work=np.array([nan, 0.0]),
    )
    assert labels.tolist() == ["PW", "HAZ"]
    child = ChildInput(age=16, econ_hours=5, night_work=nan)  # type: ignore[arg-type]
    assert classify(child).label == "PW"

"""The survey module classifies 1,000,000 children in one call, with the scalar engine's label
for each. (Its speed is measured in benchmarks/survey_benchmark.py, not here.)"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from synergy.classification import ChildInput, classify, classify_arrays

N = 1_000_000


@pytest.mark.parametrize("framework", ["icls-gpb", "mics"])
def test_it_classifies_a_million_children_in_one_call(framework):
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
    labels = classify_arrays(**arrays, framework=framework)
    assert labels.shape == (N,)
    # Child labour and the out-of-scope ages both occur at this size, and a
    # random thousand children get the scalar engine's label.
    assert {"OOS", "CL"} <= set(np.unique(labels).tolist())
    for i in rng.choice(N, 1000, replace=False):
        child = ChildInput(**{name: column[i].item() for name, column in arrays.items()})
        assert labels[i] == classify(child, framework=framework).label, (i, child)


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

"""The vectorised engine must give exactly the scalar engine's label for every child."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from synergy.classification import FRAMEWORKS, ChildInput, Policy, classify, classify_arrays

N = 20_000
# Hours at, just below and just above every threshold of every framework, plus odd values.
BOUNDARY_HOURS = [0, 0.5, 0.99, 1, 1.01, 13, 13.99, 14, 14.01, 15, 20, 21, 22, 27, 28, 29, 42]
BOUNDARY_HOURS += [43, 44, 60, 168, 169, -1, float("nan")]


def sample(seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    age = rng.integers(2, 21, N).astype(float)
    age[rng.random(N) < 0.03] = np.nan
    hours = np.array(BOUNDARY_HOURS, dtype=float)

    def hours_column() -> np.ndarray:
        picked = rng.choice(hours, N)
        free = rng.random(N) < 0.4
        picked[free] = rng.uniform(0, 70, free.sum()).round(1)
        return picked

    return {
        "age": age,
        "econ_hours": hours_column(),
        "chore_hours": hours_column(),
        "hazardous_industry": rng.random(N) < 0.15,
        "hazardous_conditions": rng.random(N) < 0.2,
        "night_work": rng.random(N) < 0.1,
        "other_wfcl": rng.random(N) < 0.03,
    }


def scalar_labels(arrays: dict[str, np.ndarray], framework: str, policy: Policy) -> np.ndarray:
    labels = []
    for i in range(N):
        age = arrays["age"][i]
        child = ChildInput(
            age=None if np.isnan(age) else int(age),
            econ_hours=float(arrays["econ_hours"][i]),
            chore_hours=float(arrays["chore_hours"][i]),
            hazardous_industry=bool(arrays["hazardous_industry"][i]),
            hazardous_conditions=bool(arrays["hazardous_conditions"][i]),
            night_work=bool(arrays["night_work"][i]),
            other_wfcl=bool(arrays["other_wfcl"][i]),
        )
        labels.append(classify(child, framework=framework, policy=policy).label)
    return np.array(labels)


STRICT = Policy.from_json(
    dict(
        min_age_light=13,
        min_age_general=16,
        work_comparator=">",
        light_comparator=">",
        long_hours_comparator=">",
        chores_comparator=">",
        mics_econ_comparator=">",
        huhs_hours={"5": 28, "14": None},
    )
)


@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("policy", [Policy(), STRICT], ids=["reference", "strict"])
def test_it_gives_the_same_label_from_scalar_and_vector_engines(framework, policy):
    arrays = sample(seed=8_7_1)
    vector = classify_arrays(**arrays, framework=framework, policy=policy)
    scalar = scalar_labels(arrays, framework, policy)
    assert vector.dtype == np.dtype("<U3")
    mismatches = np.flatnonzero(vector != scalar)
    assert mismatches.size == 0, [
        ({k: v[i] for k, v in arrays.items()}, scalar[i], vector[i]) for i in mismatches[:5]
    ]
    # The sample must exercise every label the framework can give, or agreement proves little.
    expected = {"OOS", "NW", "PW", "CL"} | ({"HAZ"} if framework.startswith("icls") else set())
    if framework == "mics":
        expected.add("HC")
    assert expected <= set(np.unique(vector))


def test_it_treats_missing_other_wfcl_as_false():
    arrays = sample(seed=5)
    with_flag = classify_arrays(**arrays)
    arrays["other_wfcl"] = np.zeros(N, dtype=bool)
    without = classify_arrays(**{k: v for k, v in arrays.items() if k != "other_wfcl"})
    assert (without == classify_arrays(**arrays)).all()
    assert (without != with_flag).any()


def test_it_rejects_arrays_of_different_lengths():
    arrays = sample(seed=1)
    arrays["night_work"] = arrays["night_work"][:-1]
    with pytest.raises(ValueError, match="night_work"):
        classify_arrays(**arrays)


def test_it_rejects_an_unknown_framework():
    with pytest.raises(ValueError, match="mics-2030"):
        classify_arrays(**sample(seed=1), framework="mics-2030")
    with pytest.raises(ValueError, match="icls"):
        classify(ChildInput(age=10), framework="icls")

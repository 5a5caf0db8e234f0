"""Test helper: classify one child with both engines and insist they agree."""

from __future__ import annotations

from typing import Any

import numpy as np

from synergy.classification import (
    ChildInput,
    Policy,
    Result,
    classify,
    classify_arrays,
    hazardous_industry_flags,
)


def both(*args: Any, **fields: Any) -> Result:
    """both([framework[, policy]], **child fields): the scalar result, after checking that the
    vector engine gives the same label. framework= and policy= may also be keywords."""
    framework: str = args[0] if args else fields.pop("framework", "icls-sna")
    policy: Policy | None = args[1] if len(args) > 1 else fields.pop("policy", None)
    child = ChildInput(**fields)
    result = classify(child, framework=framework, policy=policy)
    listed = hazardous_industry_flags(
        policy or Policy(), industry=[child.industry], occupation=[child.occupation]
    )
    vector = classify_arrays(
        age=np.array([np.nan if child.age is None else child.age], dtype=float),
        econ_hours=np.array([child.econ_hours]),
        chore_hours=np.array([child.chore_hours]),
        hazardous_industry=np.array([child.hazardous_industry]) | listed,
        hazardous_conditions=np.array([child.hazardous_conditions]),
        night_work=np.array([child.night_work]),
        other_wfcl=np.array([child.other_wfcl]),
        framework=framework,
        policy=policy,
    )
    assert vector[0] == result.label, (fields, result.label, vector[0])
    return result


def label(*args: Any, **fields: Any) -> str:
    return both(*args, **fields).label

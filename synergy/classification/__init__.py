"""Child labour classification engine: ICLS and MICS rules under a national policy."""

from __future__ import annotations

from synergy.classification.engine import (
    FRAMEWORKS,
    ChildInput,
    Result,
    classify,
    classify_arrays,
    is_child_labour,
)
from synergy.classification.policy import Policy, PolicyError
from synergy.classification.vector import hazardous_industry_flags

__all__ = [
    "FRAMEWORKS",
    "ChildInput",
    "Policy",
    "PolicyError",
    "Result",
    "classify",
    "classify_arrays",
    "hazardous_industry_flags",
    "is_child_labour",
]

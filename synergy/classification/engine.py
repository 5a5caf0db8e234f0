"""Public API of the child labour classification engine (pure Python, no database).

`classify` explains one child (label, reasons, warnings); `classify_arrays` labels millions
of children at numpy speed. Both follow the reference's Table 1 (ICLS, R0-R8) and Table 2
(MICS); a seeded-random test keeps them in exact agreement.

Frameworks:
  icls-sna   ICLS as in the ILO-UNICEF global estimates; chores outside the SNA boundary.
  icls-gpb   general production boundary: hazardous unpaid household services count (R6).
  mics       MICS6 as revised in 2019 (SDG 8.7.1): hazardous conditions -> HC, not CL.
  mics-2017  original MICS6: chores >= 28 h (5-14) / 43 h (15-17); hazardous conditions -> CL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from synergy.classification import quality, rules
from synergy.classification.policy import REFERENCE_POLICY, Policy
from synergy.classification.rules import CL, HAZ
from synergy.classification.vector import FRAMEWORKS, check_framework, classify_arrays

__all__ = ["FRAMEWORKS", "ChildInput", "Result", "classify", "classify_arrays", "is_child_labour"]


@dataclass(frozen=True)
class ChildInput:
    age: int | None  # completed years; None (or NaN) when unknown -> OOS with a warning
    sex: str = ""  # reporting domain only; never changes the label
    econ_hours: float = 0.0
    chore_hours: float = 0.0
    hazardous_industry: bool = False
    hazardous_conditions: bool = False
    night_work: bool = False
    other_wfcl: bool = False
    industry: str = ""  # ISIC code, checked against the policy's hazardous list
    occupation: str = ""  # ISCO code, likewise


@dataclass(frozen=True)
class Result:
    label: str
    is_child_labour: bool
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]


def is_child_labour(label: str) -> bool:
    """CL and HAZ are child labour; HC (MICS hazardous conditions since 2019) is not."""
    return label in (CL, HAZ)


def _flag(value: object) -> bool:
    # As in the vector engine: a NaN flag (question skipped) counts as not reported.
    return not (isinstance(value, float) and math.isnan(value)) and bool(value)


def _facts(child: ChildInput, policy: Policy) -> rules.Facts:
    on_list = []
    if child.industry and policy.is_hazardous_code(industry=child.industry):
        on_list.append(f"ISIC {child.industry}")
    if child.occupation and policy.is_hazardous_code(occupation=child.occupation):
        on_list.append(f"ISCO {child.occupation}")
    note = " and ".join(on_list) + " on the national hazardous list" if on_list else ""
    age = None if child.age is None else float(child.age)
    return rules.Facts(
        age=None if age is None or math.isnan(age) else age,
        econ=float(child.econ_hours),
        chores=float(child.chore_hours),
        haz_industry=_flag(child.hazardous_industry) or bool(on_list),
        haz_conditions=_flag(child.hazardous_conditions),
        night=_flag(child.night_work),
        other_wfcl=_flag(child.other_wfcl),
        industry_note=note,
    )


def classify(
    child: ChildInput, *, framework: str = "icls-sna", policy: Policy | None = None
) -> Result:
    check_framework(framework)
    policy = REFERENCE_POLICY if policy is None else policy
    facts = _facts(child, policy)
    if framework.startswith("icls"):
        label, reasons = rules.icls(facts, policy, gpb=framework == "icls-gpb")
    else:
        version = "2017" if framework == "mics-2017" else "2019"
        label, reasons = rules.mics(facts, policy, version=version)
    warnings = quality.data_quality_warnings(facts, policy, framework)
    return Result(label, is_child_labour(label), reasons, warnings)

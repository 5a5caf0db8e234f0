"""Vectorised classification: the same rules as `rules.py`, on numpy arrays, labels only.

Masks are built once per rule and combined with `np.select` in the rule order of Table 1 / 2,
so the first matching rule wins exactly as in the scalar engine. The scalar/vector agreement
test holds the two together; change both or neither.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from synergy.classification.hazard_list import hazardous_code_mask
from synergy.classification.policy import REFERENCE_POLICY, AgeSchedule, Policy
from synergy.classification.rules import CL, HAZ, HC, LABELS, NW, OOS, PW

FRAMEWORKS = ("icls-sna", "icls-gpb", "mics", "mics-2017")

_LABEL_ARRAY = np.array(LABELS, dtype="<U3")
_CODE = {label: np.uint8(i) for i, label in enumerate(LABELS)}


def check_framework(framework: str) -> None:
    if framework not in FRAMEWORKS:
        raise ValueError(
            f"unknown framework {framework!r}; expected one of {', '.join(FRAMEWORKS)}"
        )


def _meets(hours: np.ndarray, threshold: float | np.ndarray, comparator: str) -> np.ndarray:
    # NaN hours compare False either way, as in rules.meets.
    return np.greater(hours, threshold) if comparator == ">" else np.greater_equal(hours, threshold)


def _schedule(schedule: AgeSchedule, age: np.ndarray) -> np.ndarray:
    """Vector `_schedule_lookup`: searchsorted(side="right") is bisect_right."""
    starts = np.array([start for start, _ in schedule], dtype=float)
    values = np.array([np.inf] + [np.inf if h is None else h for _, h in schedule], dtype=float)
    return values[np.searchsorted(starts, age, side="right")]


def _flag(values: np.ndarray | None, shape: tuple[int, ...], name: str) -> np.ndarray:
    if values is None:
        return np.zeros(shape, dtype=bool)
    arr = np.asarray(values)
    if arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}, expected {shape} like age")
    if arr.dtype.kind == "f":
        # A missing flag (NaN, e.g. a skipped question) is "not reported", not True.
        return np.nan_to_num(arr, nan=0.0) != 0
    return arr.astype(bool, copy=False)


def _hours(values: np.ndarray, shape: tuple[int, ...], name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.shape != shape:
        raise ValueError(f"{name} has shape {arr.shape}, expected {shape} like age")
    return arr


def classify_arrays(
    *,
    age: np.ndarray,
    econ_hours: np.ndarray,
    chore_hours: np.ndarray,
    hazardous_industry: np.ndarray,
    hazardous_conditions: np.ndarray,
    night_work: np.ndarray,
    other_wfcl: np.ndarray | None = None,
    framework: str = "icls-sna",
    policy: Policy | None = None,
) -> np.ndarray:
    """Labels ('<U3') for many children; `age` may be float with NaN for missing (-> OOS)."""
    check_framework(framework)
    policy = REFERENCE_POLICY if policy is None else policy
    ages = np.asarray(age, dtype=float)
    shape = ages.shape
    econ = _hours(econ_hours, shape, "econ_hours")
    chores = _hours(chore_hours, shape, "chore_hours")
    haz_ind = _flag(hazardous_industry, shape, "hazardous_industry")
    haz_cond = _flag(hazardous_conditions, shape, "hazardous_conditions")
    night = _flag(night_work, shape, "night_work")
    wfcl = _flag(other_wfcl, shape, "other_wfcl")

    out_of_scope = ~((ages >= policy.scope_min_age) & (ages < policy.hazardous_age))  # R0
    work = _meets(econ, policy.emp_min_hours, policy.work_comparator)  # R1
    chores_any = _meets(chores, policy.emp_min_hours, policy.work_comparator)

    if framework.startswith("icls"):
        gpb = framework == "icls-gpb"
        long_hours = _meets(econ, policy.long_hours, policy.long_hours_comparator)
        light = (ages >= policy.min_age_light) & (ages < policy.min_age_general)
        conditions = [
            out_of_scope,
            work & (haz_ind | haz_cond | night | long_hours),  # R2
            wfcl,  # R3
            work & (ages < policy.min_age_light),  # R4
            work & light & _meets(econ, policy.light_max_hours, policy.light_comparator),  # R5
        ]
        choices = [_CODE[OOS], _CODE[HAZ], _CODE[CL], _CODE[CL], _CODE[CL]]
        if gpb:
            huhs = _meets(chores, _schedule(policy.huhs_hours, ages), policy.chores_comparator)
            conditions.append(huhs | (haz_cond & chores_any))  # R6
            choices.append(_CODE[CL])
        conditions.append((work | chores_any) if gpb else work)  # R7
        choices.append(_CODE[PW])
    else:
        chore_schedule = (
            policy.mics2017_chore_hours if framework == "mics-2017" else policy.mics_chore_hours
        )
        hazardous = work & haz_cond
        econ_limit = _schedule(policy.mics_econ_hours, ages)
        child_labour = work & _meets(econ, econ_limit, policy.mics_econ_comparator)
        child_labour |= _meets(chores, _schedule(chore_schedule, ages), policy.chores_comparator)
        if framework == "mics-2017":
            child_labour |= hazardous
        conditions = [out_of_scope, child_labour, hazardous, work | chores_any]
        choices = [_CODE[OOS], _CODE[CL], _CODE[HC], _CODE[PW]]
    codes = np.select(conditions, choices, default=_CODE[NW])
    return _LABEL_ARRAY[codes]


def hazardous_industry_flags(
    policy: Policy,
    *,
    industry: Iterable[object] | None = None,
    occupation: Iterable[object] | None = None,
) -> np.ndarray:
    """Mask of records whose ISIC/ISCO code is on the policy's hazardous list; OR it into
    `hazardous_industry` before calling `classify_arrays`."""
    return hazardous_code_mask(
        hazardous_industries=policy.hazardous_industries,
        hazardous_occupations=policy.hazardous_occupations,
        industry=industry,
        occupation=occupation,
    )

"""Scalar decision rules with reasons: ICLS Table 1 (R0-R8) and MICS Table 2 (M0-M6).

Each reason is "CODE: readable text". The code before the colon is stable and machine-readable;
the text may quote the child's hours and the policy's thresholds. Only the first matching rule
fires (Table 1 "evaluate the rules in order"); a rule may give several reasons, e.g. R2 with
both night work and long hours.

MICS codes (the reference numbers only the ICLS rules, so these are ours):
M0 out of scope, M1 economic hours at or over the age-group threshold, M2 chores at or over the
threshold, M3 hazardous conditions (original MICS6 only), M4 hazardous conditions reported but
not child labour (HC), M5 permissible work, M6 not working.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from synergy.classification.policy import Policy

OOS, NW, PW, CL, HAZ, HC = "OOS", "NW", "PW", "CL", "HAZ", "HC"
LABELS = (OOS, NW, PW, CL, HAZ, HC)


def meets(hours: float, threshold: float, comparator: str) -> bool:
    """hours >= threshold (or > with the ">" comparator); NaN hours never meet a threshold."""
    return hours > threshold if comparator == ">" else hours >= threshold


@dataclass(frozen=True)
class Facts:
    """One child's inputs after the hazardous list has been applied to industry/occupation."""

    age: float | None
    econ: float
    chores: float
    haz_industry: bool = False
    haz_conditions: bool = False
    night: bool = False
    other_wfcl: bool = False
    industry_note: str = ""

    @property
    def age_missing(self) -> bool:
        return self.age is None or math.isnan(self.age)


def scope_reason(facts: Facts, policy: Policy, code: str) -> str | None:
    """The R0/M0 reason when the child is out of scope, else None."""
    if facts.age is None or math.isnan(facts.age):
        return f"{code}: age missing"
    if not policy.scope_min_age <= facts.age < policy.hazardous_age:
        last = policy.hazardous_age - 1
        return f"{code}: age {facts.age:g} outside {policy.scope_min_age}-{last}"
    return None


def is_working(facts: Facts, policy: Policy) -> bool:
    # R1: the one-hour employment criterion.
    return meets(facts.econ, policy.emp_min_hours, policy.work_comparator)


def icls(facts: Facts, policy: Policy, *, gpb: bool) -> tuple[str, tuple[str, ...]]:
    """Table 1. `gpb` selects the general production boundary (R6 and chores in R7)."""
    out = scope_reason(facts, policy, "R0")
    if out is not None:
        return OOS, (out,)
    assert facts.age is not None
    age, econ, chores = facts.age, facts.econ, facts.chores
    work = is_working(facts, policy)
    if work:
        # R2: hazardous work at any age in scope; flags count only with >= 1 h of work.
        hazards = []
        if facts.haz_industry:
            note = f" ({facts.industry_note})" if facts.industry_note else ""
            hazards.append(f"R2: hazardous industry or occupation{note}")
        if facts.haz_conditions:
            hazards.append("R2: hazardous conditions")
        if facts.night:
            hazards.append("R2: night work")
        if meets(econ, policy.long_hours, policy.long_hours_comparator):
            cmp = policy.long_hours_comparator
            hazards.append(f"R2: long hours ({econ:g} h {cmp} {policy.long_hours:g} h)")
        if hazards:
            return HAZ, tuple(hazards)
    if facts.other_wfcl:
        return CL, ("R3: worst form of child labour other than hazardous work",)
    if work and age < policy.min_age_light:
        return CL, (
            f"R4: working {econ:g} h below the minimum age for light work ({policy.min_age_light})",
        )
    if (
        work
        and policy.min_age_light <= age < policy.min_age_general
        and meets(econ, policy.light_max_hours, policy.light_comparator)
    ):
        cmp = policy.light_comparator
        return CL, (
            f"R5: age {age:g} working {econ:g} h {cmp} {policy.light_max_hours:g} h "
            "(beyond light work)",
        )
    if gpb:
        # R6: hazardous unpaid household services, category (c), general boundary only.
        huhs = []
        limit = policy.huhs_threshold(age)
        if meets(chores, limit, policy.chores_comparator):
            cmp = policy.chores_comparator
            huhs.append(f"R6: household chores {chores:g} h {cmp} {limit:g} h")
        if facts.haz_conditions and meets(chores, policy.emp_min_hours, policy.work_comparator):
            huhs.append("R6: household chores in hazardous conditions")
        if huhs:
            return CL, tuple(huhs)
    if work:
        return PW, (f"R7: permissible economic activity ({econ:g} h)",)
    if gpb and meets(chores, policy.emp_min_hours, policy.work_comparator):
        return PW, (f"R7: permissible household chores ({chores:g} h)",)
    return NW, ("R8: not working",)


def mics(facts: Facts, policy: Policy, *, version: str) -> tuple[str, tuple[str, ...]]:
    """Table 2 (version "2019", SDG 8.7.1) or the original MICS6 definition (version "2017")."""
    out = scope_reason(facts, policy, "M0")
    if out is not None:
        return OOS, (out,)
    assert facts.age is not None
    age, econ, chores = facts.age, facts.econ, facts.chores
    work = is_working(facts, policy)
    reasons = []
    econ_limit = policy.mics_econ_threshold(age)
    # `work` guards the 5-11 threshold: a national 0 h threshold must not catch non-workers.
    if work and meets(econ, econ_limit, policy.mics_econ_comparator):
        cmp = policy.mics_econ_comparator
        reasons.append(f"M1: age {age:g}, economic activity {econ:g} h {cmp} {econ_limit:g} h")
    chore_limit = policy.mics_chore_threshold(age, version=version)
    if meets(chores, chore_limit, policy.chores_comparator):
        cmp = policy.chores_comparator
        reasons.append(f"M2: age {age:g}, household chores {chores:g} h {cmp} {chore_limit:g} h")
    hazardous = work and facts.haz_conditions
    if version == "2017" and hazardous:
        reasons.append("M3: hazardous working conditions (original MICS6 definition)")
    if reasons:
        return CL, tuple(reasons)
    if hazardous:
        # Since syntax v02 (2019) hazardous conditions are reported apart (PR.3.4), not CL.
        return HC, ("M4: hazardous working conditions reported; not child labour since 2019",)
    if work:
        return PW, (f"M5: economic activity below the age-group threshold ({econ:g} h)",)
    if meets(chores, policy.emp_min_hours, policy.work_comparator):
        return PW, (f"M5: household chores below the age-group threshold ({chores:g} h)",)
    return NW, ("M6: not working",)

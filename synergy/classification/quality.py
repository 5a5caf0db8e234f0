"""Data-quality warnings (reference section 2, "Validation").

Warnings never change the label; they say what the rules ignored or could not trust. Each is
"CODE: readable text" like a reason. Hours that are impossible are classified as given (a
negative figure meets no threshold; 200 h still meets 43 h) and flagged for the analyst.
"""

from __future__ import annotations

import math

from synergy.classification.policy import Policy
from synergy.classification.rules import Facts, is_working, meets

AGE_MISSING = "AGE_MISSING"
HOURS_MISSING = "HOURS_MISSING"
HOURS_NEGATIVE = "HOURS_NEGATIVE"
HOURS_OVER_WEEK = "HOURS_OVER_168"
HOURS_SUM_OVER_WEEK = "HOURS_SUM_OVER_168"
FLAG_WITHOUT_WORK = "FLAG_WITHOUT_WORK"
FLAG_NOT_IN_MICS = "FLAG_NOT_IN_MICS"

WEEK_HOURS = 168.0


def _hours_warnings(facts: Facts) -> list[str]:
    out = []
    for name, hours in (("econ_hours", facts.econ), ("chore_hours", facts.chores)):
        if math.isnan(hours):
            out.append(f"{HOURS_MISSING}: {name} missing; meets no threshold")
        elif hours < 0:
            out.append(f"{HOURS_NEGATIVE}: {name} is {hours:g} h")
        elif hours > WEEK_HOURS:
            out.append(f"{HOURS_OVER_WEEK}: {name} is {hours:g} h, more than a week has")
    total = facts.econ + facts.chores
    if facts.econ >= 0 and facts.chores >= 0 and total > WEEK_HOURS:
        out.append(
            f"{HOURS_SUM_OVER_WEEK}: econ_hours + chore_hours = {total:g} h, more than a week has"
        )
    return out


def _flag_warnings(facts: Facts, policy: Policy, framework: str) -> list[str]:
    out = []
    is_mics = framework.startswith("mics")
    flags: tuple[tuple[str, bool], ...] = (
        ("hazardous_industry", facts.haz_industry),
        ("hazardous_conditions", facts.haz_conditions),
        ("night_work", facts.night),
    )
    if is_mics:
        # MICS has no industry, occupation, night-work or other-WFCL item (section 1).
        for name, value in (*flags[0::2], ("other_wfcl", facts.other_wfcl)):
            if value:
                out.append(
                    f"{FLAG_NOT_IN_MICS}: {name} is not part of the MICS definition; ignored"
                )
        flags = flags[1:2]
    if is_working(facts, policy):
        return out
    # Under the general boundary, hazardous conditions with chores are R6 and so not ignored.
    chores_count = framework == "icls-gpb" and meets(
        facts.chores, policy.emp_min_hours, policy.work_comparator
    )
    for name, value in flags:
        if value and not (name == "hazardous_conditions" and chores_count):
            out.append(
                f"{FLAG_WITHOUT_WORK}: {name} with {facts.econ:g} h of economic activity, "
                f"short of the {policy.emp_min_hours:g} h work criterion; ignored"
            )
    return out


def data_quality_warnings(facts: Facts, policy: Policy, framework: str) -> tuple[str, ...]:
    if facts.age_missing:
        out = [f"{AGE_MISSING}: age missing; classified out of scope"]
    else:
        out = []
    out += _hours_warnings(facts)
    in_scope = not facts.age_missing and (
        policy.scope_min_age <= (facts.age or 0) < policy.hazardous_age
    )
    if in_scope:
        out += _flag_warnings(facts, policy, framework)
    return tuple(out)

"""Table 1, rules R0-R5 and R7-R8, at, one hour below and one hour above every threshold."""

from __future__ import annotations

import pytest

from synergy.classification.tests.helpers import both, label

# (age, weekly hours of economic activity, expected label) under the reference policy.
CASES = [
    # R0: scope is 5-17 completed years.
    (4, 0, "OOS"),
    (4, 50, "OOS"),
    (5, 0, "NW"),
    (17, 0, "NW"),
    (18, 0, "OOS"),
    (18, 50, "OOS"),
    # R1: the one-hour criterion; R4: any work below 12 is child labour.
    (5, 0.99, "NW"),
    (5, 1, "CL"),
    (5, 2, "CL"),
    (11, 0.99, "NW"),
    (11, 1, "CL"),
    (11, 2, "CL"),
    # R5: 12-14 may do light work, under 14 h.
    (12, 1, "PW"),
    (12, 13, "PW"),
    (12, 14, "CL"),
    (12, 15, "CL"),
    (14, 13, "PW"),
    (14, 14, "CL"),
    (14, 15, "CL"),
    # 15-17: only hazardous work (R2) is child labour; 43 h or more is hazardous.
    (15, 14, "PW"),
    (15, 15, "PW"),
    (15, 42, "PW"),
    (15, 43, "HAZ"),
    (15, 44, "HAZ"),
    (17, 42, "PW"),
    (17, 43, "HAZ"),
    (17, 44, "HAZ"),
    # R2 comes before R4/R5: long hours are hazardous at any age.
    (5, 43, "HAZ"),
    (11, 42, "CL"),
    (12, 43, "HAZ"),
    (14, 44, "HAZ"),
]


@pytest.mark.parametrize("framework", ["icls-sna", "icls-gpb"])
@pytest.mark.parametrize(("age", "econ", "expected"), CASES)
def test_it_labels_economic_activity_at_each_threshold(framework, age, econ, expected):
    assert label(framework, age=age, econ_hours=econ) == expected


@pytest.mark.parametrize("age", [5, 11, 12, 14, 15, 17])
@pytest.mark.parametrize("flag", ["hazardous_industry", "hazardous_conditions", "night_work"])
def test_it_makes_any_hazard_flag_with_one_hour_of_work_hazardous(age, flag):
    assert label(age=age, econ_hours=1, **{flag: True}) == "HAZ"
    # Below the one-hour criterion the flag is ignored (and warned about elsewhere).
    assert label(age=age, econ_hours=0.99, **{flag: True}) == "NW"


@pytest.mark.parametrize("age", [4, 18])
def test_it_leaves_hazards_out_of_scope_outside_5_to_17(age):
    assert label(age=age, econ_hours=60, night_work=True) == "OOS"


@pytest.mark.parametrize("age", [5, 12, 15, 17])
def test_it_makes_other_worst_forms_child_labour_without_hours(age):
    assert label(age=age, other_wfcl=True) == "CL"
    assert both(age=age, other_wfcl=True).reasons[0].startswith("R3:")


def test_it_ignores_household_chores_under_the_sna_boundary():
    assert label("icls-sna", age=10, chore_hours=60) == "NW"
    assert label("icls-sna", age=10, chore_hours=60, hazardous_conditions=True) == "NW"
    assert label("icls-sna", age=16, econ_hours=5, chore_hours=100) == "PW"


def test_it_ignores_sex():
    assert label(age=13, sex="F", econ_hours=14) == label(age=13, sex="M", econ_hours=14) == "CL"

"""National minimum ages and hours (C138 choices) change the ICLS and MICS boundaries."""

from __future__ import annotations

from synergy.classification import Policy
from synergy.classification.tests.helpers import label


def test_it_lowers_the_general_minimum_age_to_14():
    policy = Policy(min_age_general=14)
    assert label(policy=policy, age=14, econ_hours=20) == "PW"
    assert label(policy=policy, age=13, econ_hours=14) == "CL"
    assert label(policy=policy, age=13, econ_hours=13) == "PW"
    assert label(age=14, econ_hours=20) == "CL"  # the reference policy still says 15


def test_it_raises_the_general_minimum_age_to_16():
    policy = Policy(min_age_general=16)
    assert label(policy=policy, age=15, econ_hours=14) == "CL"
    assert label(policy=policy, age=15, econ_hours=13) == "PW"
    assert label(policy=policy, age=16, econ_hours=14) == "PW"
    assert label(policy=policy, age=16, econ_hours=43) == "HAZ"


def test_it_raises_the_light_work_age_to_13():
    policy = Policy(min_age_light=13)
    assert label(policy=policy, age=12, econ_hours=1) == "CL"
    assert label(policy=policy, age=13, econ_hours=1) == "PW"
    assert label(policy=policy, age=13, econ_hours=14) == "CL"
    assert label(age=12, econ_hours=1) == "PW"


def test_it_changes_light_and_long_hours():
    policy = Policy(light_max_hours=10, long_hours=40)
    assert label(policy=policy, age=13, econ_hours=9) == "PW"
    assert label(policy=policy, age=13, econ_hours=10) == "CL"
    assert label(policy=policy, age=16, econ_hours=39) == "PW"
    assert label(policy=policy, age=16, econ_hours=40) == "HAZ"


def test_it_narrows_the_scope_with_the_hazardous_age():
    policy = Policy(hazardous_age=16)
    assert label(policy=policy, age=15, econ_hours=50) == "HAZ"
    assert label(policy=policy, age=16, econ_hours=50) == "OOS"
    assert label("mics", policy, age=16, econ_hours=50) == "OOS"


def test_it_raises_the_employment_criterion():
    policy = Policy(emp_min_hours=2)
    assert label(policy=policy, age=8, econ_hours=1.5) == "NW"
    assert label(policy=policy, age=8, econ_hours=2) == "CL"
    assert label(policy=policy, age=8, econ_hours=1.5, night_work=True) == "NW"


def test_it_changes_chore_and_mics_schedules():
    policy = Policy.from_json(
        {
            "huhs_hours": {"5": 14, "12": 21, "15": None},
            "mics_econ_hours": [[5, 1], [13, 14], [15, 43]],
            "mics_chore_hours": {"5": 28, "15": 43},
        }
    )
    assert label("icls-gpb", policy, age=11, chore_hours=14) == "CL"
    assert label("icls-gpb", policy, age=12, chore_hours=20) == "PW"
    assert label("icls-gpb", policy, age=16, chore_hours=100) == "PW"
    assert label("mics", policy, age=12, econ_hours=2) == "CL"  # 5-12 band now
    assert label("mics", policy, age=13, econ_hours=2) == "PW"
    assert label("mics", policy, age=10, chore_hours=27) == "PW"
    assert label("mics", policy, age=16, chore_hours=43) == "CL"

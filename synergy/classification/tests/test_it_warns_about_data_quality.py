"""Data-quality warnings (reference section 2, Validation); they never change the label."""

from __future__ import annotations

import pytest

from synergy.classification.tests.helpers import both


def codes(result):
    return [w.split(":")[0] for w in result.warnings]


def test_it_classifies_a_missing_age_out_of_scope_with_a_warning():
    result = both(age=None, econ_hours=50)
    assert result.label == "OOS"
    assert result.reasons == ("R0: age missing",)
    assert codes(result) == ["AGE_MISSING"]
    assert codes(both("mics", age=None)) == ["AGE_MISSING"]


@pytest.mark.parametrize("flag", ["hazardous_industry", "hazardous_conditions", "night_work"])
def test_it_ignores_and_warns_a_hazard_flag_without_work(flag):
    result = both(age=15, econ_hours=0.5, **{flag: True})
    assert result.label == "NW"
    assert codes(result) == ["FLAG_WITHOUT_WORK"]
    assert flag in result.warnings[0]
    assert both(age=15, econ_hours=1, **{flag: True}).warnings == ()


def test_it_does_not_warn_hazardous_chores_under_gpb():
    assert both("icls-gpb", age=15, chore_hours=3, hazardous_conditions=True).warnings == ()
    sna = both("icls-sna", age=15, chore_hours=3, hazardous_conditions=True)
    assert codes(sna) == ["FLAG_WITHOUT_WORK"]


def test_it_does_not_warn_flags_outside_scope():
    assert both(age=3, night_work=True).warnings == ()


@pytest.mark.parametrize(
    ("econ", "chores", "expected"),
    [
        (-1, 0, ["HOURS_NEGATIVE"]),
        (0, -0.5, ["HOURS_NEGATIVE"]),
        (169, 0, ["HOURS_OVER_168", "HOURS_SUM_OVER_168"]),
        (168, 0, []),
        (100, 68, []),
        (100, 69, ["HOURS_SUM_OVER_168"]),
        (float("nan"), 0, ["HOURS_MISSING"]),
    ],
)
def test_it_warns_about_impossible_hours(econ, chores, expected):
    assert codes(both(age=10, econ_hours=econ, chore_hours=chores)) == expected


def test_it_classifies_impossible_hours_as_given():
    assert both(age=16, econ_hours=200).label == "HAZ"
    assert both(age=10, econ_hours=-5).label == "NW"
    assert both(age=10, econ_hours=float("nan")).label == "NW"

"""Table 2 (MICS6 2019, SDG 8.7.1) and the original MICS6 rule (mics-2017)."""

from __future__ import annotations

import pytest

from synergy.classification.tests.helpers import both, label

# (age, economic hours, chore hours, label under mics, label under mics-2017)
CASES = [
    (4, 50, 50, "OOS", "OOS"),
    (18, 50, 50, "OOS", "OOS"),
    (5, 0, 0, "NW", "NW"),
    (5, 0, 0.99, "NW", "NW"),
    (5, 0, 1, "PW", "PW"),
    # 5-11: any economic activity (1 h) is child labour.
    (5, 0.99, 0, "NW", "NW"),
    (5, 1, 0, "CL", "CL"),
    (5, 2, 0, "CL", "CL"),
    (11, 0.99, 0, "NW", "NW"),
    (11, 1, 0, "CL", "CL"),
    # 12-14: 14 h.
    (12, 1, 0, "PW", "PW"),
    (12, 13, 0, "PW", "PW"),
    (12, 14, 0, "CL", "CL"),
    (12, 15, 0, "CL", "CL"),
    (14, 13, 0, "PW", "PW"),
    (14, 14, 0, "CL", "CL"),
    (14, 15, 0, "CL", "CL"),
    # 15-17: 43 h.
    (15, 14, 0, "PW", "PW"),
    (15, 42, 0, "PW", "PW"),
    (15, 43, 0, "CL", "CL"),
    (15, 44, 0, "CL", "CL"),
    (17, 42, 0, "PW", "PW"),
    (17, 43, 0, "CL", "CL"),
    (17, 44, 0, "CL", "CL"),
    # Chores 5-14: 21 h since 2019, 28 h before.
    (5, 0, 20, "PW", "PW"),
    (5, 0, 21, "CL", "PW"),
    (5, 0, 22, "CL", "PW"),
    (11, 0, 21, "CL", "PW"),
    (12, 0, 21, "CL", "PW"),
    (14, 0, 20, "PW", "PW"),
    (14, 0, 21, "CL", "PW"),
    (14, 0, 27, "CL", "PW"),
    (14, 0, 28, "CL", "CL"),
    (14, 0, 29, "CL", "CL"),
    (5, 0, 28, "CL", "CL"),
    # Chores 15-17: no criterion since 2019, 43 h before.
    (15, 0, 21, "PW", "PW"),
    (15, 0, 42, "PW", "PW"),
    (15, 0, 43, "PW", "CL"),
    (15, 0, 44, "PW", "CL"),
    (17, 0, 43, "PW", "CL"),
    (17, 0, 100, "PW", "CL"),
    # Economic and chore hours are never summed.
    (13, 10, 11, "PW", "PW"),
]


@pytest.mark.parametrize(("age", "econ", "chores", "mics", "mics_2017"), CASES)
def test_it_applies_the_age_group_thresholds(age, econ, chores, mics, mics_2017):
    assert label("mics", age=age, econ_hours=econ, chore_hours=chores) == mics
    assert label("mics-2017", age=age, econ_hours=econ, chore_hours=chores) == mics_2017


@pytest.mark.parametrize(("age", "econ"), [(12, 1), (14, 13), (15, 1), (17, 42)])
def test_it_reports_hazardous_conditions_apart_since_2019(age, econ):
    result = both("mics", age=age, econ_hours=econ, hazardous_conditions=True)
    assert (result.label, result.is_child_labour) == ("HC", False)
    assert result.reasons[0].startswith("M4:")
    # The original MICS6 definition made any hazardous condition child labour.
    old = both("mics-2017", age=age, econ_hours=econ, hazardous_conditions=True)
    assert (old.label, old.is_child_labour) == ("CL", True)
    assert old.reasons[0].startswith("M3:")


def test_it_prefers_cl_over_hc_when_a_threshold_is_met():
    assert label("mics", age=13, econ_hours=14, hazardous_conditions=True) == "CL"
    assert label("mics", age=9, econ_hours=1, hazardous_conditions=True) == "CL"
    assert label("mics", age=16, econ_hours=2, chore_hours=60, hazardous_conditions=True) == "HC"
    assert label("mics", age=13, econ_hours=2, chore_hours=21, hazardous_conditions=True) == "CL"


@pytest.mark.parametrize("framework", ["mics", "mics-2017"])
def test_it_needs_one_hour_of_work_for_hazardous_conditions(framework):
    assert label(framework, age=13, econ_hours=0.99, hazardous_conditions=True) == "NW"
    assert label(framework, age=13, econ_hours=0, chore_hours=5, hazardous_conditions=True) == "PW"


@pytest.mark.parametrize("framework", ["mics", "mics-2017"])
@pytest.mark.parametrize("flag", ["hazardous_industry", "night_work", "other_wfcl"])
def test_it_ignores_flags_mics_does_not_collect(framework, flag):
    result = both(framework, age=13, econ_hours=5, **{flag: True})
    assert result.label == "PW"
    assert any(w.startswith("FLAG_NOT_IN_MICS:") and flag in w for w in result.warnings)


def test_it_never_labels_haz_under_mics():
    assert label("mics", age=16, econ_hours=60, night_work=True, hazardous_conditions=True) == "CL"

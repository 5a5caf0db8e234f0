"""Every comparator defaults to >= and may be switched to > ("more than 21 hours")."""

from __future__ import annotations

import pytest

from synergy.classification import Policy, PolicyError
from synergy.classification.tests.helpers import label


def test_it_uses_greater_or_equal_by_default():
    assert label("mics", age=10, chore_hours=21) == "CL"


def test_it_applies_strictly_greater_chores():
    policy = Policy(chores_comparator=">")
    assert label("mics", policy, age=10, chore_hours=21) == "PW"
    assert label("mics", policy, age=10, chore_hours=21.5) == "CL"
    assert label("mics-2017", policy, age=10, chore_hours=28) == "PW"
    assert label("mics-2017", policy, age=10, chore_hours=29) == "CL"
    assert label("icls-gpb", policy, age=10, chore_hours=21) == "PW"
    assert label("icls-gpb", policy, age=10, chore_hours=22) == "CL"
    assert label("icls-gpb", policy, age=16, chore_hours=43) == "PW"
    assert label("icls-gpb", policy, age=16, chore_hours=44) == "CL"


def test_it_applies_strictly_greater_work_criterion():
    policy = Policy(work_comparator=">")
    assert label("icls-sna", policy, age=10, econ_hours=1) == "NW"
    assert label("icls-sna", policy, age=10, econ_hours=1.5) == "CL"
    assert label("mics", policy, age=10, econ_hours=1) == "NW"
    assert label("mics", policy, age=10, econ_hours=2) == "CL"


def test_it_applies_strictly_greater_light_work_limit():
    policy = Policy(light_comparator=">")
    assert label(policy=policy, age=13, econ_hours=14) == "PW"
    assert label(policy=policy, age=13, econ_hours=15) == "CL"


def test_it_applies_strictly_greater_long_hours():
    policy = Policy(long_hours_comparator=">")
    assert label(policy=policy, age=16, econ_hours=43) == "PW"
    assert label(policy=policy, age=16, econ_hours=44) == "HAZ"


def test_it_applies_strictly_greater_mics_economic_thresholds():
    policy = Policy(mics_econ_comparator=">")
    assert label("mics", policy, age=13, econ_hours=14) == "PW"
    assert label("mics", policy, age=13, econ_hours=15) == "CL"
    assert label("mics", policy, age=16, econ_hours=43) == "PW"
    assert label("mics", policy, age=16, econ_hours=44) == "CL"


@pytest.mark.parametrize("bad", ["<", "=>", "gt", ""])
def test_it_rejects_other_comparators(bad):
    with pytest.raises(PolicyError, match="chores_comparator"):
        Policy(chores_comparator=bad)

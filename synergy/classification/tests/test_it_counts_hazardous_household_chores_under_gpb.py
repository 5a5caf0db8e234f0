"""R6: hazardous unpaid household services are child labour under the general boundary only."""

from __future__ import annotations

import pytest

from synergy.classification.tests.helpers import both, label


@pytest.mark.parametrize(
    ("age", "chores", "gpb", "sna"),
    [
        (5, 0.99, "NW", "NW"),
        (5, 1, "PW", "NW"),  # R7: chores are work under the general boundary
        (5, 20, "PW", "NW"),
        (5, 21, "CL", "NW"),  # 21 h for 5-14
        (5, 22, "CL", "NW"),
        (11, 20, "PW", "NW"),
        (11, 21, "CL", "NW"),
        (12, 21, "CL", "NW"),
        (14, 20, "PW", "NW"),
        (14, 21, "CL", "NW"),
        (14, 22, "CL", "NW"),
        (15, 21, "PW", "NW"),  # 43 h for 15-17
        (15, 42, "PW", "NW"),
        (15, 43, "CL", "NW"),
        (15, 44, "CL", "NW"),
        (17, 42, "PW", "NW"),
        (17, 43, "CL", "NW"),
        (17, 44, "CL", "NW"),
        (4, 60, "OOS", "OOS"),
        (18, 60, "OOS", "OOS"),
    ],
)
def test_it_applies_the_huhs_hours_by_age(age, chores, gpb, sna):
    assert label("icls-gpb", age=age, chore_hours=chores) == gpb
    assert label("icls-sna", age=age, chore_hours=chores) == sna


def test_it_counts_chores_in_hazardous_conditions():
    result = both("icls-gpb", age=16, chore_hours=1, hazardous_conditions=True)
    assert result.label == "CL"
    assert result.reasons == ("R6: household chores in hazardous conditions",)
    assert result.warnings == ()
    # Without any chores (or work) the hazardous-conditions flag has nothing to qualify.
    assert label("icls-gpb", age=16, chore_hours=0.99, hazardous_conditions=True) == "NW"


def test_it_ranks_economic_rules_before_chores():
    # R2 and R5 come before R6: the economic label and reason win.
    assert both("icls-gpb", age=13, econ_hours=50, chore_hours=30).reasons[0].startswith("R2:")
    assert both("icls-gpb", age=13, econ_hours=14, chore_hours=30).reasons[0].startswith("R5:")
    assert both("icls-gpb", age=13, econ_hours=5, chore_hours=30).reasons[0].startswith("R6:")


def test_it_never_adds_chores_to_economic_hours():
    # 10 h + 11 h = 21 h, but E and C are never summed (reference section 0).
    assert label("icls-gpb", age=13, econ_hours=10, chore_hours=11) == "PW"
    assert label("icls-gpb", age=16, econ_hours=30, chore_hours=30) == "PW"

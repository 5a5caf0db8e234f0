"""Reasons name the rule (stable code before the colon) and say why in words."""

from __future__ import annotations

import pytest

from synergy.classification import is_child_labour
from synergy.classification.tests.helpers import both


@pytest.mark.parametrize(
    ("framework", "child", "expected"),
    [
        ("icls-sna", {"age": 4}, ["R0"]),
        ("icls-sna", {"age": 16, "econ_hours": 2, "night_work": True}, ["R2"]),
        ("icls-sna", {"age": 16, "econ_hours": 50, "hazardous_conditions": True}, ["R2", "R2"]),
        ("icls-sna", {"age": 16, "other_wfcl": True}, ["R3"]),
        ("icls-sna", {"age": 8, "econ_hours": 2}, ["R4"]),
        ("icls-sna", {"age": 13, "econ_hours": 20}, ["R5"]),
        ("icls-gpb", {"age": 13, "chore_hours": 25}, ["R6"]),
        ("icls-sna", {"age": 13, "econ_hours": 5}, ["R7"]),
        ("icls-gpb", {"age": 13, "chore_hours": 5}, ["R7"]),
        ("icls-sna", {"age": 13}, ["R8"]),
        ("mics", {"age": 19}, ["M0"]),
        ("mics", {"age": 13, "econ_hours": 20, "chore_hours": 30}, ["M1", "M2"]),
        ("mics-2017", {"age": 16, "econ_hours": 2, "hazardous_conditions": True}, ["M3"]),
        ("mics", {"age": 16, "econ_hours": 2, "hazardous_conditions": True}, ["M4"]),
        ("mics", {"age": 16, "econ_hours": 2}, ["M5"]),
        ("mics", {"age": 16}, ["M6"]),
    ],
)
def test_it_gives_the_code_of_the_rule_that_fired(framework, child, expected):
    result = both(framework, **child)
    assert [r.split(":")[0] for r in result.reasons] == expected
    assert all(len(r.split(": ", 1)[1]) > 5 for r in result.reasons)


def test_it_quotes_hours_and_thresholds():
    result = both(age=16, econ_hours=45.5)
    assert result.reasons == ("R2: long hours (45.5 h >= 43 h)",)
    assert both("mics", age=12, econ_hours=14).reasons == (
        "M1: age 12, economic activity 14 h >= 14 h",
    )


@pytest.mark.parametrize(
    ("label", "expected"),
    [("CL", True), ("HAZ", True), ("HC", False), ("PW", False), ("NW", False), ("OOS", False)],
)
def test_it_counts_only_cl_and_haz_as_child_labour(label, expected):
    assert is_child_labour(label) is expected


def test_it_sets_is_child_labour_on_results():
    assert both(age=16, econ_hours=50).is_child_labour is True
    assert both("mics", age=16, econ_hours=2, hazardous_conditions=True).is_child_labour is False
    assert both(age=16, econ_hours=2).is_child_labour is False

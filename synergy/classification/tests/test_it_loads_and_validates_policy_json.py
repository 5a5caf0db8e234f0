"""Policy.from_json: file or mapping; unknown keys and bad values are refused by name."""

from __future__ import annotations

import json

import pytest

from synergy.classification import Policy, PolicyError


def test_it_has_the_reference_defaults():
    policy = Policy()
    assert (policy.scope_min_age, policy.min_age_light, policy.min_age_general) == (5, 12, 15)
    assert policy.hazardous_age == 18
    assert (policy.emp_min_hours, policy.light_max_hours, policy.long_hours) == (1, 14, 43)
    assert [policy.huhs_threshold(a) for a in (5, 14, 15, 17)] == [21, 21, 43, 43]
    assert [policy.mics_econ_threshold(a) for a in (5, 11, 12, 14, 15, 17)] == [
        1,
        1,
        14,
        14,
        43,
        43,
    ]
    assert policy.mics_chore_threshold(14) == 21
    assert policy.mics_chore_threshold(15) == float("inf")
    assert policy.mics_chore_threshold(14, version="2017") == 28
    assert policy.mics_chore_threshold(15, version="2017") == 43
    assert policy.chores_comparator == ">="


def test_it_loads_a_file_and_defaults_missing_keys(tmp_path):
    path = tmp_path / "np.json"
    path.write_text(json.dumps({"country": "NP", "min_age_general": 14, "min_age_light": 13}))
    policy = Policy.from_json(path)
    assert (policy.country, policy.min_age_general, policy.min_age_light) == ("NP", 14, 13)
    assert policy.long_hours == 43
    assert Policy.from_json(str(path)) == policy


def test_it_round_trips_through_json(tmp_path):
    policy = Policy.from_json(
        {
            "name": "Nepal 2024",
            "chores_comparator": ">",
            "huhs_hours": {"5": 20, "15": None},
            "hazardous_industries": ["B", "0893"],
        }
    )
    path = tmp_path / "out.json"
    policy.to_json(path)
    loaded = Policy.from_json(path)
    assert loaded == policy
    assert json.loads(path.read_text())["huhs_hours"] == {"5": 20.0, "15": None}


def test_it_loads_a_mapping():
    assert Policy.from_json({"long_hours": 40}).long_hours == 40.0


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"min_age_genral": 14}, "min_age_genral"),
        ({"chores_comparator": "=>"}, "chores_comparator"),
        ({"long_hours": -1}, "long_hours"),
        ({"long_hours": 200}, "long_hours"),
        ({"long_hours": "43"}, "long_hours"),
        ({"long_hours": True}, "long_hours"),
        ({"min_age_general": 14.5}, "min_age_general"),
        ({"min_age_light": 16}, "min_age_light"),  # above min_age_general
        ({"hazardous_age": 14}, "hazardous_age"),
        ({"huhs_hours": {"15": 43, "5": 21}}, "huhs_hours"),
        ({"huhs_hours": {}}, "huhs_hours"),
        ({"huhs_hours": {"five": 21}}, "huhs_hours"),
        ({"mics_chore_hours": 21}, "mics_chore_hours"),
        ({"hazardous_industries": "B"}, "hazardous_industries"),
        ({"hazardous_industries": [""]}, "hazardous_industries"),
        ({"hazardous_occupations": [9311]}, "hazardous_occupations"),
        ({"name": 3}, "name"),
    ],
)
def test_it_rejects_a_bad_key_or_value_naming_the_key(data, key):
    with pytest.raises(PolicyError, match=key):
        Policy.from_json(data)


def test_it_reports_unreadable_files(tmp_path):
    with pytest.raises(PolicyError, match="cannot read"):
        Policy.from_json(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(PolicyError, match="not valid JSON"):
        Policy.from_json(bad)
    bad.write_text("[1, 2]")
    with pytest.raises(PolicyError, match="JSON object"):
        Policy.from_json(bad)


def test_it_is_frozen_and_hashable():
    policy = Policy()
    with pytest.raises(AttributeError):
        policy.long_hours = 40  # type: ignore[misc]
    assert hash(policy) == hash(Policy.from_json({}))

"""A national hazardous work list (C182 Art. 4) sets the hazardous_industry flag (R2)."""

from __future__ import annotations

import numpy as np

from synergy.classification import Policy, hazardous_industry_flags
from synergy.classification.hazard_list import isic_section, normalise_code
from synergy.classification.tests.helpers import both, label

POLICY = Policy(hazardous_industries=("B", "4100"), hazardous_occupations=("9311", "611"))


def test_it_makes_work_in_a_listed_industry_hazardous():
    result = both(policy=POLICY, age=16, econ_hours=10, industry="4100")
    assert result.label == "HAZ"
    assert result.reasons == (
        "R2: hazardous industry or occupation (ISIC 4100 on the national hazardous list)",
    )
    assert label(policy=POLICY, age=16, econ_hours=10, industry="4290") == "PW"
    assert label(age=16, econ_hours=10, industry="4100") == "PW"  # no list, no hazard


def test_it_matches_codes_below_a_listed_level():
    assert label(policy=POLICY, age=16, econ_hours=10, occupation="6111") == "HAZ"
    assert label(policy=POLICY, age=16, econ_hours=10, occupation="6121") == "PW"
    assert label(policy=POLICY, age=16, econ_hours=10, occupation="931") == "PW"


def test_it_matches_an_isic_section_from_a_numeric_code():
    assert isic_section("0510") == "B" and isic_section("0990") == "B"
    assert isic_section("1010") == "C" and isic_section("0322") == "A"
    assert isic_section("4100") == "F" and isic_section("4390") == "F"
    assert isic_section("4010") == "" and isic_section("4510") == "G"
    assert isic_section("X") == ""
    assert label(policy=POLICY, age=16, econ_hours=10, industry="0893") == "HAZ"
    assert label(policy=POLICY, age=16, econ_hours=10, industry="1010") == "PW"


def test_it_keeps_industry_and_occupation_lists_apart():
    # ISCO 9311 (mining labourers) must not make ISIC 9311 (sports facilities) hazardous.
    assert label(policy=POLICY, age=16, econ_hours=10, industry="9311") == "PW"


def test_it_normalises_codes():
    assert normalise_code(" b.05-10 ") == "B0510"
    policy = Policy(hazardous_industries=(" 05.1 ",))
    assert policy.hazardous_industries == ("051",)
    assert label(policy=policy, age=16, econ_hours=10, industry="0510") == "HAZ"


def test_it_still_needs_one_hour_of_work():
    result = both(policy=POLICY, age=16, econ_hours=0.5, industry="0510")
    assert result.label == "NW"
    assert any(w.startswith("FLAG_WITHOUT_WORK: hazardous_industry") for w in result.warnings)


def test_it_gives_a_vector_mask():
    mask = hazardous_industry_flags(
        POLICY,
        industry=np.array(["0510", "", "4100", "0111", "0510"]),
        occupation=np.array(["", "9311", "", "", "1111"]),
    )
    assert mask.tolist() == [True, True, True, False, True]
    assert hazardous_industry_flags(POLICY, occupation=["6110", "2211"]).tolist() == [True, False]
    assert hazardous_industry_flags(Policy(), industry=["0510"]).tolist() == [False]

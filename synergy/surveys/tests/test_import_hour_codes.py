from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synergy.surveys.importing import (
    MappingError,
    SourceData,
    VariableMapping,
    guess_mapping,
    standardise,
)


def source(econ: list[float], chores: list[float]) -> SourceData:
    frame = pd.DataFrame(
        {"age": [10] * len(econ), "sex": ["M"] * len(econ), "CL3": econ, "chores": chores}
    )
    return SourceData(frame=frame, value_labels={}, source_format="csv")


MAPPING = {"age": "age", "sex": "sex", "econ_hours": "CL3", "chore_hours": "chores"}


def test_it_treats_mics_hour_codes_as_unknown_work_and_no_chores() -> None:
    mapping = VariableMapping.from_json({**MAPPING, "hour_missing_codes": [97, 98, 99]})
    result, warnings = standardise(source([98, 20, 99], [97, 5, 30]), mapping)
    assert np.isnan(result["econ_hours"][0]) and np.isnan(result["econ_hours"][2])
    assert result["econ_hours"][1] == 20
    assert list(result["chore_hours"]) == [0, 5, 30]
    assert any("don't-know/missing codes" in w for w in warnings)


def test_it_keeps_97_as_hours_when_no_codes_are_declared() -> None:
    # Without the declaration 97 hours is simply out of range (over 168 is the limit).
    mapping = VariableMapping.from_json(MAPPING)
    result, _warnings = standardise(source([97], [0]), mapping)
    assert result["econ_hours"][0] == 97


def test_it_guesses_the_codes_for_a_mics_file() -> None:
    assert guess_mapping(["CB3", "HL4", "CL3"])["hour_missing_codes"] == [97, 98, 99]
    assert "hour_missing_codes" not in guess_mapping(["age", "sex", "work_hours"])


def test_it_round_trips_and_rejects_bad_codes() -> None:
    mapping = VariableMapping.from_json({**MAPPING, "hour_missing_codes": [97, 98.5]})
    assert mapping.to_json()["hour_missing_codes"] == [97, 98.5]
    with pytest.raises(MappingError, match="hour_missing_codes"):
        VariableMapping.from_json({**MAPPING, "hour_missing_codes": ["x"]})

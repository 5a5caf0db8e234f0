"""Reading each supported format through a variable mapping, and refusing bad rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from synergy.surveys.importing import (
    ImportValidationError,
    MappingError,
    VariableMapping,
    guess_mapping,
    load_standardised,
    read_columns,
)

MAPPING: dict[str, Any] = {
    "age": "CB3",
    "sex": "HL4",
    "econ_hours": "CL3",
    "chore_hours": "chores",
    "hazardous_conditions": "hazcond",
    "weight": "fsweight",
    "strata": "stratum",
    "psu": "HH1",
    "domains": {"region": "HH7"},
    "values": {"sex": {"1": "M", "2": "F"}},
}


def children() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "CB3": [5, 9, 12, 14, 16, 17],
            "HL4": [1, 2, 1, 2, 1, 2],
            "CL3": [0, 3, 20, 10, 50, 0],
            "chores": [2, 0, 5, 25, 0, 7],
            "hazcond": [0, 0, 0, 1, 0, 0],
            "fsweight": [1.5, 1.5, 2.0, 2.0, 0.5, 0.5],
            "stratum": [1, 1, 1, 2, 2, 2],
            "HH1": [10, 10, 11, 20, 21, 21],
            "HH7": [1, 1, 2, 2, 1, 2],
        }
    )


def check_standardised(frame: pd.DataFrame) -> None:
    assert list(frame["age"]) == [5, 9, 12, 14, 16, 17]
    assert list(frame["sex"]) == ["M", "F", "M", "F", "M", "F"]
    assert list(frame["econ_hours"]) == [0, 3, 20, 10, 50, 0]
    assert list(frame["hazardous_conditions"]) == [False, False, False, True, False, False]
    assert not frame["night_work"].any()
    assert list(frame["weight"]) == [1.5, 1.5, 2.0, 2.0, 0.5, 0.5]
    assert list(frame["strata"]) == ["1", "1", "1", "2", "2", "2"]
    assert list(frame["psu"]) == ["10", "10", "11", "20", "21", "21"]


def test_it_reads_csv(tmp_path: Path) -> None:
    path = tmp_path / "children.csv"
    children().to_csv(path, index=False)
    frame, warnings = load_standardised(path, VariableMapping.from_json(MAPPING))
    check_standardised(frame)
    assert list(frame["region"]) == ["1", "1", "2", "2", "1", "2"]
    assert warnings == []


def test_it_reads_excel(tmp_path: Path) -> None:
    path = tmp_path / "children.xlsx"
    children().to_excel(path, index=False)
    frame, _ = load_standardised(path, VariableMapping.from_json(MAPPING))
    check_standardised(frame)


def test_it_reads_stata(tmp_path: Path) -> None:
    path = tmp_path / "children.dta"
    pyreadstat.write_dta(children().astype(float), str(path))
    frame, _ = load_standardised(path, VariableMapping.from_json(MAPPING))
    check_standardised(frame)


def test_it_reads_spss_with_value_labels_for_domains(tmp_path: Path) -> None:
    path = tmp_path / "children.sav"
    pyreadstat.write_sav(
        children().astype(float),
        str(path),
        variable_value_labels={"HH7": {1.0: "East", 2.0: "West"}},
    )
    assert "HH7" in read_columns(path)
    frame, _ = load_standardised(path, VariableMapping.from_json(MAPPING))
    check_standardised(frame)
    assert list(frame["region"]) == ["East", "East", "West", "West", "East", "West"]


def test_it_names_row_and_column_of_every_bad_value(tmp_path: Path) -> None:
    data = children().astype(object)
    data.loc[2, "CL3"] = "lots"  # CSV row 4 (header is row 1)
    data.loc[4, "fsweight"] = -1
    data.loc[5, "hazcond"] = 2
    data.loc[0, "CB3"] = ""
    path = tmp_path / "bad.csv"
    data.to_csv(path, index=False)
    with pytest.raises(ImportValidationError) as caught:
        load_standardised(path, VariableMapping.from_json(MAPPING))
    texts = {str(e) for e in caught.value.errors}
    assert "Row 4, column CL3: not a number" in texts
    assert "Row 6, column fsweight: negative" in texts
    assert "Row 7, column hazcond: must be 0 or 1" in texts
    assert "Row 2, column CB3: missing" in texts
    assert caught.value.total == 4


def test_it_numbers_observations_in_stata_files(tmp_path: Path) -> None:
    data = children().astype(float)
    data.loc[1, "HL4"] = 3.0
    path = tmp_path / "bad.dta"
    pyreadstat.write_dta(data, str(path))
    with pytest.raises(ImportValidationError) as caught:
        load_standardised(path, VariableMapping.from_json(MAPPING))
    assert [str(e) for e in caught.value.errors] == [
        "Observation 2, column HL4: sex code not mapped to M or F"
    ]


def test_it_reports_a_mapped_column_missing_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "children.csv"
    children().drop(columns=["fsweight"]).to_csv(path, index=False)
    with pytest.raises(ImportValidationError) as caught:
        load_standardised(path, VariableMapping.from_json(MAPPING))
    assert str(caught.value.errors[0]) == "Column fsweight: mapped to weight but not in the file"


def test_it_counts_blank_hours_as_zero_with_a_warning(tmp_path: Path) -> None:
    data = children().astype(object)
    data.loc[[0, 1], "chores"] = np.nan
    path = tmp_path / "children.csv"
    data.to_csv(path, index=False)
    frame, warnings = load_standardised(path, VariableMapping.from_json(MAPPING))
    assert list(frame["chore_hours"])[:2] == [0.0, 0.0]
    assert warnings == ["2 blank value(s) in chores (chore_hours) counted as 0 hours"]


def test_it_refuses_hours_beyond_a_week_and_fractional_ages(tmp_path: Path) -> None:
    data = children().astype(float)
    data.loc[0, "CL3"] = 200
    data.loc[1, "CB3"] = 9.5
    path = tmp_path / "children.csv"
    data.to_csv(path, index=False)
    with pytest.raises(ImportValidationError) as caught:
        load_standardised(path, VariableMapping.from_json(MAPPING))
    assert {str(e) for e in caught.value.errors} == {
        "Row 2, column CL3: more than 168 hours in a week",
        "Row 3, column CB3: age must be whole years",
    }


def test_it_applies_value_maps_to_flags(tmp_path: Path) -> None:
    data = children()
    data["hazcond"] = [2, 2, 2, 1, 2, 2]  # MICS: 1 = yes, 2 = no
    path = tmp_path / "children.csv"
    data.to_csv(path, index=False)
    mapping = {**MAPPING, "values": {**MAPPING["values"], "hazardous_conditions": {"1": 1, "2": 0}}}
    frame, _ = load_standardised(path, VariableMapping.from_json(mapping))
    assert list(frame["hazardous_conditions"]) == [False, False, False, True, False, False]


def test_it_refuses_a_malformed_mapping() -> None:
    with pytest.raises(MappingError, match="must name a column for: econ_hours"):
        VariableMapping.from_json({"age": "CB3", "sex": "HL4"})
    with pytest.raises(MappingError, match="Unknown variable"):
        VariableMapping.from_json({**MAPPING, "shoe_size": "X"})


def test_it_defaults_weight_strata_and_psu(tmp_path: Path) -> None:
    path = tmp_path / "children.csv"
    children().to_csv(path, index=False)
    frame, warnings = load_standardised(
        path, VariableMapping.from_json({"age": "CB3", "sex": "HL4", "econ_hours": "CL3"})
    )
    assert set(frame["weight"]) == {1.0}
    assert set(frame["strata"]) == {"1"}
    assert list(frame["psu"]) == ["1", "2", "3", "4", "5", "6"]
    assert "unweighted" in warnings[-1]


def test_it_guesses_mics_names() -> None:
    columns = ["HH1", "HH6", "HH7", "stratum", "CB3", "HL4", "CL3", "fsweight", "windex5"]
    assert guess_mapping(columns) == {
        "age": "CB3",
        "sex": "HL4",
        "econ_hours": "CL3",
        "weight": "fsweight",
        "strata": "stratum",
        "psu": "HH1",
        "domains": {"region": "HH7", "residence": "HH6", "wealth": "windex5"},
        "hour_missing_codes": [97, 98, 99],
    }


def test_it_explains_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("not a spreadsheet")
    with pytest.raises(ValueError, match="Cannot read this xlsx file"):
        read_columns(path)

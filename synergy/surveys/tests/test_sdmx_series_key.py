"""SDMX-CSV of the 8.7.1 table: every row carries the full SDG series key and attributes, and
every code is one of the SDG codelists shipped in the package."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from synergy.surveys import sdg_codes
from synergy.surveys.exports import (
    SdmxError,
    sdmx_area,
    sdmx_columns,
    sdmx_period,
    table_to_sdmx_csv,
)
from synergy.surveys.tests.test_export_formats import make_table

BREAKDOWNS = (
    "URBANISATION",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
)


def _frame(**options: object) -> pd.DataFrame:
    table = make_table(by=("sex", "age_group", "region"))
    text = table_to_sdmx_csv(table, **{"ref_area": "524", "time_period": 2019, **options})
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_every_row_carries_the_full_key_in_the_dsd_order() -> None:
    frame = _frame(unlisted_ages="omit")
    structure = sdg_codes.structure()
    assert tuple(frame.columns) == sdmx_columns()
    assert list(frame.columns[1:17]) == list(structure.dimensions)
    assert structure.dimensions[:6] == (
        "FREQ",
        "REPORTING_TYPE",
        "SERIES",
        "REF_AREA",
        "SEX",
        "AGE",
    )
    for column in (*structure.dimensions, "UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS", "NATURE"):
        assert (frame[column] != "").all(), column
    for concept, status in structure.attributes.items():
        if status == "Mandatory":
            assert concept in frame.columns, concept
    for column in BREAKDOWNS:
        assert set(frame[column]) == {"_T"}


def test_every_code_is_in_the_sdg_codelists() -> None:
    frame = _frame(unlisted_ages="omit")
    structure = sdg_codes.structure()
    for concept in structure.concept_codelist:
        if concept in frame.columns:
            unknown = set(frame[concept]) - set(structure.codes(concept))
            assert unknown == set(), (concept, unknown)


def test_the_share_and_the_number_series_sit_side_by_side() -> None:
    table = make_table(by=("sex", "age_group", "region"))
    frame = _frame(unlisted_ages="omit")
    # National rows only (regions have no SDG dimension): 3 sexes x 3 listed ages x 2 series.
    assert len(frame) == 18
    assert set(frame["AGE"]) == {"Y12T14", "Y15T17", "Y5T17"}
    share = frame[frame["SERIES"] == "SL_TLF_CHLDEA"]
    number = frame[frame["SERIES"] == "SL_TLF_CHLDEAN"]
    assert set(share["UNIT_MEASURE"]) == {"PT"} and set(number["UNIT_MEASURE"]) == {"NUMBER"}
    total = table.row()
    row = share[(share["SEX"] == "_T") & (share["AGE"] == "Y5T17")].iloc[0]
    assert float(row["OBS_VALUE"]) == pytest.approx(total.child_labour.estimate * 100, abs=1e-4)
    assert float(row["LOWER_BOUND"]) <= float(row["OBS_VALUE"]) <= float(row["UPPER_BOUND"])
    count = number[(number["SEX"] == "_T") & (number["AGE"] == "Y5T17")].iloc[0]
    assert float(count["OBS_VALUE"]) == round(total.child_labour_number.estimate)
    assert set(frame["REF_AREA"]) == {"524"} and set(frame["TIME_PERIOD"]) == {"2019"}
    assert set(frame["FREQ"]) == {"A"} and set(frame["REPORTING_TYPE"]) == {"N"}


def test_an_age_group_outside_the_codelist_is_refused_by_name() -> None:
    with pytest.raises(SdmxError, match=r"5-11 \(Y5T11\)"):
        _frame()


def test_a_table_by_sex_only_needs_no_choice() -> None:
    table = make_table(by=("sex",))
    text = table_to_sdmx_csv(table, ref_area="NP", time_period="2019")
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert set(frame["AGE"]) == {"Y5T17"} and set(frame["SEX"]) == {"M", "F", "_T"}


@pytest.mark.parametrize(
    ("given", "written"), [("524", "524"), ("NP", "524"), ("npl", "524"), ("004", "4")]
)
def test_ref_area_is_written_as_the_m49_code(given: str, written: str) -> None:
    assert sdmx_area(given) == written


@pytest.mark.parametrize("given", ["XX", "Nepal", "99999", ""])
def test_an_unknown_ref_area_is_refused(given: str) -> None:
    with pytest.raises(SdmxError, match="CL_AREA"):
        sdmx_area(given)


def test_time_period_is_the_survey_year() -> None:
    assert sdmx_period(2019, survey_year=2019) == "2019"
    for bad in ("2019-Q1", "19", "last year"):
        with pytest.raises(SdmxError, match="not a year"):
            sdmx_period(bad)
    with pytest.raises(SdmxError, match="survey's year"):
        sdmx_period("2018", survey_year=2019)
    with pytest.raises(SdmxError, match="outside"):
        sdmx_period("2999")


def test_a_series_outside_the_codelist_is_refused() -> None:
    with pytest.raises(SdmxError, match="CL_SERIES"):
        table_to_sdmx_csv(
            make_table(by=("sex",)), ref_area="NP", time_period=2019, series="SL_TLF_CHLD"
        )

"""CSV, Excel and SDMX-CSV exports of the 8.7.1 table, each read back."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from synergy.surveys.childlabour import ChildLabourTable, child_labour_table
from synergy.surveys.exports import (
    table_to_csv,
    table_to_sdmx_csv,
    table_to_xlsx,
)


def make_table(
    framework: str = "icls-sna", by: tuple[str, ...] = ("sex", "age_group")
) -> ChildLabourTable:
    rng = np.random.default_rng(2)
    n = 500
    frame = pd.DataFrame(
        {
            "age": rng.integers(5, 18, n).astype("int16"),
            "sex": rng.choice(["M", "F"], n),
            "econ_hours": rng.choice([0.0, 20.0, 50.0], n),
            "chore_hours": rng.choice([0.0, 30.0], n),
            "hazardous_industry": np.zeros(n, dtype=bool),
            "hazardous_conditions": np.zeros(n, dtype=bool),
            "night_work": np.zeros(n, dtype=bool),
            "other_wfcl": np.zeros(n, dtype=bool),
            "weight": rng.uniform(1, 3, n),
            "strata": rng.choice(["1", "2"], n),
            "psu": rng.integers(1, 10, n).astype(str),
            "region": rng.choice(["North", "South"], n),
        }
    )
    return child_labour_table(frame, framework=framework, by=by)


def test_it_writes_csv_in_percent() -> None:
    table = make_table()
    frame = pd.read_csv(io.StringIO(table_to_csv(table)), keep_default_na=False)
    assert len(frame) == len(table.rows) == 12
    total = table.row()
    back = frame[(frame["sex"] == "_T") & (frame["age_group"] == "5-17")].iloc[0]
    assert back["child_labour_pct"] == pytest.approx(total.child_labour.estimate * 100)
    assert back["child_labour_pct_ci_high"] == pytest.approx(total.child_labour.ci_high * 100)
    assert back["child_labour_number"] == pytest.approx(total.child_labour_number.estimate)
    assert back["hazardous_pct"] == pytest.approx(total.hazardous.estimate * 100)  # type: ignore[union-attr]


def test_it_writes_an_excel_workbook() -> None:
    table = make_table()
    content = table_to_xlsx(table, title="Test survey")
    sheets = pd.read_excel(io.BytesIO(content), sheet_name=None, keep_default_na=False)
    assert set(sheets) == {"8.7.1", "About"}
    data = sheets["8.7.1"]
    assert len(data) == 12
    girls = data[(data["sex"] == "F") & (data["age_group"] == "12-14")].iloc[0]
    assert girls["child_labour_pct"] == pytest.approx(
        table.row(sex="F", age_group="12-14").child_labour.estimate * 100
    )
    about = dict(zip(sheets["About"]["item"], sheets["About"]["value"], strict=True))
    assert about["framework"] == "icls-sna"
    assert about["SDG series of the prevalence"] == "SL_TLF_CHLDEA"


def test_it_maps_mics_to_the_series_with_household_chores() -> None:
    table = make_table(framework="mics")
    text = table_to_sdmx_csv(table, ref_area="NP", time_period="2019", unlisted_ages="omit")
    frame = pd.read_csv(io.StringIO(text))
    assert set(frame["SERIES"]) == {"SL_TLF_CHLDEC", "SL_TLF_CHLDECN"}
    csv_frame = pd.read_csv(io.StringIO(table_to_csv(table)))
    assert "hazardous_pct" not in csv_frame.columns

"""`synergy survey childlabour INPUT --mapping M --framework F --by ... --format ...`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

MAPPING = {
    "age": "CB3",
    "sex": "HL4",
    "econ_hours": "CL3",
    "weight": "fsweight",
    "strata": "stratum",
    "psu": "HH1",
    "domains": {"region": "HH7"},
    "values": {"sex": {"1": "M", "2": "F"}},
}


def write_inputs(tmp_path: Path, n: int = 300) -> tuple[Path, Path]:
    rng = np.random.default_rng(5)
    data = pd.DataFrame(
        {
            "CB3": rng.integers(5, 18, n),
            "HL4": rng.integers(1, 3, n),
            "CL3": rng.choice([0, 0, 0, 20, 50], n),
            "fsweight": rng.uniform(0.5, 2.0, n),
            "stratum": rng.integers(1, 3, n),
            "HH1": rng.integers(1, 6, n),
            "HH7": rng.choice(["East", "West"], n),
        }
    )
    source = tmp_path / "children.csv"
    data.to_csv(source, index=False)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING))
    return source, mapping


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("survey", "childlabour", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_csv_table(tmp_path: Path) -> None:
    source, mapping = write_inputs(tmp_path)
    text = run(str(source), "--mapping", str(mapping), "--framework", "icls-sna")
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert len(frame) == 12
    assert list(frame.columns[:5]) == ["framework", "sex", "age_group", "n", "population"]
    total = frame[(frame["sex"] == "_T") & (frame["age_group"] == "5-17")].iloc[0]
    assert total["n"] == 300


def test_it_writes_json_by_region(tmp_path: Path) -> None:
    source, mapping = write_inputs(tmp_path)
    output = tmp_path / "table.json"
    run(
        str(source),
        "--mapping", str(mapping),
        "--framework", "mics",
        "--by", "sex,age_group,region",
        "--format", "json",
        "--output", str(output),
    )  # fmt: skip
    data = json.loads(output.read_text())
    assert data["framework"] == "mics"
    assert data["by"] == ["sex", "age_group", "region"]
    assert len(data["rows"]) == 36
    assert data["rows"][0]["hazardous"] is None


def test_it_writes_sdmx_and_xlsx(tmp_path: Path) -> None:
    source, mapping = write_inputs(tmp_path)
    options = ["--mapping", str(mapping), "--ref-area", "NP", "--time-period", "2019"]
    # The default breakdown has the 5-11 group, which the SDG codelist has no code for.
    with pytest.raises(CommandError, match=r"5-11 \(Y5T11\).*--sdmx-unlisted-ages omit"):
        run(str(source), *options, "--format", "sdmx-csv")
    sdmx = run(str(source), *options, "--format", "sdmx-csv", "--sdmx-unlisted-ages", "omit")
    frame = pd.read_csv(io.StringIO(sdmx), dtype=str)
    assert set(frame["SERIES"]) == {"SL_TLF_CHLDEA", "SL_TLF_CHLDEAN"}
    assert set(frame["REF_AREA"]) == {"524"}
    # "sdmx" is the same format under its older name.
    assert run(str(source), *options, "--format", "sdmx", "--by", "sex").startswith("DATAFLOW,FREQ")
    xlsx = tmp_path / "table.xlsx"
    run(str(source), "--mapping", str(mapping), "--format", "xlsx", "--output", str(xlsx))
    assert len(pd.read_excel(xlsx, sheet_name="8.7.1")) == 12


def test_it_names_bad_rows_and_computes_nothing(tmp_path: Path) -> None:
    source, mapping = write_inputs(tmp_path)
    data = pd.read_csv(source)
    data.loc[9, "fsweight"] = -2
    data.to_csv(source, index=False)
    output = tmp_path / "out.csv"
    with pytest.raises(CommandError, match="Row 11, column fsweight: negative"):
        run(str(source), "--mapping", str(mapping), "--output", str(output))
    assert not output.exists()


def test_it_reports_a_single_psu_stratum(tmp_path: Path) -> None:
    source, mapping = write_inputs(tmp_path)
    data = pd.read_csv(source)
    data.loc[data["stratum"] == 2, "HH1"] = 1
    data.to_csv(source, index=False)
    with pytest.raises(CommandError, match="only one PSU"):
        run(str(source), "--mapping", str(mapping))
    assert "5-17" in run(str(source), "--mapping", str(mapping), "--lonely-psu", "adjust")

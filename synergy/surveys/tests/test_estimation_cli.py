"""`synergy survey estimate`: the command-line face of synergy.surveys.estimation."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

GOLD = Path(__file__).parent / "gold"
DATA = GOLD / "survey_data.csv"


def gold_case(config: str, variable: str, statistic: str, by: str, subset: str) -> pd.DataFrame:
    gold = pd.read_csv(GOLD / "gold_estimates.csv", keep_default_na=False, na_values=["NA"])
    sel = (
        (gold["config"] == config)
        & (gold["variable"] == variable)
        & (gold["statistic"] == statistic)
        & (gold["by"] == by)
        & (gold["subset"] == subset)
        & (gold["level"].round(6) == 0.95)
    )
    return gold[sel].set_index("domain")


def survey(*args: str) -> str:
    out = io.StringIO()
    call_command("survey", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def data_with_scope(tmp_path: Path) -> Path:
    frame = pd.read_csv(DATA)
    frame["in_scope"] = (frame["age"] >= 5).astype(int)
    path = tmp_path / "children.csv"
    frame.to_csv(path, index=False)
    return path


def test_json_matches_r_gold(data_with_scope):
    out = survey(
        "estimate",
        str(data_with_scope),
        "--weight",
        "w",
        "--strata",
        "stratum",
        "--psu",
        "psu",
        "--variable",
        "y",
        "--by",
        "sex,agegroup",
        "--subset",
        "in_scope",
        "--lonely-psu",
        "adjust",
        "--ci",
        "beta",
    )
    rows = json.loads(out)
    gold = gold_case("lonely_adjust", "y", "mean", "sex+agegroup", "age>=5")
    assert len(rows) == len(gold) == 6
    assert [tuple(r["domain"].values()) for r in rows] == sorted(
        tuple(r["domain"].values()) for r in rows
    )
    for row in rows:
        assert set(row) == {"domain", "estimate", "se", "ci_low", "ci_high", "df", "deff", "n"}
        g = gold.loc[f"sex={row['domain']['sex']}|agegroup={row['domain']['agegroup']}"]
        assert row["n"] == g["n"] and row["df"] == g["df"]
        for ours, theirs in (
            ("estimate", "estimate"),
            ("se", "se"),
            ("deff", "deff"),
            ("ci_low", "beta_low"),
            ("ci_high", "beta_high"),
        ):
            assert abs(row[ours] - g[theirs]) < 1e-9, (row, ours)


def test_csv_total_overall():
    out = survey(
        "estimate",
        str(DATA),
        "--weight",
        "w",
        "--strata",
        "stratum2",
        "--psu",
        "psu",
        "--variable",
        "y",
        "--statistic",
        "total",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1
    assert list(rows[0]) == ["estimate", "se", "ci_low", "ci_high", "df", "deff", "n"]
    g = gold_case("strat2_fail", "y", "total", "", "").iloc[0]
    assert abs(float(rows[0]["estimate"]) - g["estimate"]) < 1e-9
    assert abs(float(rows[0]["se"]) - g["se"]) < 1e-9
    assert abs(float(rows[0]["ci_low"]) - g["wald_low"]) < 1e-9
    assert int(rows[0]["df"]) == g["df"] == 14


def test_csv_has_domain_columns():
    out = survey(
        "estimate",
        str(DATA),
        "--weight",
        "w",
        "--strata",
        "stratum2",
        "--psu",
        "psu",
        "--variable",
        "y",
        "--by",
        "region",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["region"] for r in rows] == ["East", "North", "South"]


def test_lonely_stratum_is_named():
    with pytest.raises(CommandError, match=r"Stratum \(S5\) has only one PSU"):
        survey(
            "estimate",
            str(DATA),
            "--weight",
            "w",
            "--strata",
            "stratum",
            "--psu",
            "psu",
            "--variable",
            "y",
        )


def test_missing_column_is_named():
    with pytest.raises(CommandError, match="--psu 'cluster'.*--by 'province'"):
        survey(
            "estimate",
            str(DATA),
            "--weight",
            "w",
            "--psu",
            "cluster",
            "--variable",
            "y",
            "--by",
            "sex,province",
        )


def test_missing_values_in_population_name_the_variable():
    # hours is blank for children under 5
    with pytest.raises(CommandError, match="hours has 69 missing values"):
        survey(
            "estimate",
            str(DATA),
            "--weight",
            "w",
            "--strata",
            "stratum2",
            "--psu",
            "psu",
            "--variable",
            "hours",
        )


def test_bad_values(data_with_scope, tmp_path):
    with pytest.raises(CommandError, match="level"):
        survey("estimate", str(DATA), "--weight", "w", "--variable", "y", "--level", "95")
    with pytest.raises(CommandError, match="statistic"):
        survey("estimate", str(DATA), "--weight", "w", "--variable", "y", "--statistic", "median")
    with pytest.raises(CommandError, match="between 0 and 1"):
        survey("estimate", str(DATA), "--weight", "w", "--variable", "age", "--ci", "logit")
    with pytest.raises(CommandError, match="--variable column 'sex' is not numeric"):
        survey("estimate", str(DATA), "--weight", "w", "--variable", "sex")
    with pytest.raises(CommandError, match="not found"):
        survey("estimate", str(tmp_path / "nope.csv"), "--weight", "w", "--variable", "y")
    with pytest.raises(CommandError, match="subset column 'region'"):
        survey(
            "estimate",
            str(data_with_scope),
            "--weight",
            "w",
            "--variable",
            "y",
            "--subset",
            "region",
        )


def test_subcommand_is_required():
    with pytest.raises(CommandError):
        survey()

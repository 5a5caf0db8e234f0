"""`synergy survey estimate|quantile|glm` with finite population corrections, replicate
weights, ratios, quantiles and logistic regression: the same figures as R's gold."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from synergy.surveys.tests.test_estimation_gold_more import (
    DATA,
    GOLD,
    GOLD_MORE,
    JKN_RSCALES,
    REPLICATES,
    close,
)


def survey(*args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("survey", *args, stdout=out)
    result: list[dict[str, Any]] = json.loads(out.getvalue())
    return result


def gold(case: str, domain: str, stat: str) -> pd.Series:
    rows = GOLD_MORE[
        (GOLD_MORE["case"] == case) & (GOLD_MORE["domain"] == domain) & (GOLD_MORE["stat"] == stat)
    ]
    assert len(rows) == 1, (case, domain, stat)
    return rows.iloc[0]


@pytest.fixture
def table(tmp_path: Path) -> Path:
    frame = pd.concat([DATA, REPLICATES], axis=1)
    frame["adult"] = (frame["age"] >= 5).astype(int)
    path = tmp_path / "children.csv"
    frame.to_csv(path, index=False)
    return path


DESIGN = ["--weight", "w", "--strata", "stratum2", "--psu", "psu"]


def test_fpc_by_region(table: Path) -> None:
    found = survey(
        "estimate", str(table), *DESIGN, "--fpc", "N1", "--variable", "y", "--by", "region"
    )
    for row in found:
        expected = gold("fpc1", f"region={row['domain']['region']}", "mean")
        assert close(float(row["estimate"]), expected.estimate)
        assert close(float(row["se"]), expected.se)


def test_two_stage_ratio(table: Path) -> None:
    row = survey(
        "estimate",
        str(table),
        *DESIGN,
        "--fpc",
        "N1",
        "--ssu",
        "ssu",
        "--fpc2",
        "N2",
        "--lonely-psu",
        "adjust",
        "--statistic",
        "ratio",
        "--variable",
        "hours",
        "--denominator",
        "age",
        "--subset",
        "adult",
    )[0]
    expected = gold("twostage_adjust", "", "ratio")
    assert close(float(row["estimate"]), expected.estimate)
    assert close(float(row["se"]), expected.se)


def test_replicate_weights(table: Path) -> None:
    rscales = ",".join(repr(float(v)) for v in JKN_RSCALES)
    row = survey(
        "estimate",
        str(table),
        "--weight",
        "w",
        "--repweights",
        "^jkn_",
        "--type",
        "JKn",
        "--rscales",
        rscales,
        "--variable",
        "y",
    )[0]
    expected = gold("rep_jkn", "", "mean")
    assert close(float(row["se"]), expected.se)
    assert row["df"] == int(expected.df)
    fay = survey(
        "estimate",
        str(table),
        "--weight",
        "w",
        "--repweights",
        "^fay_",
        "--type",
        "Fay",
        "--rho",
        "0.5",
        "--mse",
        "--variable",
        "y",
        "--statistic",
        "total",
    )[0]
    assert close(float(fay["se"]), gold("rep_fay_mse", "", "total").se)


def test_quantiles_by_sex(table: Path) -> None:
    found = survey(
        "quantile",
        str(table),
        *DESIGN,
        "--variable",
        "hours",
        "--quantiles",
        "0.5",
        "--by",
        "sex",
        "--subset",
        "adult",
    )
    for row in found:
        expected = gold("strat2", f"sex={row['domain']['sex']}", "q0.5")
        assert close(float(row["estimate"]), expected.estimate)
        assert close(float(row["ci_low"]), expected.ci_low, 1e-6)
        assert close(float(row["ci_high"]), expected.ci_high, 1e-6)


def test_glm_codes_text_covariates_as_r_does(table: Path) -> None:
    found = survey(
        "glm",
        str(table),
        *DESIGN,
        "--fpc",
        "N1",
        "--outcome",
        "y",
        "--covariates",
        "age,sex,region",
        "--subset",
        "adult",
    )
    assert [r["term"] for r in found] == [
        "(Intercept)",
        "age",
        "sexM",
        "regionNorth",
        "regionSouth",
    ]
    for row in found:
        expected = gold("fpc1", "", f"glm:{row['term']}")
        assert close(float(row["estimate"]), expected.estimate)
        assert close(float(row["se"]), expected.se)
        assert close(
            float(row["or_low"]),
            math.exp(float(expected.ci_low)),
        )


def test_bad_options_are_named(table: Path) -> None:
    for args, message in (
        (
            ["estimate", str(table), *DESIGN, "--repweights", "^jkn_", "--variable", "y"],
            "leave out --strata, --psu",
        ),
        (
            [
                "estimate",
                str(table),
                "--weight",
                "w",
                "--repweights",
                "^nothing",
                "--variable",
                "y",
            ],
            "names 0 column",
        ),
        (
            ["estimate", str(table), *DESIGN, "--variable", "hours", "--statistic", "ratio"],
            "--denominator",
        ),
        (["estimate", str(table), *DESIGN, "--fpc", "nope", "--variable", "y"], "--fpc 'nope'"),
        (
            [
                "glm",
                str(table),
                *DESIGN,
                "--outcome",
                "hours",
                "--covariates",
                "age",
                "--subset",
                "adult",
            ],
            "0 or 1",
        ),
        (
            ["quantile", str(table), *DESIGN, "--variable", "y", "--quantiles", "half"],
            "--quantiles",
        ),
    ):
        with pytest.raises(CommandError, match=message):
            survey(*args)


def test_the_gold_folder_is_the_one_the_cli_reads() -> None:
    assert (GOLD / "survey_replicates.csv").is_file()

"""synergy.surveys.estimation against gold values computed by R's survey package.

The gold (gold/gold_estimates.csv) comes from gold/make_gold.R on gold/survey_data.csv; the test
suite never needs R, except test_gold_is_reproducible, which re-runs the R script.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from synergy.surveys.estimation import Design, LonelyPsuError, estimate

GOLD = Path(__file__).parent / "gold"
TOL = 1e-9


def load_data() -> pd.DataFrame:
    return pd.read_csv(GOLD / "survey_data.csv", keep_default_na=True)


def load_gold() -> pd.DataFrame:
    return pd.read_csv(
        GOLD / "gold_estimates.csv", keep_default_na=False, na_values=["NA"], dtype={"error": str}
    )


DATA = load_data()
GOLD_ROWS = load_gold()
CASE_COLUMNS = ["config", "variable", "statistic", "by", "subset", "level"]
GROUPS = dict(iter(GOLD_ROWS.groupby(CASE_COLUMNS, sort=False)))
CASES = list(GROUPS)


def domain_key(domain: dict[str, object]) -> str:
    return "|".join(f"{k}={v}" for k, v in domain.items())


def run(case_rows: pd.DataFrame, ci: str) -> dict[str, Any]:
    first = case_rows.iloc[0]
    design = Design(
        weights=DATA["w"].to_numpy(),
        strata=DATA[first["strata"]].to_numpy() if first["strata"] else None,
        psu=DATA[first["psu"]].to_numpy() if first["psu"] else None,
        lonely_psu=first["lonely"],
        adjust_domain_lonely=bool(first["adjust_domain_lonely"]),
    )
    by = {v: DATA[v].to_numpy() for v in first["by"].split("+")} if first["by"] else None
    subset = (DATA["age"] >= 5).to_numpy() if first["subset"] else None
    try:
        results = estimate(
            y=DATA[first["variable"]].to_numpy(),
            design=design,
            statistic=first["statistic"],
            by=by,
            ci=ci,
            level=float(first["level"]),
            subset=subset,
            name=first["variable"],
        )
    except LonelyPsuError as exc:
        return {"error": exc}
    return {domain_key(r.domain): r for r in results}


def close(ours: float, gold: float, scale: float = 0.0) -> bool:
    """1e-9 absolute; for totals in the hundreds of thousands, 1e-13 relative to the magnitude
    of the figures involved (``scale``: a CI bound is estimate +- t * SE)."""
    if math.isnan(gold):
        return math.isnan(ours)
    return abs(ours - gold) <= max(TOL, 1e-13 * max(abs(gold), scale))


@pytest.mark.parametrize("case", CASES, ids=["/".join(map(str, c)) for c in CASES])
def test_matches_r(case):
    rows = GROUPS[case].reset_index(drop=True)
    binary = case[1] == "y" and case[2] == "mean"
    for ci in ("wald", "logit", "beta") if binary else ("wald",):
        got = run(rows, ci)
        if rows["error"].astype(bool).any():
            # R fails on some domain (lonely PSU): so does the whole estimate() call
            assert "error" in got, case
            assert "Stratum (S5)" in str(got["error"])
            continue
        assert set(got) == set(rows["domain"]), case
        for _, g in rows.iterrows():
            r = got[g["domain"]]
            where = f"{case} {g['domain']} ci={ci}"
            assert r.n == g["n"], where
            assert close(r.estimate, g["estimate"]), (where, r.estimate, g["estimate"])
            assert close(r.se, g["se"]), (where, r.se, g["se"])
            assert r.df == g["df"], (where, r.df, g["df"])
            assert close(r.deff, g["deff"]), (where, r.deff, g["deff"])
            # logit is svyciprop(method="xlogit"): the same interval as method="logit", which
            # fits a glm, except that "logit" loses the level in 1 - 2 * pnorm(qt(...)) when
            # df is small (at df = 1 it returns [0, NA]); see test_logit_equals_xlogit.
            gold_ci = "xlogit" if ci == "logit" else ci
            low, high = g[f"{gold_ci}_low"], g[f"{gold_ci}_high"]
            if ci != "wald" and (math.isnan(low) or not 0 < g["estimate"] < 1):
                continue  # R gives NA or a non-converged glm at p in {0, 1}: see below
            scale = abs(g["estimate"]) + 20 * g["se"]
            assert close(r.ci_low, low, scale), (where, r.ci_low, low)
            assert close(r.ci_high, high, scale), (where, r.ci_high, high)


def test_logit_equals_xlogit():
    """R's two logit intervals agree wherever the glm-based one is computable (df > 1)."""
    rows = GOLD_ROWS[GOLD_ROWS["logit_low"].notna() & (GOLD_ROWS["df"] > 1)]
    assert len(rows) > 300
    for side in ("low", "high"):
        diff = (rows[f"logit_{side}"] - rows[f"xlogit_{side}"]).abs().max()
        assert diff < 1e-9


def test_results_sorted_by_domain_values():
    design = Design(
        weights=DATA["w"].to_numpy(), strata=DATA["stratum2"].to_numpy(), psu=DATA["psu"].to_numpy()
    )
    res = estimate(
        y=DATA["y"].to_numpy(),
        design=design,
        by={"sex": DATA["sex"].to_numpy(), "agegroup": DATA["agegroup"].to_numpy()},
    )
    keys = [(r.domain["sex"], r.domain["agegroup"]) for r in res]
    assert keys == sorted(keys)
    assert len(keys) == 8


def test_degenerate_proportion_intervals():
    """p = 0 (children under 5 are never in child labour): no variance.

    R's svyciprop gives NA (beta) or a non-converged glm (logit) there; we return [0, 0] for
    logit and a Korn-Graubard interval with the row count as effective sample size for beta.
    """
    design = Design(
        weights=DATA["w"].to_numpy(), strata=DATA["stratum2"].to_numpy(), psu=DATA["psu"].to_numpy()
    )
    by = {"agegroup": DATA["agegroup"].to_numpy()}
    young = estimate(y=DATA["y"].to_numpy(), design=design, by=by, ci="logit")[0]
    assert young.domain == {"agegroup": "00-04"}
    assert (young.estimate, young.se, young.ci_low, young.ci_high) == (0.0, 0.0, 0.0, 0.0)
    beta = estimate(y=DATA["y"].to_numpy(), design=design, by=by, ci="beta")[0]
    assert beta.ci_low == 0.0 and 0.0 < beta.ci_high < 0.2


def _r_available() -> bool:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return False
    probe = subprocess.run([rscript, "-e", "library(survey)"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(
    not _r_available() and os.environ.get("SYNERGY_REQUIRE_R") != "1",
    reason="Rscript with the survey package is not installed",
)
def test_gold_is_reproducible(tmp_path):
    """Re-run make_gold.R: the committed gold must be what R's survey computes today."""
    assert _r_available(), "SYNERGY_REQUIRE_R=1 but Rscript with library(survey) is missing"
    subprocess.run(
        ["Rscript", str(GOLD / "make_gold.R"), str(tmp_path)], check=True, capture_output=True
    )
    fresh = pd.read_csv(
        tmp_path / "gold_estimates.csv",
        keep_default_na=False,
        na_values=["NA"],
        dtype={"error": str},
    )
    committed = load_gold()
    assert list(fresh.columns) == list(committed.columns)
    assert len(fresh) == len(committed)
    numeric = fresh.select_dtypes("number").columns
    text = [c for c in fresh.columns if c not in numeric]
    pd.testing.assert_frame_equal(fresh[text], committed[text])
    np.testing.assert_allclose(
        fresh[numeric].to_numpy(float),
        committed[numeric].to_numpy(float),
        rtol=1e-12,
        atol=1e-12,
        equal_nan=True,
    )

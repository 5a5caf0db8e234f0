"""Finite population corrections, ratios, replicate weights, quantiles and logistic regression
against R's ``survey``: gold/gold_more.csv (from gold/make_gold_more.R on the same generated
survey as the other gold tests), and R's own ``api`` data, exported and estimated by R into a
temporary folder in the test (the data are the survey package's, not shipped here).

Estimates and standard errors agree to 1e-9 (relative); quantile intervals to 1e-6.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synergy.surveys.estimation import Design, estimate
from synergy.surveys.glm import logistic
from synergy.surveys.quantiles import quantiles
from synergy.surveys.replicates import ReplicateDesign, estimate_replicate

GOLD = Path(__file__).parent / "gold"
TOL = 1e-9
QUANTILE_TOL = 1e-6


def _r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "library(survey)"], capture_output=True, text=True, check=False
    )
    return probe.returncode == 0


needs_r = pytest.mark.skipif(
    not _r_available() and os.environ.get("SYNERGY_REQUIRE_R") != "1",
    reason="Rscript with the survey package is not installed",
)


def survey_data() -> pd.DataFrame:
    """The gold survey with the columns make_gold_more.R derives, derived the same way."""
    d = pd.read_csv(GOLD / "survey_data.csv")
    psus_per_stratum = d.groupby("stratum2")["psu"].transform("nunique")
    d["N1"] = 4 * psus_per_stratum + 1
    d["N1frac"] = psus_per_stratum / d["N1"]
    design_psu = d["stratum2"] + " " + d["psu"].astype(str)
    d["ssu"] = (d.groupby(design_psu).cumcount() + 1) // 4 + 1
    d["N2"] = 3 * d.groupby(design_psu)["ssu"].transform("nunique")
    return d


DATA = survey_data()
GOLD_MORE = pd.read_csv(GOLD / "gold_more.csv", keep_default_na=False, na_values=["NA"])
REPLICATES = pd.read_csv(GOLD / "survey_replicates.csv")
JKN_RSCALES = np.loadtxt(GOLD / "survey_replicates_jkn_rscales.txt")


def close(actual: float, expected: float, tol: float = TOL) -> bool:
    if np.isnan(expected):
        return bool(np.isnan(actual))
    return abs(actual - expected) <= tol * max(1.0, abs(expected))


def design(name: str) -> Design:
    d = DATA
    common = {
        "weights": d["w"].to_numpy(),
        "strata": d["stratum2"].to_numpy(),
        "psu": d["psu"].to_numpy(),
    }
    if name == "strat2":
        return Design(**common)
    if name == "fpc1":
        return Design(**common, fpc=d["N1"].to_numpy())
    if name == "fpc1frac":
        return Design(**common, fpc=d["N1frac"].to_numpy())
    lonely = name.removeprefix("twostage_")
    return Design(
        **common,
        lonely_psu=lonely,
        fpc=d["N1"].to_numpy(),
        ssu=d["ssu"].to_numpy(),
        fpc2=d["N2"].to_numpy(),
    )


def replicate_design(name: str) -> ReplicateDesign:
    kind = name.removeprefix("rep_")
    prefix = {"fay_mse": "fay"}.get(kind, kind)
    reps = REPLICATES[[c for c in REPLICATES.columns if c.startswith(prefix + "_")]].to_numpy()
    w = DATA["w"].to_numpy()
    if kind == "jkn":
        return ReplicateDesign(w, reps, type="JKn", rscales=JKN_RSCALES)
    if kind == "boot":
        return ReplicateDesign(w, reps, type="bootstrap")
    if kind == "brr":
        return ReplicateDesign(w, reps, type="BRR")
    return ReplicateDesign(w, reps, type="Fay", rho=0.5, mse=kind == "fay_mse")


def domain_of(text: str) -> tuple[dict[str, np.ndarray] | None, dict[str, object]]:
    if not text:
        return None, {}
    column, value = text.split("=")
    return {column: DATA[column].to_numpy()}, {column: value}


def computed(case: str, domain: str, stat: str) -> tuple[float, float, float, float, float]:
    """(estimate, se, ci_low, ci_high, df) as Synergy computes the gold row."""
    by, wanted = domain_of(domain)
    adults = (DATA["age"] >= 5).to_numpy()
    hours, age, y = (DATA[c].to_numpy(dtype=float) for c in ("hours", "age", "y"))
    replicate = case.startswith("rep_")
    if stat.startswith("glm:"):
        subset = adults & ((DATA["region"] == "North").to_numpy() if domain else True)
        columns = {
            "(Intercept)": np.ones(len(DATA)),
            "age": age,
            "sexM": (DATA["sex"] == "M").to_numpy(float),
        }
        if not domain:
            columns |= {
                "regionNorth": (DATA["region"] == "North").to_numpy(float),
                "regionSouth": (DATA["region"] == "South").to_numpy(float),
            }
        fit = logistic(
            y=y,
            covariates=np.column_stack(list(columns.values())),
            terms=list(columns),
            design=design(case),
            subset=subset,
        )
        c = next(c for c in fit.coefficients if c.term == stat.removeprefix("glm:"))
        return c.estimate, c.se, c.ci_low, c.ci_high, fit.df
    if stat.startswith("q"):
        found = quantiles(
            x=hours, design=design(case), probabilities=[float(stat[1:])], by=by, subset=adults
        )
        q = next(q for q in found if q.domain == wanted)
        return q.estimate, q.se, q.ci_low, q.ci_high, q.df
    kwargs: dict[str, object] = {"statistic": stat, "by": by}
    if stat == "ratio":
        kwargs |= {"denominator": age, "subset": adults}
    variable = hours if stat == "ratio" else y
    results = (
        estimate_replicate(y=variable, design=replicate_design(case), **kwargs)  # type: ignore[arg-type]
        if replicate
        else estimate(y=variable, design=design(case), **kwargs)  # type: ignore[arg-type]
    )
    r = next(r for r in results if r.domain == wanted)
    return r.estimate, r.se, r.ci_low, r.ci_high, r.df


def compare(gold: pd.DataFrame, compute: object) -> list[str]:
    problems = []
    for row in gold.itertuples():
        got = compute(row.case, row.domain, row.stat)  # type: ignore[operator]
        tol = QUANTILE_TOL if str(row.stat).startswith("q") else TOL
        expected = (row.estimate, row.se, row.ci_low, row.ci_high, row.df)
        for label, a, b in zip(
            ("estimate", "se", "ci_low", "ci_high", "df"), got, expected, strict=True
        ):
            if not close(float(a), float(b), TOL if label == "estimate" else tol):
                problems.append(f"{row.case} {row.domain} {row.stat} {label}: {a!r} != {b!r}")
    return problems


def test_every_new_estimator_equals_r_on_the_generated_survey() -> None:
    assert len(GOLD_MORE) > 100
    assert set(GOLD_MORE["case"]) >= {"fpc1", "twostage_adjust", "rep_jkn", "rep_fay_mse"}
    assert compare(GOLD_MORE, computed) == []


def test_a_fraction_and_a_population_size_give_the_same_correction() -> None:
    a = estimate(y=DATA["y"].to_numpy(float), design=design("fpc1"))[0]
    b = estimate(y=DATA["y"].to_numpy(float), design=design("fpc1frac"))[0]
    assert a.se == pytest.approx(b.se, rel=1e-12)
    plain = estimate(y=DATA["y"].to_numpy(float), design=design("strat2"))[0]
    assert a.se < plain.se  # the correction shrinks the variance


def test_bad_design_inputs_are_named() -> None:
    d = DATA
    base = {
        "weights": d["w"].to_numpy(),
        "strata": d["stratum2"].to_numpy(),
        "psu": d["psu"].to_numpy(),
    }
    with pytest.raises(ValueError, match="fpc is smaller"):
        estimate(y=d["y"].to_numpy(float), design=Design(**base, fpc=np.full(len(d), 2.0)))
    with pytest.raises(ValueError, match="same on every row"):
        estimate(
            y=d["y"].to_numpy(float),
            design=Design(**base, fpc=np.arange(len(d), dtype=float) + 100),
        )
    with pytest.raises(ValueError, match="needs its fpc2"):
        estimate(
            y=d["y"].to_numpy(float),
            design=Design(**base, fpc=d["N1"].to_numpy(), ssu=d["ssu"].to_numpy()),
        )
    # One PSU whose rows all belong to one second-stage unit: lonely at the second stage.
    ssu = d["ssu"].to_numpy().copy()
    first_psu = ((d["stratum2"] == "S1") & (d["psu"] == 1)).to_numpy()
    ssu[first_psu] = 1
    n2 = d["N2"].to_numpy().copy()
    n2[first_psu] = 3
    with pytest.raises(ValueError, match="one second-stage unit"):
        estimate(
            y=d["y"].to_numpy(float),
            design=Design(**base, fpc=d["N1"].to_numpy(), ssu=ssu, fpc2=n2),
        )
    with pytest.raises(ValueError, match="rscales"):
        estimate_replicate(
            y=d["y"].to_numpy(float),
            design=ReplicateDesign(
                d["w"].to_numpy(), REPLICATES.filter(like="jkn_").to_numpy(), type="JKn"
            ),
        )


@needs_r
def test_gold_more_is_reproducible(tmp_path: Path) -> None:
    """Re-run make_gold_more.R: the committed gold and replicate weights are R's today."""
    subprocess.run(
        ["Rscript", str(GOLD / "make_gold_more.R"), str(tmp_path)], check=True, capture_output=True
    )
    fresh = pd.read_csv(tmp_path / "gold_more.csv", keep_default_na=False, na_values=["NA"])
    pd.testing.assert_frame_equal(fresh, GOLD_MORE, check_exact=False, rtol=1e-12)
    reps = pd.read_csv(tmp_path / "survey_replicates.csv")
    pd.testing.assert_frame_equal(reps, REPLICATES, check_exact=False, rtol=1e-12)


@needs_r
def test_every_new_estimator_equals_r_on_the_api_data(tmp_path: Path) -> None:
    """R's own api data: a stratified design with fpc, a two-stage cluster design with fpc at
    both stages, and JK1 replicate weights made by R from a cluster design."""
    subprocess.run(
        ["Rscript", str(GOLD / "make_gold_more.R"), "--api", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    gold = pd.read_csv(tmp_path / "gold_api.csv", keep_default_na=False, na_values=["NA"])
    strat = pd.read_csv(tmp_path / "apistrat.csv")
    clus2 = pd.read_csv(tmp_path / "apiclus2.csv")
    clus1 = pd.read_csv(tmp_path / "apiclus1.csv")
    rscales = np.atleast_1d(np.loadtxt(tmp_path / "apiclus1_rscales.txt"))
    scale = float(np.loadtxt(tmp_path / "apiclus1_scale.txt"))

    def compute(case: str, domain: str, stat: str) -> tuple[float, ...]:
        data = {"api_strat": strat, "api_clus2": clus2, "api_jk1": clus1}[case]
        by = {"stype": data["stype"].to_numpy()} if domain else None
        wanted = {"stype": domain.split("=")[1]} if domain else {}
        if case == "api_strat":
            des = Design(
                weights=data["pw"].to_numpy(),
                strata=data["stype"].to_numpy(),
                fpc=data["fpc"].to_numpy(),
            )
        elif case == "api_clus2":
            des = Design(
                weights=data["pw"].to_numpy(),
                psu=data["dnum"].to_numpy(),
                ssu=data["snum"].to_numpy(),
                fpc=data["fpc1"].to_numpy(),
                fpc2=data["fpc2"].to_numpy(),
            )
        if stat.startswith("glm:"):
            terms = ["(Intercept)", "ell", "meals", "mobility"]
            x = np.column_stack([np.ones(len(data)), *(data[t].to_numpy(float) for t in terms[1:])])
            fit = logistic(
                y=(data["sch.wide"] == "Yes").to_numpy(float), covariates=x, terms=terms, design=des
            )
            c = next(c for c in fit.coefficients if c.term == stat.removeprefix("glm:"))
            return c.estimate, c.se, c.ci_low, c.ci_high, fit.df
        if stat.startswith("q"):
            q = quantiles(
                x=data["api00"].to_numpy(float), design=des, probabilities=[float(stat[1:])]
            )[0]
            return q.estimate, q.se, q.ci_low, q.ci_high, q.df
        variable = data["enroll" if stat == "total" and case == "api_strat" else "api00"]
        kwargs: dict[str, object] = {"statistic": stat, "by": by}
        if stat == "ratio":
            kwargs["denominator"] = data["api99"].to_numpy(float)
        if case == "api_jk1":
            reps = data[[c for c in data.columns if c.startswith("rep_")]].to_numpy()
            rep = ReplicateDesign(
                data["pw"].to_numpy(), reps, type="JK1", scale=scale, rscales=rscales
            )
            results = estimate_replicate(y=variable.to_numpy(float), design=rep, **kwargs)  # type: ignore[arg-type]
        else:
            results = estimate(y=variable.to_numpy(float), design=des, **kwargs)  # type: ignore[arg-type]
        r = next(r for r in results if r.domain == wanted)
        return r.estimate, r.se, r.ci_low, r.ci_high, r.df

    assert len(gold) >= 20
    assert compare(gold, compute) == []

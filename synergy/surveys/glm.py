"""Survey-weighted logistic regression, as ``svyglm(formula, design, family=quasibinomial())``
of R's ``survey`` computes it.

* Coefficients: weighted maximum likelihood (iteratively reweighted least squares, run to full
  convergence) with the sampling weights.
* Variance (``survey:::svy.varcoef``): the influence of each row,
  ``x_i w_i (y_i - mu_i)`` times ``(X' W X)^-1`` (``W = w mu (1 - mu)``), summed by PSU and
  passed through the first-stage variance of ``svyrecvar`` (strata, finite population
  correction, lonely-PSU rules, PSU counts of the whole design for a domain).
* ``df = degf(design) + 1 - p`` (``df.residual`` of ``svyglm``); intervals are
  ``b +/- t(df) se`` (``confint.svyglm``, Wald), odds ratios and their intervals ``exp`` of those.
* A domain (``subset``) is ``svyglm(..., subset=)``: its rows alone are fitted, the design's
  other PSUs still count in each stratum.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from synergy.surveys import fpc as fpc_rules
from synergy.surveys.estimation import LONELY_PSU_OPTIONS, Design, LonelyPsuError, _design_codes

MAX_ITERATIONS = 100


@dataclass(frozen=True)
class Term:
    """A column of a model after the intercept: a numeric covariate (no level), or the
    indicator of one level of a text covariate against its reference level."""

    variable: str
    level: str = ""
    reference: str = ""

    @property
    def name(self) -> str:
        """R's name of the coefficient: ``age``, ``regionNorth``."""
        return f"{self.variable}{self.level}"


def treatment_coding(
    columns: Mapping[str, np.ndarray],
    level_order: Callable[[str, str], Any] | None = None,
) -> tuple[np.ndarray, list[Term]]:
    """An intercept, numeric covariates as they are, and each text covariate as indicators of
    its levels but the first, which is the reference (R's treatment contrasts). Levels are in
    sorted order, or by ``level_order(variable, level)``; a missing text value gives NaN."""
    n = len(next(iter(columns.values()))) if columns else 0
    matrix = [np.ones(n)]
    terms: list[Term] = []
    for name, values in columns.items():
        values = np.asarray(values)
        if np.issubdtype(values.dtype, np.number) and values.dtype != bool:
            matrix.append(values.astype(np.float64))
            terms.append(Term(name))
            continue
        missing = pd.isna(values)
        text = np.array([str(v) for v in values], dtype=object)
        present = set(text[~missing])
        levels = (
            sorted(present, key=functools.partial(level_order, name))
            if level_order
            else sorted(present)
        )
        for level in levels[1:]:
            indicator = (text == level).astype(np.float64)
            indicator[missing] = np.nan
            matrix.append(indicator)
            terms.append(Term(name, level, levels[0]))
    return np.column_stack(matrix), terms


@dataclass(frozen=True)
class Coefficient:
    term: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    odds_ratio: float
    or_low: float
    or_high: float

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Fit:
    coefficients: list[Coefficient]
    df: int
    n: int
    iterations: int


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, int]:
    beta = np.zeros(x.shape[1])
    for iteration in range(1, MAX_ITERATIONS + 1):
        eta = x @ beta
        mu = 1.0 / (1.0 + np.exp(-eta))
        info = x.T @ (x * (w * mu * (1.0 - mu))[:, None])
        step = np.linalg.solve(info, x.T @ (w * (y - mu)))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-13 * (1.0 + np.max(np.abs(beta))):
            return beta, iteration
    raise ValueError("the logistic regression did not converge (separation?)")


def _covariance(
    scores: np.ndarray, design: Design, n: int, in_domain: np.ndarray
) -> tuple[np.ndarray, int]:
    """``svyrecvar`` (first stage) of the rows' influence ``scores`` (n x p), and ``degf`` of
    the domain (PSUs with domain rows of non-zero weight minus their strata)."""
    s_code, p_code, psu_stratum, s_labels = _design_codes(design, n)
    n_strata, n_psu, p = len(s_labels), len(psu_stratum), scores.shape[1]
    n_h = np.bincount(psu_stratum, minlength=n_strata)
    f = fpc_rules.stages(design, s_code, p_code, psu_stratum, n_strata, n).f_stratum
    f = np.ones(n_strata) if f is None else f
    totals = np.zeros((n_psu, p))
    np.add.at(totals, p_code, scores)
    present = np.bincount(p_code[in_domain], minlength=n_psu) > 0
    nonzero = np.bincount(p_code, weights=in_domain & (design.weights != 0), minlength=n_psu) > 0
    contributions: list[np.ndarray | None] = []
    lonely = design.lonely_psu
    for h in range(n_strata):
        psus = np.flatnonzero(psu_stratum == h)
        t = totals[psus][present[psus]]
        nsubset, n_design = len(t), int(n_h[h])
        if nsubset == 0:
            continue  # a stratum without domain rows is not one of the domain's strata
        if f[h] < fpc_rules.CENSUS:
            contributions.append(np.zeros((p, p)))
            continue
        t = np.vstack([t, np.zeros((n_design - nsubset, p))])
        domain_lonely = nsubset == 1 and n_design > 1 and design.adjust_domain_lonely
        centre = lonely != "adjust" or nsubset > 1 or (n_design > 1 and not domain_lonely)
        if centre:
            t = t - t.mean(axis=0)
        scale = f[h] * (n_design / (n_design - 1) if n_design > 1 else 1.0)
        if n_design == 1 and lonely == "fail":
            raise LonelyPsuError(s_labels[h])
        if (n_design == 1 or domain_lonely) and lonely == "average":
            contributions.append(None)
            continue
        contributions.append(scale * (t.T @ t))
    known = [c for c in contributions if c is not None]
    total = np.sum(known, axis=0) if known else np.zeros((p, p))
    if len(known) < len(contributions) and known:
        total = total * len(contributions) / len(known)
    strata_with = {int(psu_stratum[k]) for k in np.flatnonzero(nonzero)}
    return total, int(nonzero.sum()) - len(strata_with)


def logistic(
    *,
    y: np.ndarray,
    covariates: np.ndarray,
    terms: Sequence[str],
    design: Design,
    subset: np.ndarray | None = None,
    level: float = 0.95,
) -> Fit:
    """Fit ``y ~ covariates`` (the columns already coded, the intercept among them)."""
    if design.lonely_psu not in LONELY_PSU_OPTIONS:
        raise ValueError(f"lonely_psu must be one of {', '.join(LONELY_PSU_OPTIONS)}")
    if design.ssu is not None:
        raise ValueError("logistic regression uses the first stage of the design only")
    w_all = np.asarray(design.weights, dtype=np.float64)
    n = len(w_all)
    x_all = np.asarray(covariates, dtype=np.float64)
    y_all = np.asarray(y, dtype=np.float64)
    if x_all.shape != (n, len(terms)):
        raise ValueError(f"covariates must be {n} rows by {len(terms)} columns")
    in_domain = np.ones(n, bool) if subset is None else np.asarray(subset, bool)
    rows = np.flatnonzero(in_domain)
    if np.isnan(y_all[rows]).any() or np.isnan(x_all[rows]).any():
        raise ValueError("the outcome and covariates must have no missing values in the domain")
    if ((y_all[rows] != 0) & (y_all[rows] != 1)).any():
        raise ValueError("the outcome must be 0 or 1")
    beta, iterations = _fit(x_all[rows], y_all[rows], w_all[rows])
    mu = 1.0 / (1.0 + np.exp(-(x_all[rows] @ beta)))
    info = x_all[rows].T @ (x_all[rows] * (w_all[rows] * mu * (1.0 - mu))[:, None])
    influence = np.zeros((n, len(terms)))
    influence[rows] = (x_all[rows] * (w_all[rows] * (y_all[rows] - mu))[:, None]) @ np.linalg.inv(
        info
    )
    cov, degf = _covariance(influence, design, n, in_domain)
    df = degf + 1 - len(terms)
    se = np.sqrt(np.diag(cov))
    t = stats.t.ppf(1.0 - (1.0 - level) / 2.0, df) if df > 0 else np.nan
    coefficients = [
        Coefficient(
            term=term,
            estimate=float(beta[j]),
            se=float(se[j]),
            ci_low=float(beta[j] - t * se[j]),
            ci_high=float(beta[j] + t * se[j]),
            odds_ratio=float(np.exp(beta[j])),
            or_low=float(np.exp(beta[j] - t * se[j])),
            or_high=float(np.exp(beta[j] + t * se[j])),
        )
        for j, term in enumerate(terms)
    ]
    return Fit(coefficients, df, len(rows), iterations)

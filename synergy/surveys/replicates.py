"""Estimates from replicate-weight designs, as R's ``svrepdesign`` and ``svymean`` /
``svytotal`` / ``svyratio`` compute them (``combined.weights=TRUE``: each replicate column is a
full set of weights).

For each replicate ``r`` the statistic ``theta_r`` is computed with the replicate weights, and

    V = scale * sum_r rscales_r (theta_r - centre)^2

with ``centre`` the mean of the replicates (``rscales > 0``), or the full-sample estimate when
``mse`` is set. ``scale`` and ``rscales`` follow ``svrepdesign``: JK1 ``(R-1)/R``; JKn ``1``
with ``rscales`` required (``(n_h - 1)/n_h`` per replicate); BRR ``1/R``; Fay ``1/(R (1-rho)^2)``;
bootstrap ``1/(R-1)``; a given ``scale`` or ``rscales`` wins where R lets it. A replicate in
which a domain has no weight gives no value and is left out, as R's ``na.omit`` does.

Degrees of freedom: ``degf`` = rank of the replicate weight matrix minus one (R's
``qr(repweights, tol=1e-5)$rank - 1``), the same for every domain; intervals use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from synergy.surveys.estimation import (
    CI_METHODS,
    Estimate,
    _as_float,
    _domains,
    _intervals,
)

REPLICATE_TYPES = ("JK1", "JKn", "BRR", "Fay", "bootstrap")


@dataclass(frozen=True)
class ReplicateDesign:
    weights: np.ndarray
    replicates: np.ndarray  # n x R
    type: str = "JK1"
    rho: float | None = None
    scale: float | None = None
    rscales: np.ndarray | None = None
    mse: bool = False
    degf: int | None = None  # known degrees of freedom (else computed from the weights)

    def scales(self) -> tuple[float, np.ndarray]:
        n_rep = self.replicates.shape[1]
        if self.type not in REPLICATE_TYPES:
            raise ValueError(f"type must be one of {', '.join(REPLICATE_TYPES)}")
        rscales = (
            np.ones(n_rep)
            if self.rscales is None
            else np.broadcast_to(np.asarray(self.rscales, dtype=np.float64), (n_rep,)).copy()
        )
        if self.rscales is not None and np.asarray(self.rscales).size not in (1, n_rep):
            raise ValueError(f"rscales must have 1 or {n_rep} values")
        if self.type == "JKn" and self.rscales is None:
            raise ValueError("JKn replicate weights need their rscales ((n_h - 1)/n_h)")
        if self.type == "Fay":
            if self.rho is None or not 0 <= self.rho < 1:
                raise ValueError("Fay's method needs rho, at least 0 and below 1")
            return 1.0 / (n_rep * (1.0 - self.rho) ** 2), rscales
        if self.type == "BRR":
            return 1.0 / n_rep, rscales
        if self.scale is not None:
            return float(self.scale), rscales
        if self.type == "JK1":
            return (n_rep - 1.0) / n_rep, rscales
        if self.type == "bootstrap":
            return 1.0 / (n_rep - 1.0), rscales
        return 1.0, rscales


def replicate_degf(replicates: np.ndarray) -> int:
    """Rank of the replicate weights minus one, from their (R x R) cross-product (scaled to a
    unit diagonal): the columns' rank without a QR of the whole n x R matrix."""
    gram = replicates.T @ replicates
    norms = np.sqrt(np.maximum(np.diag(gram), 1e-300))
    eig = np.linalg.eigvalsh(gram / np.outer(norms, norms))
    return int((eig > eig.max() * 1e-10).sum()) - 1


def estimate_replicate(
    *,
    y: np.ndarray,
    design: ReplicateDesign,
    statistic: str = "mean",
    by: Mapping[str, np.ndarray] | None = None,
    ci: str = "wald",
    level: float = 0.95,
    subset: np.ndarray | None = None,
    denominator: np.ndarray | None = None,
    name: str = "y",
) -> list[Estimate]:
    """Mean, total or ratio of ``y`` by domain under a replicate-weight design."""
    if statistic not in ("mean", "total", "ratio"):
        raise ValueError(f"statistic must be mean, total or ratio, not {statistic!r}")
    if ci not in CI_METHODS:
        raise ValueError(f"ci must be one of {', '.join(CI_METHODS)}, not {ci!r}")
    w = _as_float(design.weights, "weights", len(design.weights))
    n_all = len(w)
    reps = np.asarray(design.replicates, dtype=np.float64)
    if reps.ndim != 2 or reps.shape[0] != n_all or reps.shape[1] < 2:
        raise ValueError(f"replicate weights must be {n_all} rows by at least 2 columns")
    if not np.isfinite(reps).all() or (reps < 0).any():
        raise ValueError("replicate weights must be finite and not negative")
    scale, rscales = design.scales()
    yv = _as_float(y, name, n_all)
    rows = np.arange(n_all) if subset is None else np.flatnonzero(np.asarray(subset, bool))
    if len(rows) == 0:
        raise ValueError("the analysis population (subset) has no rows")
    if np.isnan(yv[rows]).any():
        raise ValueError(f"{name} has missing values in the analysis population")
    if statistic == "ratio":
        if denominator is None:
            raise ValueError("statistic 'ratio' needs a denominator variable")
        xv = _as_float(denominator, "denominator", n_all)[rows]
    else:
        xv = np.ones(len(rows))
    dom, labels = _domains(by, rows, n_all)
    n_domains = len(labels)
    yr = yv[rows]
    # Domain sums of y and x under every weighting as sparse (domain x row) products with the
    # weights: no n x R temporary, a million rows by 80 replicates stay one matrix.
    position = np.arange(len(rows))

    def sums(values: np.ndarray) -> np.ndarray:
        by_domain = sparse.csr_matrix((values, (dom, position)), shape=(n_domains, len(rows)))
        replicated = by_domain @ (reps if subset is None else reps[rows])
        return np.column_stack([by_domain @ w[rows], replicated])

    num = sums(yr)
    den = sums(xv)
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = num if statistic == "total" else num / den
    full, thetas = theta[:, 0], theta[:, 1:]
    variance = np.empty(n_domains)
    for k in range(n_domains):
        ok = np.isfinite(thetas[k])
        t, rs = thetas[k][ok], rscales[ok]
        if not ok.any():
            variance[k] = np.nan
            continue
        centre = full[k] if design.mse else t[rs > 0].mean()
        variance[k] = scale * float(np.sum(rs * (t - centre) ** 2))
    degf = design.degf if design.degf is not None else replicate_degf(reps)
    df = np.full(n_domains, degf, dtype=np.int64)
    n = np.bincount(dom, minlength=n_domains)
    se = np.sqrt(variance)
    low, high = _intervals(ci, full, se, variance, df, n, float(level))
    return [
        Estimate(
            domain=labels[k],
            estimate=float(full[k]),
            se=float(se[k]),
            ci_low=float(low[k]),
            ci_high=float(high[k]),
            df=int(df[k]),
            deff=float("nan"),
            n=int(n[k]),
        )
        for k in range(n_domains)
    ]

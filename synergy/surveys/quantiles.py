"""Quantiles with confidence intervals, as ``svyquantile`` of R's ``survey`` 4.x computes them
by default (``qrule="math"``, ``interval.type="mean"``: Woodruff's method).

* The quantile is the inverse of the weighted distribution function (``qrule_math``): rows of
  zero weight are dropped, values sorted (ties in their original order), and with ``cumw`` the
  running weight share, the value after the last one whose share is at most ``p`` — or that
  value itself when its share is exactly ``p``.
* The interval: the proportion ``m`` of the population at or below the estimated quantile is
  estimated with its standard error (``svymean(x <= q)``, Taylor linearisation, the design's
  degrees of freedom), ``m +/- t se`` is read back through the same inverse; an end below 0 or
  above 1 gives no value (NaN), as in R.
* The standard error is the interval's width divided by ``2 t``.

Domains are estimated on ``subset(design, domain)`` as every other estimator here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from synergy.surveys.estimation import Design, _as_float, _domains, _t_quantile, estimate


@dataclass(frozen=True)
class Quantile:
    domain: dict[str, object]
    probability: float
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    df: int
    n: int

    def as_dict(self) -> dict[str, object]:
        return {
            "domain": dict(self.domain),
            "probability": self.probability,
            "estimate": self.estimate,
            "se": self.se,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "df": self.df,
            "n": self.n,
        }


def quantile_math(x: np.ndarray, w: np.ndarray, p: float) -> float:
    """R's ``survey:::qrule_math``."""
    keep = w != 0
    x, w = x[keep], w[keep]
    order = np.argsort(x, kind="stable")
    x, cumw = x[order], np.cumsum(w[order])
    total = cumw[-1]
    below = np.flatnonzero(cumw <= p * total)
    pos = int(below[-1]) if len(below) else 0
    nxt = pos if pos == len(x) - 1 else pos + 1
    return float(x[pos] if p - cumw[pos] / total == 0 else x[nxt])


def quantiles(
    *,
    x: np.ndarray,
    design: Design,
    probabilities: Sequence[float],
    by: Mapping[str, np.ndarray] | None = None,
    subset: np.ndarray | None = None,
    level: float = 0.95,
    name: str = "x",
) -> list[Quantile]:
    n_all = len(design.weights)
    xv = _as_float(x, name, n_all)
    w = _as_float(design.weights, "weights", n_all)
    probs = [float(p) for p in probabilities]
    if not probs or any(not 0.0 <= p <= 1.0 for p in probs):
        raise ValueError("quantiles must lie between 0 and 1")
    rows = np.arange(n_all) if subset is None else np.flatnonzero(np.asarray(subset, bool))
    if len(rows) == 0:
        raise ValueError("the analysis population (subset) has no rows")
    if np.isnan(xv[rows]).any():
        raise ValueError(f"{name} has missing values in the analysis population")
    dom, labels = _domains(by, rows, n_all)
    out: list[Quantile] = []
    alpha = 1.0 - float(level)
    for p in probs:
        qhat = np.array(
            [quantile_math(xv[rows][dom == k], w[rows][dom == k], p) for k in range(len(labels))]
        )
        below = np.zeros(n_all)
        below[rows] = (xv[rows] <= qhat[dom]).astype(np.float64)
        cdf = estimate(y=below, design=design, statistic="mean", by=by, subset=subset, level=level)
        df = np.array([c.df for c in cdf])
        t = _t_quantile(1.0 - alpha / 2.0, df)
        for k, c in enumerate(cdf):
            low_p, high_p = c.estimate - t[k] * c.se, c.estimate + t[k] * c.se
            in_domain = dom == k
            xs, ws = xv[rows][in_domain], w[rows][in_domain]
            low = quantile_math(xs, ws, low_p) if np.isfinite(low_p) and low_p >= 0 else np.nan
            high = quantile_math(xs, ws, high_p) if np.isfinite(high_p) and high_p <= 1 else np.nan
            out.append(
                Quantile(
                    domain=labels[k],
                    probability=p,
                    estimate=float(qhat[k]),
                    se=float((high - low) / (2.0 * t[k])),
                    ci_low=float(low),
                    ci_high=float(high),
                    df=int(c.df),
                    n=int(in_domain.sum()),
                )
            )
    return out

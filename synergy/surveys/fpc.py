"""Finite population corrections for one- and two-stage designs, as R's ``survey`` declares
them with ``svydesign(ids=~psu, fpc=~N1)`` or ``svydesign(ids=~psu+ssu, fpc=~N1+N2)``.

* Stage 1: each stratum's contribution is multiplied by ``f_h = (N_h - n_h) / N_h``; a stratum
  whose PSUs were all sampled (``f_h < 1e-7``) contributes nothing, whatever the lonely-PSU
  rule (``survey:::onestrat``).
* Stage 2 (``survey:::multistage``): within each sampled PSU ``i`` of stratum ``h``, the
  second-stage units' score totals give ``f2_i m_i / (m_i - 1) sum_j (t_ij - mean_i)^2`` with
  ``f2_i = (M_i - m_i) / M_i``, weighted by the first-stage sampling fraction ``n_h / N_h``.
  A PSU with one sampled second-stage unit follows the lonely-PSU rule (``fail``, ``remove``,
  ``certainty``, ``adjust``; ``average`` is refused here).

A value at most 1 everywhere in a column is read as a sampling fraction (R's ``as.fpc``): the
population size is then the sample size divided by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

CENSUS = 1e-7


class LonelyUnitError(ValueError):
    """A PSU with a single second-stage unit under ``lonely_psu="fail"``."""


@dataclass(frozen=True)
class SecondStage:
    ssu_rows: np.ndarray  # second-stage unit code of each design row
    ssu_psu: np.ndarray  # PSU code of each second-stage unit
    m: np.ndarray  # second-stage units sampled in each PSU
    f2: np.ndarray  # (M_i - m_i) / M_i per PSU
    f1: np.ndarray  # n_h / N_h of each PSU's stratum


@dataclass(frozen=True)
class Stages:
    f_stratum: np.ndarray | None
    second: SecondStage | None


def _numbers(values: Any, what: str, n: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.shape != (n,):
        raise ValueError(f"{what} must have {n} values, got shape {arr.shape}")
    numbers = np.asarray(pd.to_numeric(pd.Series(arr), errors="coerce"), dtype=np.float64)
    bad = np.isnan(numbers) | (numbers <= 0)
    if bad.any():
        raise ValueError(f"{what} must be positive numbers: {int(bad.sum())} rows are not")
    return numbers


def _per_unit(values: np.ndarray, unit: np.ndarray, n_units: int, what: str) -> np.ndarray:
    """The value of each unit, checking that it is the same on every row of the unit."""
    first = np.full(n_units, np.nan)
    first[unit[::-1]] = values[::-1]
    if not np.allclose(first[unit], values, rtol=0, atol=1e-9):
        raise ValueError(f"{what} must be the same on every row of a stratum (or PSU)")
    return first


def _sizes(per_unit: np.ndarray, sampled: np.ndarray, what: str) -> np.ndarray:
    """Population sizes from sizes or (all values at most 1) sampling fractions."""
    sizes = sampled / per_unit if (per_unit <= 1).all() else per_unit
    short = sizes < sampled - 1e-9
    if short.any():
        raise ValueError(
            f"{what} is smaller than the number of units sampled ({int(sampled[short][0])})"
        )
    return sizes


def stages(
    design: Any,
    s_code: np.ndarray,
    p_code: np.ndarray,
    psu_stratum: np.ndarray,
    n_strata: int,
    n: int,
) -> Stages:
    """The corrections of ``design`` (a ``Design``), per stratum and per PSU."""
    if design.fpc is None:
        if design.ssu is not None or design.fpc2 is not None:
            raise ValueError("a second stage (ssu, fpc2) needs the first stage's fpc as well")
        return Stages(None, None)
    n_h = np.bincount(psu_stratum, minlength=n_strata).astype(np.float64)
    big_n = _sizes(_per_unit(_numbers(design.fpc, "fpc", n), s_code, n_strata, "fpc"), n_h, "fpc")
    f_stratum = (big_n - n_h) / big_n
    if design.ssu is None:
        if design.fpc2 is not None:
            raise ValueError("fpc2 needs the second-stage unit column (ssu)")
        return Stages(f_stratum, None)
    if design.fpc2 is None:
        raise ValueError("a second stage (ssu) needs its fpc2")
    if design.psu is None:
        raise ValueError("a second stage needs the PSU column")
    raw, uniques = pd.factorize(np.asarray(design.ssu), sort=True, use_na_sentinel=True)
    if (raw < 0).any():
        raise ValueError(f"ssu has {int((raw < 0).sum())} missing values")
    key = p_code.astype(np.int64) * max(len(uniques), 1) + raw
    unit_keys, ssu_rows = np.unique(key, return_inverse=True)
    n_psu = len(psu_stratum)
    ssu_psu = unit_keys // max(len(uniques), 1)
    m = np.bincount(ssu_psu, minlength=n_psu).astype(np.float64)
    big_m = _sizes(_per_unit(_numbers(design.fpc2, "fpc2", n), p_code, n_psu, "fpc2"), m, "fpc2")
    f1 = n_h[psu_stratum] / big_n[psu_stratum]
    return Stages(f_stratum, SecondStage(ssu_rows, ssu_psu, m, (big_m - m) / big_m, f1))


def second_stage_variance(
    second: SecondStage,
    z: np.ndarray,
    dom: np.ndarray,
    rows: np.ndarray,
    n_domains: int,
    lonely: str,
    psu_labels: Any = None,
) -> np.ndarray:
    """The second-stage variance of each domain's scores ``z`` (one per analysed row)."""
    lonely_psu = (second.m == 1) & (second.f2 >= CENSUS)
    if lonely_psu.any() and lonely == "fail":
        raise LonelyUnitError(
            "A PSU has only one second-stage unit: choose lonely_psu adjust, remove or certainty"
        )
    if lonely_psu.any() and lonely == "average":
        raise ValueError("lonely_psu 'average' is not available for a second stage")
    n_ssu = len(second.ssu_psu)
    cell_key, cell_inv = np.unique(dom * n_ssu + second.ssu_rows[rows], return_inverse=True)
    total = np.bincount(cell_inv, weights=z)
    cell_dom = cell_key // n_ssu
    cell_psu = second.ssu_psu[cell_key % n_ssu]
    n_psu = len(second.m)
    grp_key, grp_inv = np.unique(cell_dom * n_psu + cell_psu, return_inverse=True)
    grp_dom = grp_key // n_psu
    grp_psu = grp_key % n_psu
    m = second.m[grp_psu]
    cells = np.bincount(grp_inv)
    mean = np.bincount(grp_inv, weights=total) / m
    centred = np.bincount(grp_inv, weights=(total - mean[grp_inv]) ** 2) + (m - cells) * mean**2
    uncentred = np.bincount(grp_inv, weights=total**2)
    single = m == 1
    f2 = second.f2[grp_psu]
    scale = f2 * np.where(single, 1.0, m / np.where(single, 2.0, m - 1.0))
    value = np.where(single & (lonely == "adjust"), uncentred, centred)
    contrib = np.where(f2 < CENSUS, 0.0, scale * value) * second.f1[grp_psu]
    return np.bincount(grp_dom, weights=contrib, minlength=n_domains)

"""The determinants of child labour: a survey-weighted logistic regression of child labour
(as the 8.7.1 table classifies it) on sex, age group and the dataset's domain columns, among
the children in scope, shown as odds ratios with their intervals.

Each text variable is coded as R codes a factor: one indicator per level but the first, which
is the reference (odds ratio 1); levels are in alphabetical order, age groups in age order
(5-11 is the reference). The fit and its variance are
``glm.logistic`` (``svyglm(family=quasibinomial)``), equal to R.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synergy.classification import is_child_labour
from synergy.surveys.childlabour import AGE_GROUPS, age_groups, classify_frame, make_design
from synergy.surveys.glm import logistic, treatment_coding


@dataclass(frozen=True)
class Determinant:
    variable: str
    level: str
    reference: str
    odds_ratio: float
    or_low: float
    or_high: float
    coefficient: float
    se: float


@dataclass(frozen=True)
class Determinants:
    framework: str
    rows: list[Determinant]
    df: int
    n: int
    level: float


def _level_order(variable: str, level: str) -> tuple[int, str]:
    """Age groups in age order (5-11 is the reference), other levels alphabetically."""
    if variable == "age_group":
        order = [label for label, _low, _high in AGE_GROUPS]
        return (order.index(level) if level in order else len(order), level)
    return (0, level)


def child_labour_determinants(
    frame: pd.DataFrame,
    *,
    framework: str,
    domains: Sequence[str] = (),
    lonely_psu: str = "fail",
    level: float = 0.95,
) -> Determinants:
    labels = classify_frame(frame, framework=framework)
    groups = age_groups(frame["age"].to_numpy(dtype=float))
    in_scope = (labels != "OOS") & (groups != "")
    outcome = np.array([is_child_labour(label) for label in labels.tolist()], dtype=float)
    columns = {
        "sex": frame["sex"].astype(str).to_numpy(dtype=object),
        "age_group": groups,
        **{d: frame[d].fillna("").astype(str).to_numpy(dtype=object) for d in domains},
    }
    # Levels from the children in scope only: a level seen only outside has no children.
    scoped = {name: values[in_scope] for name, values in columns.items()}
    x_scope, coded = treatment_coding(scoped, _level_order)
    x = np.zeros((len(frame), x_scope.shape[1]))
    x[in_scope] = x_scope
    fit = logistic(
        y=np.where(in_scope, outcome, 0.0),
        covariates=x,
        terms=["(Intercept)", *(f"{t.variable}={t.level}" for t in coded)],
        design=make_design(frame, lonely_psu=lonely_psu),
        subset=in_scope,
        level=level,
    )
    rows = [
        Determinant(
            t.variable, t.level, t.reference, c.odds_ratio, c.or_low, c.or_high, c.estimate, c.se
        )
        for t, c in zip(coded, fit.coefficients[1:], strict=True)
    ]
    return Determinants(framework, rows, fit.df, fit.n, level)


def determinants_frame(result: Determinants) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "variable": r.variable,
                "level": r.level,
                "reference": r.reference,
                "odds_ratio": r.odds_ratio,
                "ci_low": r.or_low,
                "ci_high": r.or_high,
                "coefficient": r.coefficient,
                "se": r.se,
                "df": result.df,
            }
            for r in result.rows
        ]
    )

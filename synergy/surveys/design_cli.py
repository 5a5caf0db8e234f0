"""The survey design on the command line: the options every ``synergy survey`` estimator
shares, read into a linearisation ``Design`` or a ``ReplicateDesign``, and the coding of model
covariates. Errors name the option and the column."""

from __future__ import annotations

import re
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.core.management.base import CommandError

from synergy.surveys.estimation import LONELY_PSU_OPTIONS, Design
from synergy.surveys.glm import treatment_coding
from synergy.surveys.replicates import REPLICATE_TYPES, ReplicateDesign


def add_design_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="CSV (or .parquet) file, one row per person")
    parser.add_argument("--weight", required=True, help="final (full-sample) weight column")
    group = parser.add_argument_group("linearisation design (as svydesign)")
    group.add_argument("--strata", help="stratum column (default: one stratum)")
    group.add_argument("--psu", help="PSU/cluster column (default: each row is a PSU)")
    group.add_argument(
        "--fpc",
        help="population PSUs of the stratum, or (all values at most 1) the sampling fraction",
    )
    group.add_argument("--ssu", help="second-stage unit column (two-stage designs)")
    group.add_argument("--fpc2", help="population second-stage units of the PSU, or fraction")
    group.add_argument("--lonely-psu", choices=LONELY_PSU_OPTIONS, default="fail")
    group.add_argument(
        "--adjust-domain-lonely",
        action="store_true",
        help="as R's options(survey.adjust.domain.lonely=TRUE)",
    )
    rep = parser.add_argument_group("replicate-weight design (as svrepdesign)")
    rep.add_argument(
        "--repweights",
        metavar="PATTERN",
        help="regular expression naming the replicate weight columns (full weights each)",
    )
    rep.add_argument("--type", choices=REPLICATE_TYPES, default="JK1", dest="rep_type")
    rep.add_argument("--rho", type=float, help="Fay's rho (--type Fay)")
    rep.add_argument("--scale", type=float, help="overall scale (default from --type)")
    rep.add_argument(
        "--rscales",
        help="per-replicate scales: one number, or comma-separated (one per replicate)",
    )
    rep.add_argument(
        "--mse", action="store_true", help="centre on the full-sample estimate (survey's mse)"
    )


def design_columns(options: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [
        ("--weight", options["weight"]),
        *((f"--{name}", options.get(name)) for name in ("strata", "psu", "fpc", "ssu", "fpc2")),
    ]


def require_columns(frame: pd.DataFrame, wanted: list[tuple[str, str | None]], source: Any) -> None:
    """Every named column is in the table; all the missing ones are named at once."""
    missing = [f"{flag} {col!r}" for flag, col in wanted if col and col not in frame]
    if missing:
        raise CommandError(
            f"column(s) not found in {source}: {', '.join(missing)}; "
            f"available: {', '.join(map(str, frame.columns))}"
        )


def numeric_column(frame: pd.DataFrame, flag: str, column: str) -> np.ndarray:
    values = frame[column]
    if not pd.api.types.is_numeric_dtype(values):
        bad = pd.to_numeric(values, errors="coerce").isna() & values.notna()
        example = values[bad].iloc[0] if bad.any() else ""
        raise CommandError(f"{flag} column {column!r} is not numeric (e.g. {example!r})")
    return values.to_numpy(dtype=np.float64)


def design_from(frame: pd.DataFrame, options: dict[str, Any]) -> Design | ReplicateDesign:
    """The design the options describe (replicate weights when --repweights is given)."""
    linear = {
        "--strata": options.get("strata"),
        "--psu": options.get("psu"),
        "--fpc": options.get("fpc"),
        "--ssu": options.get("ssu"),
        "--fpc2": options.get("fpc2"),
    }
    require_columns(frame, design_columns(options), options["input"])
    weights = numeric_column(frame, "--weight", options["weight"])
    if options.get("repweights"):
        given = [flag for flag, col in linear.items() if col]
        if given:
            raise CommandError(
                f"--repweights describes the whole design: leave out {', '.join(given)}"
            )
        try:
            pattern = re.compile(options["repweights"])
        except re.error as exc:
            raise CommandError(f"--repweights: not a regular expression: {exc}") from None
        columns = [c for c in frame.columns if pattern.search(str(c))]
        if len(columns) < 2:
            raise CommandError(
                f"--repweights {options['repweights']!r} names {len(columns)} column(s); "
                "replicate designs need at least 2"
            )
        reps = np.column_stack([numeric_column(frame, "--repweights", c) for c in columns])
        rscales = None
        if options.get("rscales"):
            try:
                rscales = np.array([float(v) for v in options["rscales"].split(",")])
            except ValueError:
                raise CommandError("--rscales: numbers separated by commas") from None
            if len(rscales) not in (1, len(columns)):
                raise CommandError(f"--rscales: 1 or {len(columns)} values (one per replicate)")
        return ReplicateDesign(
            weights=weights,
            replicates=reps,
            type=options["rep_type"],
            rho=options.get("rho"),
            scale=options.get("scale"),
            rscales=rscales,
            mse=bool(options.get("mse")),
        )

    def column(name: str) -> np.ndarray | None:
        return frame[options[name]].to_numpy() if options.get(name) else None

    return Design(
        weights=weights,
        strata=column("strata"),
        psu=column("psu"),
        lonely_psu=options["lonely_psu"],
        adjust_domain_lonely=options["adjust_domain_lonely"],
        fpc=column("fpc"),
        ssu=column("ssu"),
        fpc2=column("fpc2"),
    )


def covariate_matrix(frame: pd.DataFrame, names: list[str]) -> tuple[np.ndarray, list[str]]:
    """The model matrix of the covariates (``glm.treatment_coding``) and R's coefficient
    names (``(Intercept)``, ``age``, ``regionNorth``)."""
    x, terms = treatment_coding({name: frame[name].to_numpy() for name in names})
    return x, ["(Intercept)", *(t.name for t in terms)]

"""``synergy survey SUBCOMMAND``: survey analysis from the command line.

Subcommands are argparse subparsers: each registers its arguments in ``add_<name>_arguments``
and is run by ``handle_<name>``; :meth:`Command.handle` dispatches on ``subcommand``.

``synergy survey estimate INPUT.csv --weight W --strata S --psu P --variable Y [--by A,B]``
prints design-based estimates (as R's ``survey`` package computes them) as JSON or CSV;
``quantile`` and ``glm`` take the same design options (``design_cli.py``: strata, PSUs, fpc at
one or two stages, or replicate weights).
"""

from __future__ import annotations

import csv
import json
import math
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from synergy.surveys.childlabour_cli import add_childlabour_arguments, run_childlabour_command
from synergy.surveys.design_cli import (
    add_design_arguments,
    covariate_matrix,
    design_columns,
    design_from,
    numeric_column,
    require_columns,
)
from synergy.surveys.estimation import (
    CI_METHODS,
    STATISTICS,
    Design,
    Estimate,
    LonelyPsuError,
    estimate,
)
from synergy.surveys.glm import logistic
from synergy.surveys.quantiles import quantiles
from synergy.surveys.replicates import ReplicateDesign, estimate_replicate

TRUE_VALUES = {"1", "true", "t", "yes", "y"}
FALSE_VALUES = {"0", "false", "f", "no", "n"}


def _json_number(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else value


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise CommandError(f"input file not found: {path}")
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        # keep_default_na: a blank cell is a missing value
        return pd.read_csv(path, keep_default_na=True, low_memory=False)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from exc


def _finite(row: dict[str, Any]) -> dict[str, Any]:
    """NaN and infinity as JSON null."""
    return {k: (_json_number(v) if isinstance(v, float) else v) for k, v in row.items()}


def _boolean_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = frame[column]
    if values.dtype == bool:
        return values.to_numpy()
    if values.isna().any():
        raise CommandError(f"subset column {column!r} has {int(values.isna().sum())} blank values")
    text = values.astype(str).str.strip().str.lower()
    bad = sorted(set(text) - TRUE_VALUES - FALSE_VALUES)
    if bad:
        raise CommandError(
            f"subset column {column!r} must be 1/0 or true/false, found {', '.join(bad[:5])}"
        )
    return text.isin(TRUE_VALUES).to_numpy()


class Command(BaseCommand):
    help = (
        "Survey analysis: `estimate` means, proportions, totals and ratios; `quantile`; "
        "`glm` (logistic regression); `childlabour` (the SDG 8.7.1 table)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(
            dest="subcommand", metavar="SUBCOMMAND", title="subcommands", required=True
        )
        self.add_estimate_arguments(
            subparsers.add_parser(
                "estimate",
                help="Design-based estimates (Taylor linearisation, as R's survey package).",
                description=(
                    "Estimate a mean/proportion or total of --variable with its standard error, "
                    "confidence interval, degrees of freedom and design effect, overall or by "
                    "domain, for a stratified cluster design (PSUs nested in strata)."
                ),
            )
        )
        add_childlabour_arguments(
            subparsers.add_parser(
                "childlabour", help="The SDG 8.7.1 child labour table of a survey file."
            )
        )
        self.add_quantile_arguments(
            subparsers.add_parser(
                "quantile",
                help="Quantiles with Woodruff intervals (as svyquantile).",
            )
        )
        self.add_glm_arguments(
            subparsers.add_parser(
                "glm",
                help="Survey-weighted logistic regression: coefficients, odds ratios and "
                "intervals (as svyglm with family=quasibinomial).",
            )
        )

    def handle(self, *args: Any, **options: Any) -> None:
        handlers: dict[str, Callable[..., None]] = {
            "estimate": self.handle_estimate,
            "childlabour": self.handle_childlabour,
            "quantile": self.handle_quantile,
            "glm": self.handle_glm,
        }
        subcommand = options.get("subcommand")
        if subcommand not in handlers:
            raise CommandError(f"unknown subcommand {subcommand!r}")
        handlers[subcommand](**options)

    def handle_childlabour(self, **options: Any) -> None:
        try:
            run_childlabour_command(options, self.stdout)
        except ValueError as exc:  # includes LonelyPsuError and mapping errors
            raise CommandError(str(exc)) from exc

    # --- estimate -------------------------------------------------------------------------

    def add_estimate_arguments(self, parser: ArgumentParser) -> None:
        add_design_arguments(parser)
        parser.add_argument("--variable", required=True, help="analysis variable (0/1 or numeric)")
        parser.add_argument("--by", default="", help="comma-separated domain columns")
        parser.add_argument(
            "--subset",
            help="1/0 column defining the analysis population (rows stay in the design)",
        )
        parser.add_argument("--statistic", choices=STATISTICS, default="mean")
        parser.add_argument("--denominator", help="denominator column (--statistic ratio)")
        parser.add_argument("--ci", choices=CI_METHODS, default="wald")
        parser.add_argument("--level", type=float, default=0.95)
        parser.add_argument("--format", choices=("json", "csv"), default="json")

    def _analysis(
        self, options: dict[str, Any], variables: dict[str, str | None]
    ) -> tuple[pd.DataFrame, Design | ReplicateDesign, list[str], np.ndarray | None]:
        """The table, its design, the domain columns and the subset, checked."""
        level = options["level"]
        if not 0.0 < level < 1.0:
            raise CommandError(f"--level must lie strictly between 0 and 1, not {level}")
        by_columns = [c.strip() for c in options.get("by", "").split(",") if c.strip()]
        frame = _read_table(options["input"])
        require_columns(
            frame,
            [
                *design_columns(options),
                *variables.items(),
                ("--subset", options.get("subset")),
                *(("--by", c) for c in by_columns),
            ],
            options["input"],
        )
        design = design_from(frame, options)
        subset = _boolean_column(frame, options["subset"]) if options.get("subset") else None
        return frame, design, by_columns, subset

    def handle_estimate(self, **options: Any) -> None:
        variable = options["variable"]
        if options["statistic"] == "ratio" and not options["denominator"]:
            raise CommandError("--statistic ratio needs --denominator COLUMN")
        frame, design, by_columns, subset = self._analysis(
            options, {"--variable": variable, "--denominator": options["denominator"]}
        )
        y = numeric_column(frame, "--variable", variable)
        denominator = (
            numeric_column(frame, "--denominator", options["denominator"])
            if options["denominator"]
            else None
        )
        by = {col: frame[col].to_numpy() for col in by_columns} or None
        try:
            if isinstance(design, ReplicateDesign):
                results = estimate_replicate(
                    y=y,
                    design=design,
                    statistic=options["statistic"],
                    by=by,
                    ci=options["ci"],
                    level=options["level"],
                    subset=subset,
                    denominator=denominator,
                    name=variable,
                )
            else:
                results = estimate(
                    y=y,
                    design=design,
                    statistic=options["statistic"],
                    by=by,
                    ci=options["ci"],
                    level=options["level"],
                    subset=subset,
                    name=variable,
                    denominator=denominator,
                )
        except LonelyPsuError as exc:
            raise CommandError(f"{exc} (--lonely-psu)") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps([self._json(r) for r in results], indent=2))
        else:
            self._write_csv(results, by_columns)

    # --- quantile ---------------------------------------------------------------------------

    def add_quantile_arguments(self, parser: ArgumentParser) -> None:
        add_design_arguments(parser)
        parser.add_argument("--variable", required=True, help="numeric analysis variable")
        parser.add_argument(
            "--quantiles", default="0.5", help="comma-separated probabilities, e.g. 0.25,0.5,0.75"
        )
        parser.add_argument("--by", default="", help="comma-separated domain columns")
        parser.add_argument("--subset", help="1/0 column defining the analysis population")
        parser.add_argument("--level", type=float, default=0.95)
        parser.add_argument("--format", choices=("json", "csv"), default="json")

    def handle_quantile(self, **options: Any) -> None:
        try:
            probabilities = [float(p) for p in options["quantiles"].split(",")]
        except ValueError:
            raise CommandError("--quantiles: probabilities separated by commas") from None
        frame, design, by_columns, subset = self._analysis(
            options, {"--variable": options["variable"]}
        )
        if isinstance(design, ReplicateDesign):
            raise CommandError("quantiles need a linearisation design (not --repweights)")
        try:
            found = quantiles(
                x=numeric_column(frame, "--variable", options["variable"]),
                design=design,
                probabilities=probabilities,
                by={col: frame[col].to_numpy() for col in by_columns} or None,
                subset=subset,
                level=options["level"],
                name=options["variable"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = [_finite(q.as_dict()) for q in found]
        self._emit(rows, options["format"], by_columns)

    # --- glm --------------------------------------------------------------------------------

    def add_glm_arguments(self, parser: ArgumentParser) -> None:
        add_design_arguments(parser)
        parser.add_argument("--outcome", required=True, help="0/1 outcome column")
        parser.add_argument(
            "--covariates",
            required=True,
            help="comma-separated columns; text columns become indicators of each level but "
            "the first (alphabetical)",
        )
        parser.add_argument("--subset", help="1/0 column: the domain the model is fitted in")
        parser.add_argument("--level", type=float, default=0.95)
        parser.add_argument("--format", choices=("json", "csv"), default="json")

    def handle_glm(self, **options: Any) -> None:
        names = [c.strip() for c in options["covariates"].split(",") if c.strip()]
        frame, design, _by, subset = self._analysis(
            options,
            {"--outcome": options["outcome"], **{f"--covariates {c}": c for c in names}},
        )
        if isinstance(design, ReplicateDesign):
            raise CommandError("logistic regression needs a linearisation design")
        x, terms = covariate_matrix(frame, names)
        try:
            fit = logistic(
                y=numeric_column(frame, "--outcome", options["outcome"]),
                covariates=x,
                terms=terms,
                design=design,
                subset=subset,
                level=options["level"],
            )
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise CommandError(str(exc)) from exc
        rows = [_finite({**c.as_dict(), "df": fit.df}) for c in fit.coefficients]
        self._emit(rows, options["format"], [])

    def _emit(self, rows: list[dict[str, Any]], fmt: str, by_columns: list[str]) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        flat = [{**row.pop("domain", {}), **row} for row in rows]
        fields = list(dict.fromkeys(k for row in flat for k in row))
        writer = csv.DictWriter(self.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)

    @staticmethod
    def _json(result: Estimate) -> dict[str, object]:
        row = result.as_dict()
        for key in ("estimate", "se", "ci_low", "ci_high", "deff"):
            row[key] = _json_number(float(row[key]))  # type: ignore[arg-type]
        return row

    def _write_csv(self, results: list[Estimate], by_columns: list[str]) -> None:
        fields = [*by_columns, "estimate", "se", "ci_low", "ci_high", "df", "deff", "n"]
        writer = csv.DictWriter(self.stdout, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for result in results:
            row = result.as_dict()
            domain = row.pop("domain")
            assert isinstance(domain, dict)
            writer.writerow({**domain, **{k: v for k, v in row.items()}})

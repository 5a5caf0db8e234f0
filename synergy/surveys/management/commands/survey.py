"""``synergy survey SUBCOMMAND``: survey analysis from the command line.

Subcommands are argparse subparsers: each registers its arguments in ``add_<name>_arguments``
and is run by ``handle_<name>``; :meth:`Command.handle` dispatches on ``subcommand``.

``synergy survey estimate INPUT.csv --weight W --strata S --psu P --variable Y [--by A,B]``
prints design-based estimates (as R's ``survey`` package computes them) as JSON or CSV.
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
from synergy.surveys.estimation import (
    CI_METHODS,
    LONELY_PSU_OPTIONS,
    STATISTICS,
    Design,
    Estimate,
    LonelyPsuError,
    estimate,
)

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
    help = "Survey analysis: `estimate` design-based means, proportions and totals."
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

    def handle(self, *args: Any, **options: Any) -> None:
        handlers: dict[str, Callable[..., None]] = {
            "estimate": self.handle_estimate,
            "childlabour": self.handle_childlabour,
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
        parser.add_argument("input", type=Path, help="CSV (or .parquet) file, one row per person")
        parser.add_argument("--weight", required=True, help="final weight column")
        parser.add_argument("--strata", help="stratum column (default: one stratum)")
        parser.add_argument("--psu", help="PSU/cluster column (default: each row is a PSU)")
        parser.add_argument("--variable", required=True, help="analysis variable (0/1 or numeric)")
        parser.add_argument("--by", default="", help="comma-separated domain columns")
        parser.add_argument(
            "--subset",
            help="1/0 column defining the analysis population (rows stay in the design)",
        )
        parser.add_argument("--statistic", choices=STATISTICS, default="mean")
        parser.add_argument("--ci", choices=CI_METHODS, default="wald")
        parser.add_argument("--lonely-psu", choices=LONELY_PSU_OPTIONS, default="fail")
        parser.add_argument(
            "--adjust-domain-lonely",
            action="store_true",
            help="as R's options(survey.adjust.domain.lonely=TRUE)",
        )
        parser.add_argument("--level", type=float, default=0.95)
        parser.add_argument("--format", choices=("json", "csv"), default="json")

    def handle_estimate(self, **options: Any) -> None:
        level = options["level"]
        if not 0.0 < level < 1.0:
            raise CommandError(f"--level must lie strictly between 0 and 1, not {level}")
        by_columns = [c.strip() for c in options["by"].split(",") if c.strip()]
        frame = _read_table(options["input"])
        wanted = {
            "--weight": options["weight"],
            "--strata": options["strata"],
            "--psu": options["psu"],
            "--variable": options["variable"],
            "--subset": options["subset"],
        }
        missing = [f"{flag} {col!r}" for flag, col in wanted.items() if col and col not in frame]
        missing += [f"--by {col!r}" for col in by_columns if col not in frame]
        if missing:
            raise CommandError(
                f"column(s) not found in {options['input']}: {', '.join(missing)}; "
                f"available: {', '.join(map(str, frame.columns))}"
            )
        variable = options["variable"]
        for flag, col in (("--weight", options["weight"]), ("--variable", variable)):
            if not pd.api.types.is_numeric_dtype(frame[col]):
                bad = pd.to_numeric(frame[col], errors="coerce").isna() & frame[col].notna()
                example = frame[col][bad].iloc[0] if bad.any() else ""
                raise CommandError(f"{flag} column {col!r} is not numeric (e.g. {example!r})")
        design = Design(
            weights=frame[options["weight"]].to_numpy(dtype=np.float64),
            strata=frame[options["strata"]].to_numpy() if options["strata"] else None,
            psu=frame[options["psu"]].to_numpy() if options["psu"] else None,
            lonely_psu=options["lonely_psu"],
            adjust_domain_lonely=options["adjust_domain_lonely"],
        )
        subset = _boolean_column(frame, options["subset"]) if options["subset"] else None
        try:
            results = estimate(
                y=frame[variable].to_numpy(dtype=np.float64),
                design=design,
                statistic=options["statistic"],
                by={col: frame[col].to_numpy() for col in by_columns} or None,
                ci=options["ci"],
                level=level,
                subset=subset,
                name=variable,
            )
        except LonelyPsuError as exc:
            raise CommandError(f"{exc} (--lonely-psu)") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps([self._json(r) for r in results], indent=2))
        else:
            self._write_csv(results, by_columns)

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

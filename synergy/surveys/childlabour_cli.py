"""`synergy survey childlabour`: read, validate, classify, estimate and write the 8.7.1 table.

Apart from ``childlabour`` (the computation) so that the exports, which format its tables,
and the table code do not import each other."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from synergy.classification import FRAMEWORKS, Policy
from synergy.surveys import exports
from synergy.surveys.childlabour import CI_METHODS, child_labour_table
from synergy.surveys.estimation import LONELY_PSU_OPTIONS
from synergy.surveys.importing import ImportValidationError, VariableMapping, load_standardised

# --- Command line: `synergy survey childlabour` ---------------------------------------------


def add_childlabour_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="survey file: .csv, .xlsx, .dta or .sav")
    parser.add_argument("--mapping", required=True, help="variable mapping (JSON file)")
    parser.add_argument("--framework", default="icls-sna", choices=FRAMEWORKS)
    parser.add_argument("--policy", help="national policy parameters (JSON file)")
    parser.add_argument(
        "--by", default="sex,age_group", help="dimensions, e.g. sex,age_group,region"
    )
    parser.add_argument("--ci", default="logit", choices=CI_METHODS)
    parser.add_argument("--level", type=float, default=0.95)
    parser.add_argument(
        "--lonely-psu", default="fail", choices=LONELY_PSU_OPTIONS, help="single-PSU strata"
    )
    parser.add_argument(
        "--format",
        default="csv",
        choices=("csv", "json", "xlsx", "sdmx-csv", "sdmx"),
        help="sdmx-csv: the SDG 8.7.1 series with the full SDG series key (sdmx is the same)",
    )
    parser.add_argument("--output", help="file to write (standard output if omitted)")
    parser.add_argument("--ref-area", default="", help="SDMX REF_AREA (ISO alpha-2 or M49)")
    parser.add_argument("--time-period", default="", help="SDMX TIME_PERIOD (survey year)")
    parser.add_argument(
        "--sdmx-unlisted-ages",
        default="refuse",
        choices=("refuse", "omit"),
        help="age groups the SDG codelist has no code for (5-11): refuse, or leave them out",
    )


class Writer(Protocol):
    def write(self, text: str, /) -> Any: ...


def run_childlabour_command(options: Mapping[str, Any], stdout: Writer) -> None:
    """Read, validate, classify, estimate and write. Raises ValueError with a clear message
    (every bad row of the file, one a line)."""
    mapping = VariableMapping.from_json(Path(options["mapping"]))
    policy = Policy.from_json(options["policy"]) if options.get("policy") else None
    try:
        frame, warnings = load_standardised(Path(options["input"]), mapping)
    except ImportValidationError as exc:
        lines = [str(e) for e in exc.errors]
        if exc.total > len(lines):
            lines.append(f"... and {exc.total - len(lines)} more")
        raise ValueError(
            "the file has errors, nothing was computed:\n" + "\n".join(lines)
        ) from None
    by = [part.strip() for part in str(options.get("by") or "").split(",") if part.strip()]
    table = child_labour_table(
        frame,
        framework=options.get("framework") or "icls-sna",
        by=by or ("sex", "age_group"),
        policy=policy,
        ci=options.get("ci") or "logit",
        level=float(options.get("level") or 0.95),
        lonely_psu=options.get("lonely_psu") or "fail",
        warnings=warnings,
    )
    fmt = options.get("format") or "csv"
    output = options.get("output")
    if fmt == "xlsx":
        if not output:
            raise ValueError("--format xlsx needs --output FILE")
        Path(output).write_bytes(exports.table_to_xlsx(table))
        return
    if fmt == "json":
        text = json.dumps(table.to_json(), indent=2) + "\n"
    elif fmt in ("sdmx-csv", "sdmx"):
        if not options.get("ref_area") or not options.get("time_period"):
            raise ValueError("--format sdmx-csv needs --ref-area and --time-period")
        text = exports.table_to_sdmx_csv(
            table,
            ref_area=options["ref_area"],
            time_period=options["time_period"],
            unlisted_ages=options.get("sdmx_unlisted_ages") or "refuse",
        )
    else:
        text = exports.table_to_csv(table)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        stdout.write(text)

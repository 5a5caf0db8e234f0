"""`synergy classify --framework F [--policy policy.json] INPUT.csv > OUTPUT.csv`."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from synergy.classification.csv_io import OUTPUT, REQUIRED, CsvInputError, classify_csv
from synergy.classification.engine import FRAMEWORKS
from synergy.classification.policy import Policy, PolicyError

MAX_REPORTED = 100


class Command(BaseCommand):
    help = (
        "Classify children in a CSV file as child labour (labels OOS, NW, PW, CL, HAZ, HC). "
        f"Input columns: {','.join(REQUIRED)} (flags 0/1; other_wfcl, industry, occupation "
        f"optional; an empty age is out of scope). Output to stdout: {','.join(OUTPUT)}. "
        "Every row is validated before anything is written."
    )
    requires_system_checks: list[str] = []  # pure computation: no database, no checks

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("input", help="CSV file to classify, or - for standard input")
        parser.add_argument("--framework", choices=FRAMEWORKS, default="icls-sna")
        parser.add_argument("--policy", help="national policy JSON (defaults: reference policy)")

    def handle(self, *args: Any, **options: Any) -> None:
        policy = None
        if options["policy"]:
            try:
                policy = Policy.from_json(options["policy"])
            except PolicyError as exc:
                raise CommandError(f"policy {options['policy']}: {exc}") from exc
        path = options["input"]
        try:
            if path == "-":
                text = classify_csv(sys.stdin, framework=options["framework"], policy=policy)
            else:
                with open(path, encoding="utf-8-sig", newline="") as stream:
                    text = classify_csv(stream, framework=options["framework"], policy=policy)
        except CsvInputError as exc:
            for error in exc.errors[:MAX_REPORTED]:
                self.stderr.write(f"{path}: {error}")
            if len(exc.errors) > MAX_REPORTED:
                self.stderr.write(f"{path}: ... and {len(exc.errors) - MAX_REPORTED} more")
            raise CommandError(f"{len(exc.errors)} error(s) in {path}; nothing written") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        self.stdout.write(text, ending="")

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from synergy.cooperation import matching
from synergy.core.models import Country
from synergy.knowledge.models import Theme


class Command(BaseCommand):
    help = (
        "South-South cooperation. 'match' ranks provider countries for a need, with the "
        "explanation of each score (docs/cooperation-matching.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        match = sub.add_parser(
            "match",
            help="Rank provider countries for a need of --country",
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
        match.add_argument("--country", required=True, help="The learning country (ISO alpha-2)")
        match.add_argument("--need", required=True, help="What the country wants to learn")
        match.add_argument("--theme", default="", help="A knowledge base theme's slug")
        match.add_argument("--top", type=int, default=10, help="How many countries to list")
        match.add_argument(
            "--weight",
            action="append",
            default=[],
            metavar="DIMENSION=W",
            help=f"Change a weight (0–10); dimensions: {', '.join(matching.DIMENSIONS)}",
        )
        match.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "match":
            self._match(options)

    def _match(self, options: dict[str, Any]) -> None:
        country = options["country"].upper()
        if not Country.objects.filter(pk=country).exists():
            raise CommandError(f"--country: no country with the code {options['country']!r}")
        theme = options["theme"]
        if theme and not Theme.objects.filter(slug=theme).exists():
            slugs = ", ".join(Theme.objects.values_list("slug", flat=True))
            raise CommandError(f"--theme: no theme {theme!r}; the themes are: {slugs}")
        if not 1 <= options["top"] <= 500:
            raise CommandError("--top: a number from 1 to 500")
        weights: dict[str, float] = {}
        for item in options["weight"]:
            name, _sep, value = item.partition("=")
            if name not in matching.DIMENSIONS:
                raise CommandError(f"--weight: no dimension {name!r}")
            try:
                weights[name] = float(value)
            except ValueError:
                raise CommandError(f"--weight {item}: the weight is not a number") from None
        found = matching.rank(
            learner=country,
            text=options["need"],
            theme=theme,
            weights=weights,
            top=options["top"],
        )
        if options["format"] == "json":
            self.stdout.write(
                json.dumps([m.as_dict() for m in found], ensure_ascii=False, indent=2)
            )
            return
        for number, m in enumerate(found, start=1):
            self.stdout.write(f"{number:>3}. {m.country} {m.name}  {m.score:.3f}")
            for name in m.drivers:
                self.stdout.write(f"       {name}: {m.dimensions[name]['reason']}")

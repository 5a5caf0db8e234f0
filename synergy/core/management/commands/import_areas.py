from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from synergy.core.areas import admin_areas_import
from synergy.core.errors import ImportRowError
from synergy.core.models import Country


class Command(BaseCommand):
    help = (
        "Import a country's administrative areas from CSV "
        "(code,name,level,parent_code,valid_from,valid_to). All rows or none are written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("country", help="ISO 3166-1 alpha-2 or alpha-3 code")
        parser.add_argument("path", help="CSV, Excel (.xlsx) or OpenDocument (.ods) file")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["country"].upper()
        country = (
            Country.objects.filter(iso2=code).first() or Country.objects.filter(iso3=code).first()
        )
        if country is None:
            raise CommandError(f"country: {code!r} is not an ISO 3166-1 code")
        try:
            with open(options["path"], "rb") as handle:
                count = admin_areas_import(
                    country=country, data=handle.read(), actor=None, filename=options["path"]
                )
        except OSError as exc:
            raise CommandError(f"path: {exc}") from None
        except ImportRowError as exc:
            for line, field, message in exc.errors:
                self.stderr.write(f"line {line}: {field}: {message}")
            raise CommandError(f"{len(exc.errors)} error(s); nothing was imported.") from None
        self.stdout.write(f"{count} areas imported for {country.name}.")

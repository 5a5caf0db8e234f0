from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from synergy.core.countries import countries_sync
from synergy.core.models import Country


class Command(BaseCommand):
    help = "Refresh the country list and regions from the installed pycountry/country_converter."

    def handle(self, *args: Any, **options: Any) -> None:
        count = countries_sync(Country)
        self.stdout.write(f"{count} countries up to date.")

"""Background work of the shared kernel (django-tasks; the database worker in production)."""

from __future__ import annotations

from django_tasks import task

from synergy.core.countries import countries_sync
from synergy.core.models import Country


@task()
def countries_refresh() -> int:
    """Refresh every country and its regions from the installed pycountry and country_converter
    data, e.g. after upgrading them; returns the number of countries."""
    return countries_sync(Country)

"""Codes and names of an import resolved in one query per kind."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _

from synergy.core.models import AdminArea, Country, Organisation
from synergy.interop import hxl
from synergy.interop.services.cells import Row


class Lookups:
    def __init__(self, rows: Sequence[Row], name_keys: Sequence[str]) -> None:
        self.countries: dict[str, Country] = {}
        for country in Country.objects.all():
            self.countries[country.iso2.upper()] = country
            self.countries[country.iso3.upper()] = country
        names: set[str] = set()
        for row in rows:
            for key in name_keys:
                names.update(hxl.split_list(row.cells.get(key, "")))
        self.organisations: dict[str, list[Organisation]] = {}
        for org in Organisation.objects.filter(name__in=names).order_by("pk"):
            self.organisations.setdefault(org.name, []).append(org)

    def country(self, row: Row, key: str, code: str) -> Country | None:
        country = self.countries.get(code.upper())
        if country is None:
            row.error(key, _("Unknown country code “%(code)s”.") % {"code": code})
        return country

    def organisation(
        self, row: Row, key: str, name: str, countries: Iterable[str]
    ) -> Organisation | None:
        candidates = self.organisations.get(name, [])
        if len(candidates) > 1:
            in_country = [o for o in candidates if o.country_id in set(countries)]
            international = [o for o in candidates if o.country_id is None]
            candidates = in_country or international or candidates
        if not candidates:
            row.error(key, _("Unknown organisation “%(name)s”.") % {"name": name})
            return None
        if len(candidates) > 1:
            row.error(key, _("Several organisations are named “%(name)s”.") % {"name": name})
            return None
        return candidates[0]


def find_areas(rows: Sequence[Row], keys: Sequence[str]) -> dict[tuple[str, str], AdminArea]:
    codes: set[str] = set()
    for row in rows:
        for key in keys:
            codes.update(hxl.split_list(row.cells.get(key, "")))
    return {
        (a.country_id, a.code): a
        for a in AdminArea.objects.filter(code__in=codes).select_related("parent")
    }


AREA_KEYS = [f"adm{level}_code" for level in range(1, hxl.MAX_AREA_LEVEL + 1)]

"""ISO 3166-1 countries with their UN M49 and ILO regions.

The country list and names come from pycountry (the ISO 3166 data maintained by Debian's
iso-codes); the M49 grouping comes from country_converter's data table. Neither is typed by
hand here: this module only joins them and derives the ILO region, whose rule is the ILO's own
grouping (the Arab States are the ILO Regional Office for Arab States' member States).
"""

from __future__ import annotations

import csv
import functools
import gettext
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pycountry
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.forms.models import ModelChoiceIterator
from django.utils import translation

# M49 codes of the sub-regions and intermediate regions that country_converter names, with the
# sub-region each belongs to (M49 puts Africa south of the Sahara and Latin America in one
# sub-region each, with intermediate regions below them).
M49_GROUPS: dict[str, tuple[str, str, str, str]] = {
    # name in the data table: (region code, sub-region code, sub-region, intermediate code)
    "Northern Africa": ("002", "015", "Northern Africa", ""),
    "Eastern Africa": ("002", "202", "Sub-Saharan Africa", "014"),
    "Middle Africa": ("002", "202", "Sub-Saharan Africa", "017"),
    "Southern Africa": ("002", "202", "Sub-Saharan Africa", "018"),
    "Western Africa": ("002", "202", "Sub-Saharan Africa", "011"),
    "Caribbean": ("019", "419", "Latin America and the Caribbean", "029"),
    "Central America": ("019", "419", "Latin America and the Caribbean", "013"),
    "South America": ("019", "419", "Latin America and the Caribbean", "005"),
    "Northern America": ("019", "021", "Northern America", ""),
    "Central Asia": ("142", "143", "Central Asia", ""),
    "Eastern Asia": ("142", "030", "Eastern Asia", ""),
    "South-eastern Asia": ("142", "035", "South-eastern Asia", ""),
    "Southern Asia": ("142", "034", "Southern Asia", ""),
    "Western Asia": ("142", "145", "Western Asia", ""),
    "Eastern Europe": ("150", "151", "Eastern Europe", ""),
    "Northern Europe": ("150", "154", "Northern Europe", ""),
    "Southern Europe": ("150", "039", "Southern Europe", ""),
    "Western Europe": ("150", "155", "Western Europe", ""),
    "Australia and New Zealand": ("009", "053", "Australia and New Zealand", ""),
    "Melanesia": ("009", "054", "Melanesia", ""),
    "Micronesia": ("009", "057", "Micronesia", ""),
    "Polynesia": ("009", "061", "Polynesia", ""),
}
M49_REGIONS = {"002": "Africa", "019": "Americas", "142": "Asia", "150": "Europe", "009": "Oceania"}

# Member States covered by the ILO Regional Office for Arab States, and the occupied
# Palestinian territory.
ILO_ARAB_STATES = {"BH", "IQ", "JO", "KW", "LB", "OM", "QA", "SA", "SY", "AE", "YE", "PS"}


@dataclass(frozen=True)
class CountryRecord:
    iso2: str
    iso3: str
    numeric: str
    name: str
    official_name: str
    m49_region_code: str
    m49_region: str
    m49_subregion_code: str
    m49_subregion: str
    ilo_region: str


def _converter_rows() -> list[dict[str, str]]:
    """The rows of country_converter's data table."""
    table = resources.files("country_converter").joinpath("country_data.tsv")
    with table.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _un_subregions() -> dict[str, str]:
    """ISO alpha-3 → M49 sub-region (or intermediate region) name, from country_converter."""
    # Keyed on alpha-3: the alpha-2 column holds patterns for a few countries (GB|UK).
    return {row["ISO3"]: row["UNregion"] for row in _converter_rows()}


def ilo_region_for(iso2: str, m49_region_code: str, m49_subregion_code: str) -> str:
    if iso2 in ILO_ARAB_STATES:
        return "arab_states"
    if m49_region_code == "002":
        return "africa"
    if m49_region_code == "019":
        return "americas"
    if m49_region_code == "150" or m49_subregion_code in ("143", "145"):
        return "europe_central_asia"
    if m49_region_code in ("142", "009"):
        return "asia_pacific"
    return ""


# Codes that ISO 3166-1 leaves to its users and that the partners' data use all the same:
# Kosovo's XK (World Bank, European Union, IATI's country codelist). Their facts come from
# country_converter's table, like the regions of the others.
USER_ASSIGNED = ("XK",)


def _user_assigned_rows() -> list[dict[str, str]]:
    return [row for row in _converter_rows() if row["ISO2"] in USER_ASSIGNED]


def user_assigned_names() -> dict[str, str]:
    """Short and official names of the user-assigned countries, to their code."""
    names: dict[str, str] = {}
    for row in _user_assigned_rows():
        for key in ("name_short", "name_official"):
            if row[key]:
                names[row[key]] = row["ISO2"]
    return names


def _record(
    iso2: str, iso3: str, numeric: str, name: str, official: str, un_region: str
) -> CountryRecord:
    group = M49_GROUPS.get(un_region)
    region_code, subregion_code, subregion, _intermediate = group or ("", "", "", "")
    return CountryRecord(
        iso2=iso2,
        iso3=iso3,
        numeric=numeric,
        name=name,
        official_name=official,
        m49_region_code=region_code,
        m49_region=M49_REGIONS.get(region_code, ""),
        m49_subregion_code=subregion_code,
        m49_subregion=subregion,
        ilo_region=ilo_region_for(iso2, region_code, subregion_code),
    )


def country_records() -> list[CountryRecord]:
    subregions = _un_subregions()
    records = [
        _record(
            country.alpha_2,
            country.alpha_3,
            country.numeric,
            getattr(country, "common_name", None) or country.name,
            getattr(country, "official_name", ""),
            subregions.get(country.alpha_3, ""),
        )
        for country in pycountry.countries
    ]
    records += [
        _record(
            row["ISO2"],
            row["ISO3"],
            row["ISOnumeric"],
            row["name_short"],
            row["name_official"],
            row["UNregion"],
        )
        for row in _user_assigned_rows()
    ]
    return records


def countries_sync(country_model: Any) -> int:
    """Create or refresh every country. Takes the model so that migrations can pass theirs."""
    count = 0
    for record in country_records():
        country_model.objects.update_or_create(iso2=record.iso2, defaults=record.__dict__)
        count += 1
    return count


@functools.cache
def _catalog(locale: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
    except OSError:  # no catalog for this language: the English names
        return gettext.NullTranslations()


def local_name(name: str) -> str:
    """A country's name (as stored, in English) in the active language, from the same
    iso-codes data's translations."""
    language = translation.get_language() or "en"
    if language.startswith("en"):
        return name
    return _catalog(translation.to_locale(language)).gettext(name)


def sort_key(name: str) -> str:
    """A key that sorts names as readers expect: accents and case aside (É with E)."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


class _ByLocalName(ModelChoiceIterator):
    """Country choices in the order of their names in the reader's language."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for country in sorted(self.queryset, key=lambda c: sort_key(str(c))):
            yield self.choice(country)


class CountryChoiceField(ModelChoiceField):
    iterator = _ByLocalName


class CountryMultipleChoiceField(ModelMultipleChoiceField):
    iterator = _ByLocalName

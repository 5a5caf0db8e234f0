"""The facts of a country profile that libraries know, so that nobody types them: official
languages (Babel's CLDR territory data), the UN M49 region and the finer UN sub-region
(country_converter, through ``synergy.core.countries``), and the latest SDG 8.7.1 figure from
the country's own survey in Synergy where there is one."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.languages import get_official_languages
from django.utils import translation

from synergy.core import countries
from synergy.core.models import Country


@functools.cache
def official_languages(iso2: str) -> tuple[str, ...]:
    """CLDR's official and de facto official languages of a territory, as base language codes
    (``sr_Latn`` counts as ``sr``)."""
    codes = get_official_languages(iso2, de_facto=True)
    return tuple(dict.fromkeys(code.split("_")[0] for code in codes))


def language_name(code: str) -> str:
    """A language's name in the reader's language (English when CLDR lacks that locale)."""
    try:
        locale = Locale.parse(translation.get_language() or "en", sep="-")
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return str(locale.languages.get(code) or Locale("en").languages.get(code) or code)


@functools.cache
def _un_subregions() -> dict[str, str]:
    return countries._un_subregions()


def un_subregion(country: Country) -> str:
    """The finest UN M49 grouping of a country (e.g. "Eastern Africa" rather than
    "Sub-Saharan Africa")."""
    return _un_subregions().get(country.iso3, "") or country.m49_subregion


@dataclass(frozen=True)
class Prevalence:
    percent: Decimal
    year: int
    source: str
    ci_low: Decimal | None = None
    ci_high: Decimal | None = None


def survey_prevalence(country_id: str) -> Prevalence | None:
    """SDG 8.7.1 from the country's latest ready survey in Synergy, through the indicator
    computed from it (the same figure as the country dashboard), or None."""
    from synergy.indicators.computed import Scope, compute
    from synergy.indicators.models import Indicator
    from synergy.indicators.periods import parse_period
    from synergy.surveys.models import DatasetStatus, SurveyDataset

    survey = (
        SurveyDataset.objects.filter(country_id=country_id, status=DatasetStatus.READY)
        .order_by("-year")
        .first()
    )
    indicator = Indicator.objects.filter(code="sdg-871").first()
    if survey is None or indicator is None:
        return None
    figure = compute(indicator, parse_period(str(survey.year)), Scope(country_id))
    if figure.value is None:
        return None
    return Prevalence(
        Decimal(figure.value).quantize(Decimal("0.01")),
        survey.year,
        str(survey),
        figure.ci_low,
        figure.ci_high,
    )

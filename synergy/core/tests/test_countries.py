from __future__ import annotations

import pycountry

from synergy.core.countries import countries_sync
from synergy.core.models import Country, IloRegion, Organisation
from synergy.testing import BaseTestCase


class CountryTests(BaseTestCase):
    def test_it_has_every_iso_country(self) -> None:
        self.assertEqual(Country.objects.count(), len(pycountry.countries) + 1)
        self.assertGreaterEqual(Country.objects.count(), 250)
        codes = set(Country.objects.values_list("iso2", flat=True))
        self.assertEqual(codes, {c.alpha_2 for c in pycountry.countries} | {"XK"})

    def test_it_knows_kosovo_by_its_user_assigned_code(self) -> None:
        kosovo = Country.objects.get(iso2="XK")
        self.assertEqual((kosovo.name, kosovo.iso3), ("Kosovo", "XKX"))
        self.assertEqual((kosovo.m49_region, kosovo.m49_subregion), ("Europe", "Southern Europe"))
        self.assertEqual(kosovo.ilo_region, IloRegion.EUROPE_CENTRAL_ASIA)

    def test_it_derives_m49_and_ilo_regions(self) -> None:
        expected = {
            "NP": ("Asia", "Southern Asia", IloRegion.ASIA_PACIFIC),
            "JO": ("Asia", "Western Asia", IloRegion.ARAB_STATES),
            "TR": ("Asia", "Western Asia", IloRegion.EUROPE_CENTRAL_ASIA),
            "NA": ("Africa", "Sub-Saharan Africa", IloRegion.AFRICA),
            "BR": ("Americas", "Latin America and the Caribbean", IloRegion.AMERICAS),
            "MG": ("Africa", "Sub-Saharan Africa", IloRegion.AFRICA),
            "EG": ("Africa", "Northern Africa", IloRegion.AFRICA),
            "FR": ("Europe", "Western Europe", IloRegion.EUROPE_CENTRAL_ASIA),
            "KZ": ("Asia", "Central Asia", IloRegion.EUROPE_CENTRAL_ASIA),
            "FJ": ("Oceania", "Melanesia", IloRegion.ASIA_PACIFIC),
            "US": ("Americas", "Northern America", IloRegion.AMERICAS),
        }
        for iso2, (region, subregion, ilo) in expected.items():
            with self.subTest(country=iso2):
                country = Country.objects.get(iso2=iso2)
                self.assertEqual(
                    (country.m49_region, country.m49_subregion, country.ilo_region),
                    (region, subregion, ilo),
                )
        self.assertEqual(Country.objects.get(iso2="NP").m49_subregion_code, "034")
        self.assertEqual(Country.objects.get(iso2="NA").iso3, "NAM")

    def test_it_gives_every_inhabited_country_an_ilo_region(self) -> None:
        # Antarctica and a few uninhabited territories have no M49 region.
        missing = set(Country.objects.filter(ilo_region="").values_list("iso2", flat=True))
        self.assertLessEqual(missing, {"AQ", "BV", "HM", "TF", "UM", "IO", "CX", "CC", "GS"})

    def test_it_syncs_idempotently(self) -> None:
        before = list(Country.objects.values_list("iso2", "ilo_region").order_by("iso2"))
        self.assertEqual(countries_sync(Country), len(pycountry.countries) + 1)
        after = list(Country.objects.values_list("iso2", "ilo_region").order_by("iso2"))
        self.assertEqual(before, after)


class IatiOrganisationTypeTests(BaseTestCase):
    def test_it_derives_the_iati_type_from_the_kind(self) -> None:
        self.assertEqual(self.partner_a.iati_organisation_type, "22")
        self.assertEqual(Organisation(name="Intl", kind="ngo").iati_organisation_type, "21")
        self.assertEqual(self.unit.iati_organisation_type, "10")
        cases = {"workers": "90", "employers": "70", "international": "40", "donor": "60"}
        for kind, code in cases.items():
            with self.subTest(kind=kind):
                org = Organisation(name=kind, kind=kind, country=self.country)
                self.assertEqual(org.iati_organisation_type, code)

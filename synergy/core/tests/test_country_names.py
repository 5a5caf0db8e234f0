"""Country names follow the reader's language (iso-codes' own translations); the stored name
stays the English one."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from synergy.core.countries import CountryChoiceField, sort_key
from synergy.core.forms import OrganisationForm
from synergy.core.models import Country
from synergy.testing import BaseTestCase


class CountryNameTests(BaseTestCase):
    def test_each_language_has_its_name(self) -> None:
        nepal = Country.objects.get(iso2="NP")
        self.assertEqual(nepal.name, "Nepal")
        expected = {"en": "Nepal", "fr": "Népal", "es": "Nepal", "ar": "نيبال"}
        for language, name in expected.items():
            with self.subTest(language=language), translation.override(language):
                self.assertEqual(str(nepal), name)
                self.assertEqual(nepal.local_name, name)
        with translation.override("fr"):
            self.assertEqual(str(Country.objects.get(iso2="US")), "États-Unis")

    def test_a_name_without_a_translation_stays_english(self) -> None:
        unknown = Country(iso2="XX", iso3="XXX", numeric="999", name="Nowhere Land")
        with translation.override("fr"):
            self.assertEqual(str(unknown), "Nowhere Land")

    def test_the_pages_show_the_readers_name(self) -> None:
        self.client.force_login(self.alice)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        url = reverse("core-organisation-detail", args=[self.partner_a.pk])
        response = self.client.get(url)
        self.assertContains(response, "Népal")

    def test_the_forms_list_countries_in_the_readers_order(self) -> None:
        with translation.override("fr"):
            field = OrganisationForm().fields["country"]
            assert isinstance(field, CountryChoiceField)
            names = [str(label) for _value, label in field.iterator(field)][1:]
        self.assertEqual(names, sorted(names, key=sort_key))
        # By the French name, not the English one ("United States" would come near the end).
        self.assertLess(names.index("Estonie"), names.index("États-Unis"))
        self.assertLess(names.index("États-Unis"), names.index("Éthiopie"))

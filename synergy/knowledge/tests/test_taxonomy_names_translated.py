"""Themes, forms of exploitation and target groups appear in the reader's language; a name an
administrator added is shown as written."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from synergy.knowledge.models import ExploitationForm, TargetGroup, Theme
from synergy.testing import BaseTestCase


class TaxonomyNamesTests(BaseTestCase):
    def test_the_shipped_names_are_translated_and_the_stored_ones_stay_english(self) -> None:
        theme = Theme.objects.get(slug="conditional-cash-transfers")
        with translation.override("fr"):
            self.assertEqual(str(theme), "Transferts monétaires conditionnels")
            self.assertEqual(
                ExploitationForm.objects.get(slug="forced-labour").label, "Travail forcé"
            )
        with translation.override("ar"):
            self.assertEqual(TargetGroup.objects.get(slug="teachers").label, "المعلمون")
        theme.refresh_from_db()
        self.assertEqual(theme.name, "Conditional cash transfers")

    def test_the_theme_pages_show_them_in_french_and_arabic(self) -> None:
        Theme.objects.create(slug="brick-kilns", name="Brick kilns of the Terai")
        self.client.force_login(self.alice)
        self.client.cookies["django_language"] = "fr"
        page = self.client.get(reverse("knowledge-theme-list"))
        self.assertContains(page, "Transferts monétaires conditionnels")
        self.assertNotContains(page, "Conditional cash transfers")
        self.assertContains(page, "Brick kilns of the Terai")
        self.client.cookies["django_language"] = "ar"
        detail = self.client.get(reverse("knowledge-theme-detail", args=["labour-inspection"]))
        self.assertContains(detail, "تفتيش العمل")

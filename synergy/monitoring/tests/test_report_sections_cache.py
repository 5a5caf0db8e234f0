"""The heavy report sections are kept a few minutes, say when they were counted, and are
counted again on demand; each scope and period keeps its own, shown in every language."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from synergy.monitoring.tests import factories as f
from synergy.monitoring.tests.test_indicators_scenario import ScenarioCase


class ReportSectionCacheTests(ScenarioCase):
    def shares_url(self) -> str:
        return reverse("monitoring-reports-partner", args=[self.partner_a.pk]) + (
            "?period=2025H1&part=shares"
        )

    def supported(self, url: str) -> tuple[int, int | None]:
        response = self.client.get(url, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        figure = {fig.key: fig for fig in response.context["shares"]}["SUPPORTED"]
        return figure.numerator, figure.denominator

    def add_identified_child(self) -> None:
        f.child(self.alice, self.partner_a, first_name="Newcomer", last_name="Late")

    def test_a_second_view_shows_the_kept_figures_and_says_when_they_were_counted(self) -> None:
        self.client.force_login(self.alice)
        first = self.client.get(self.shares_url(), HTTP_HX_REQUEST="true")
        self.assertContains(first, "Counted ")
        self.assertContains(first, "part=shares&amp;fresh=1")
        self.assertEqual(self.supported(self.shares_url()), (4, 5))
        self.add_identified_child()
        self.assertEqual(self.supported(self.shares_url()), (4, 5))
        # Counting again on demand, and keeping the new count.
        self.assertEqual(self.supported(self.shares_url() + "&fresh=1"), (4, 6))
        self.assertEqual(self.supported(self.shares_url()), (4, 6))

    @override_settings(REPORT_CACHE_SECONDS=0)
    def test_without_keeping_every_view_counts(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.supported(self.shares_url()), (4, 5))
        self.add_identified_child()
        self.assertEqual(self.supported(self.shares_url()), (4, 6))

    def test_each_scope_and_period_keeps_its_own_in_every_language(self) -> None:
        self.client.force_login(self.nina)
        partner = self.supported(self.shares_url())
        country = self.supported(
            reverse("monitoring-reports-country", args=["NP"]) + "?period=2025H1&part=shares"
        )
        # The country also counts partner B's child: not the partner's kept figures.
        self.assertEqual(partner, (4, 5))
        self.assertEqual(country, (5, 6))
        self.add_identified_child()
        # Another period is counted afresh.
        self.assertEqual(self.supported(self.shares_url().replace("2025H1", "2025H2")), (4, 6))
        # One kept count serves every language: the labels are translated when shown.
        english = self.client.get(self.shares_url(), HTTP_HX_REQUEST="true")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        french = self.client.get(self.shares_url(), HTTP_HX_REQUEST="true")
        self.assertContains(english, "Identified children who received support")
        self.assertNotContains(french, "Identified children who received support")
        self.assertContains(french, "Compter à nouveau")
        self.assertEqual(
            [(f.numerator, f.denominator) for f in french.context["shares"]],
            [(f.numerator, f.denominator) for f in english.context["shares"]],
        )
        self.assertEqual(self.supported(self.shares_url()), (4, 5))  # still the kept count

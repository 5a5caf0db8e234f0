"""The country and partner report pages: who sees which report, links to the children behind
each figure only for users allowed to see them, and pinned query counts."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from synergy.monitoring.tests import factories as f
from synergy.monitoring.tests.test_indicators_scenario import ScenarioCase

COUNTRY = reverse("monitoring-reports-country", args=["NP"])


class ReportPageTests(ScenarioCase):
    def partner_url(self) -> str:
        return reverse("monitoring-reports-partner", args=[self.partner_a.pk])

    def test_it_shows_the_coordinator_the_country_report_with_links(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.get(COUNTRY + "?period=2025H1")
        self.assertContains(response, "Country report: Nepal")
        self.assertContains(response, reverse("monitoring-reports-children"))
        # The heavier sections come as fragments (loaded by htmx), or inline with ?all=1.
        self.assertContains(response, 'hx-get="?period=2025H1&amp;part=usdol"')
        fragment = self.client.get(COUNTRY + "?period=2025H1&part=usdol", HTTP_HX_REQUEST="true")
        self.assertContains(fragment, "POC4")
        self.assertNotContains(fragment, "Country report: Nepal")
        self.assertContains(self.client.get(COUNTRY + "?period=2025H1&all=1"), "POH4")
        self.client.force_login(self.zoe)
        self.assertEqual(self.client.get(COUNTRY).status_code, 404)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(COUNTRY).status_code, 404)

    def test_it_heads_the_sex_columns_in_the_readers_language(self) -> None:
        self.client.force_login(self.nina)
        english = self.client.get(COUNTRY + "?period=2025H1&all=1").content.decode()
        self.assertIn('<th scope="col">F</th>', english)
        self.client.cookies["django_language"] = "ar"
        arabic = self.client.get(COUNTRY + "?period=2025H1&all=1").content.decode()
        self.assertIn('<th scope="col">إ</th>', arabic)
        self.assertIn('<th scope="col">ذ</th>', arabic)
        self.assertNotIn('<th scope="col">F</th>', arabic)
        # The links behind the figures keep the codes, whatever the language.
        self.assertIn(":F:", arabic)

    def test_it_shows_a_partner_its_own_report_only(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(self.partner_url() + "?period=2025H1")
        self.assertContains(response, "Partner report: Partner A")
        self.assertContains(response, reverse("monitoring-reports-children"))
        for user in (self.charlie, self.bob):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.partner_url()).status_code, 404)

    def test_it_gives_the_analyst_figures_but_no_list(self) -> None:
        self.client.force_login(self.ana)
        response = self.client.get(self.partner_url() + "?period=2025H1&all=1")
        self.assertContains(response, "POC1")
        self.assertNotContains(response, reverse("monitoring-reports-children"))
        listing = reverse("monitoring-reports-children") + (
            f"?organisation={self.partner_a.pk}&key=SUPPORTED"
        )
        self.assertEqual(self.client.get(listing).status_code, 404)

    def test_it_lists_the_children_behind_a_figure(self) -> None:
        key = f"outcome:{self.project.pk}:{self.partner_a.pk}:withdrawn:F:12-14"
        url = reverse("monitoring-reports-children") + (
            f"?organisation={self.partner_a.pk}&period=2025H1&key={key}"
        )
        self.client.force_login(self.alice)
        response = self.client.get(url)
        self.assertContains(response, "Asha")
        self.assertNotContains(response, "Bimal")
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(url).status_code, 404)

    def _queries(self, url: str) -> int:
        self.client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(ctx.captured_queries)

    # Counted at every view: kept sections would make the second view cheaper.
    @override_settings(REPORT_CACHE_SECONDS=0)
    def test_it_pins_the_query_count_of_both_reports(self) -> None:
        self.client.force_login(self.nina)
        urls = {
            COUNTRY + "?period=2025H1": 0,
            COUNTRY + "?period=2025H1&part=ages": 0,
            COUNTRY + "?period=2025H1&part=shares": 0,
            COUNTRY + "?period=2025H1&part=usdol": 0,
            self.partner_url() + "?period=2025H1": 0,
        }
        for url in urls:
            urls[url] = self._queries(url)
        # Session, user and memberships (8), then: the counts against targets (targets,
        # organisations without a country, totals: 3); the age groups (targets, counts: 2 + 2
        # for the fragment's own lookups); shares (identified, supported, followed up: 3);
        # USDOL (E1, L1, POC, POH x2: 5).
        self.assertEqual(list(urls.values()), [13, 12, 11, 13, 10])
        # More children, visits, referrals and outcomes: the same number of queries.
        for n in range(3):
            extra = f.child(
                self.alice,
                self.partner_a,
                first_name=f"Extra{n}",
                last_name="X",
                projects=[self.project],
            )
            f.visit(self.alice, extra, "identification", f.date(2025, 2, 1), **f.HAZARDOUS)
        for url, before in urls.items():
            self.assertEqual(self._queries(url), before, url)

"""``synergy monitoring count-reports`` counts the country reports' heavy sections ahead, into
a cache the server shares, so that readers find them counted."""

from __future__ import annotations

import tempfile
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from synergy.core.tests.test_settings import load_settings
from synergy.monitoring.tests import factories as f
from synergy.monitoring.tests.test_indicators_scenario import ScenarioCase


def shared_cache(directory: str) -> dict[str, dict[str, str]]:
    backend = "django.core.cache.backends.filebased.FileBasedCache"
    return {"default": {"BACKEND": backend, "LOCATION": directory}}


class CountReportsCommandTests(ScenarioCase):
    def supported(self) -> tuple[int, int | None]:
        url = reverse("monitoring-reports-country", args=["NP"]) + "?part=shares"
        response = self.client.get(url, HTTP_HX_REQUEST="true")
        figure = {fig.key: fig for fig in response.context["shares"]}["SUPPORTED"]
        return figure.numerator, figure.denominator

    def test_readers_find_the_sections_counted(self) -> None:
        with (
            tempfile.TemporaryDirectory() as directory,
            override_settings(CACHES=shared_cache(directory)),
        ):
            out = StringIO()
            call_command("monitoring", "count-reports", "--periods", "1", stdout=out)
            self.assertIn("NP ", out.getvalue())
            self.assertIn("usdol:", out.getvalue())
            self.assertIn("Done: 1 country report(s), 1 half-year(s) each.", out.getvalue())
            # A child registered after the count: the page shows the kept count.
            f.child(self.alice, self.partner_a, first_name="Newcomer", last_name="Late")
            self.client.force_login(self.nina)
            self.assertEqual(self.supported(), (5, 6))
            call_command("monitoring", "count-reports", "--country", "np", stdout=StringIO())
            self.assertEqual(self.supported(), (5, 7))

    def test_it_refuses_a_cache_the_server_would_not_share(self) -> None:
        with self.assertRaisesMessage(CommandError, "CACHE_URL is locmem://"):
            call_command("monitoring", "count-reports", stdout=StringIO())

    def test_it_names_an_unknown_country(self) -> None:
        with (
            tempfile.TemporaryDirectory() as directory,
            override_settings(CACHES=shared_cache(directory)),
        ):
            with self.assertRaisesMessage(CommandError, "--country: no country 'XX'"):
                call_command("monitoring", "count-reports", "--country", "XX", stdout=StringIO())

    def test_the_cache_url_is_checked_at_start(self) -> None:
        result = load_settings(DEBUG="1", CACHE_URL="memcached://somewhere")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("CACHE_URL must be locmem://, database:// or file:///", result.stderr)
        shared = load_settings(
            "print(s.CACHES['default']['BACKEND'])", DEBUG="1", CACHE_URL="database://"
        )
        self.assertEqual(shared.stdout.strip(), "django.core.cache.backends.db.DatabaseCache")

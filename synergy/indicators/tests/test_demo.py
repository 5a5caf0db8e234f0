"""The demo shows indicators, values in every state, and the seven Pathfinder roadmaps with
overdue actions; loading it twice changes nothing."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from synergy.core.models import User
from synergy.indicators.models import Action, IndicatorValue, Roadmap
from synergy.indicators.selectors import overdue_actions


class DemoTests(TestCase):
    def setUp(self) -> None:
        from synergy.monitoring.tests.factories import use_temporary_media

        use_temporary_media(self)  # the demo survey's data file

    def test_the_demo_survey_gives_the_871_figure_with_its_interval(self) -> None:
        from django.utils import timezone

        from synergy.indicators.computed import Scope, compute
        from synergy.indicators.models import Indicator
        from synergy.indicators.periods import parse_period

        call_command("demo", stdout=io.StringIO())
        last_year = parse_period(str(timezone.localdate().year - 1))
        figure = compute(Indicator.objects.get(code="sdg-871"), last_year, Scope("NP"))
        assert figure.value is not None and figure.ci_low is not None and figure.ci_high is not None
        self.assertTrue(0 < figure.ci_low < figure.value < figure.ci_high < 100, figure)
        girls = compute(Indicator.objects.get(code="sdg-871"), last_year, Scope("NP"), {"sex": "F"})
        self.assertIsNotNone(girls.value)

    def test_the_demo_loads_once_and_every_page_renders(self) -> None:
        call_command("demo", stdout=io.StringIO())
        counts = (Roadmap.objects.count(), Action.objects.count(), IndicatorValue.objects.count())
        call_command("demo", stdout=io.StringIO())
        self.assertEqual(
            (Roadmap.objects.count(), Action.objects.count(), IndicatorValue.objects.count()),
            counts,
        )
        self.assertEqual(
            sorted(Roadmap.objects.values_list("country_id", flat=True)),
            ["AL", "CL", "MG", "MR", "NG", "NP", "UG"],
        )
        self.assertTrue(overdue_actions(country_id="NP").exists())
        statuses = set(IndicatorValue.objects.values_list("status", flat=True))
        self.assertEqual(statuses, {"draft", "submitted", "approved"})
        self.assertTrue(IndicatorValue.objects.filter(correction=2, current=True).exists())
        self.client.force_login(User.objects.get(username="coordinator"))
        for url in (
            reverse("indicators-list"),
            reverse("indicators-detail", args=["clms-withdrawn"]) + "?by=sex",
            reverse("indicators-detail", args=["np-cl-free-municipalities"]),
            reverse("indicators-roadmaps"),
            reverse("indicators-dashboard"),
            reverse("indicators-roadmap", args=["NP"]),
        ):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 200)
        inspections = self.client.get(reverse("indicators-detail", args=["np-inspections"]))
        self.assertContains(inspections, 'id="mismatches"')  # the demo's second half-year

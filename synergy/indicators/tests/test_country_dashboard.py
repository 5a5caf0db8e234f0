"""The country dashboard: withdrawn against the targets by half-year, the roadmap's overdue
actions, and the same small-cell suppression as every other aggregate."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from synergy.core.models import User
from synergy.indicators.models import Action, Roadmap
from synergy.indicators.tests.personas import IndicatorsCase


@override_settings(SMALL_CELL_MIN=5)
class CountryDashboardTests(IndicatorsCase):
    def setUp(self) -> None:
        super().setUp()
        roadmap = Roadmap.objects.create(country=self.country)
        Action.objects.create(
            roadmap=roadmap,
            title="Provincial committees",
            due_on=timezone.localdate() - timedelta(days=2),
        )
        Action.objects.create(roadmap=roadmap, title="Work plan", status="done")

    def chart(self, user: User) -> dict[str, Any]:
        self.client.force_login(user)
        page = self.client.get(reverse("indicators-dashboard"), {"country": "NP"})
        self.assertEqual(page.status_code, 200)
        island = re.search(
            r'<script id="progress-data" type="application/json">(.*?)</script>',
            page.content.decode(),
            re.S,
        )
        assert island is not None
        self.page = page
        return json.loads(island.group(1))

    def test_the_coordinator_sees_progress_against_the_target_and_the_roadmap(self) -> None:
        data = self.chart(self.nina)
        at = data["labels"].index("2025-S1")
        achieved, target = data["series"][0], data["series"][1]
        self.assertEqual((achieved["values"][at], target["values"][at]), (3.0, 3.0))
        board = self.page.context["board"]
        self.assertEqual((board.actions_done, board.actions_total), (1, 2))
        self.assertEqual([a.title for a in board.overdue], ["Provincial committees"])

    def test_an_analyst_sees_small_counts_suppressed_on_the_dashboard_too(self) -> None:
        data = self.chart(self.ana)
        at = data["labels"].index("2025-S1")
        self.assertIsNone(data["series"][0]["values"][at])
        # Targets are no count of children: never suppressed.
        self.assertEqual(data["series"][1]["values"][at], 3.0)


@override_settings(SMALL_CELL_MIN=5)
class CoordinatorHomeTests(IndicatorsCase):
    def test_the_coordinator_home_page_is_the_country_dashboard(self) -> None:
        self.client.force_login(self.nina)
        page = self.client.get(reverse("core-home"))
        self.assertContains(page, 'data-section="indicators/_country_board.html"')
        self.assertContains(page, 'id="progress-data"')
        self.assertContains(page, "vendor/chartjs/chart.umd.js")
        self.assertEqual(page.context["sections"][0].context["country"].pk, "NP")

    def test_a_partner_manager_home_page_is_its_organisation_dashboard(self) -> None:
        from synergy.indicators.dashboard_country import country_dashboard

        self.client.force_login(self.alice)
        page = self.client.get(reverse("core-home"))
        section = page.context["sections"][0]
        self.assertEqual(str(section.title), f"Organisation dashboard · {self.partner_a.name}")
        mine = section.context["board"].chart["series"][0]["values"]
        # The organisation's own counts: the country's minus the other partners'.
        country = country_dashboard(self.nina, "NP").chart["series"][0]["values"]
        others = country_dashboard(self.nina, "NP", organisation_id=self.partner_b.pk)
        theirs = others.chart["series"][0]["values"]
        for own, total, other in zip(mine, country, theirs, strict=True):
            if own is not None and total is not None and other is not None:
                self.assertLessEqual(own + other, total)
        self.assertNotEqual(mine, country)

    def test_a_viewer_sees_the_country_with_small_counts_suppressed(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(reverse("core-home"))
        board = page.context["sections"][0].context["board"]
        at = board.chart["labels"].index("2025-S1")
        self.assertIsNone(board.chart["series"][0]["values"][at])  # 3 children: below 5
        self.assertEqual(board.chart["series"][1]["values"][at], 3.0)  # the target is shown

    def test_a_user_without_an_organisation_keeps_the_plain_home_page(self) -> None:
        from synergy.testing import make_user

        loner = make_user("loner")
        self.client.force_login(loner)
        page = self.client.get(reverse("core-home"))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "indicators/_country_board.html")
        self.assertNotContains(page, "chart.umd.js")


class CoverageOnTheDashboardTests(IndicatorsCase):
    def test_the_dashboard_names_the_areas_without_partners(self) -> None:
        from synergy.core.models import AdminArea
        from synergy.indicators.dashboard_country import coverage_summary
        from synergy.partners.models import Activity

        east = AdminArea.objects.create(country=self.country, code="NP-E", name="East", level=1)
        west = AdminArea.objects.create(country=self.country, code="NP-W", name="West", level=1)
        Activity.objects.create(
            organisation=self.partner_a,
            title="Catch-up classes",
            intervention_type="prevention",
            level="outreach",
            exploitation_form="child_labour",
            migration_stage="source",
            country=self.country,
            admin_area=east,
            start_date=timezone.localdate(),
        )
        summary = coverage_summary("NP")
        self.assertEqual(summary["areas_covered"], summary["areas_total"] - len(summary["gaps"]))
        self.assertIn(west, summary["gaps"])
        self.assertNotIn(east, summary["gaps"])
        self.assertEqual(summary["cells_total"] - summary["cells_empty"], 1)
        self.client.force_login(self.nina)
        page = self.client.get(reverse("indicators-dashboard"), {"country": "NP"})
        self.assertContains(page, "No partner yet in")
        self.assertContains(page, "West")
        # The coverage map, as on the 4W page: East with its organisation, West a gap.
        self.assertContains(page, 'data-area="NP-E" data-organisations="1"')
        self.assertContains(page, 'data-area="NP-W" data-organisations="0"')
        self.assertContains(page, "partners/partners.css")


@override_settings(SMALL_CELL_MIN=5)
class AgeGroupsOnTheDashboardTests(IndicatorsCase):
    def test_the_headlines_break_the_half_year_down_by_age_group(self) -> None:
        from synergy.indicators.dashboard_country import country_dashboard
        from synergy.indicators.models import Dimension

        board = country_dashboard(self.nina, "NP")
        headline = board.headlines[0]
        items = Dimension.objects.get(code="age_group").item_codes()
        self.assertEqual(list(headline["by_age"]), list(items))
        # The parts never exceed the half-year's total (suppressed cells read as None).
        total = headline["latest"].value or 0
        parts = [f.value for f in headline["by_age"].values() if f.value is not None]
        self.assertLessEqual(sum(parts), total)

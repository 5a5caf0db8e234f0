"""The indicator and roadmap pages, as each persona uses them."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from synergy.core.models import AuditEvent
from synergy.indicators.models import Action, ActionNote, IndicatorValue, Roadmap
from synergy.indicators.tests.personas import IndicatorsCase


class IndicatorPagesTests(IndicatorsCase):
    def test_the_menu_leads_to_the_list_and_the_list_searches(self) -> None:
        self.client.force_login(self.nina)
        home = self.client.get(reverse("core-home"))
        self.assertContains(home, f'href="{reverse("indicators-list")}"')
        page = self.client.get(reverse("indicators-list"), {"q": "withdrawn"})
        self.assertContains(page, "clms-withdrawn")
        self.assertNotContains(page, "np-bridge-schools")

    def test_the_detail_shows_progress_and_its_chart_data(self) -> None:
        self.client.force_login(self.nina)
        url = reverse("indicators-detail", args=["clms-withdrawn"])
        page = self.client.get(url, {"country": "NP", "from": "2025", "to": "2025", "by": "sex"})
        self.assertEqual(page.status_code, 200)
        island = re.search(
            r'<script id="progress-data" type="application/json">(.*?)</script>',
            page.content.decode(),
            re.S,
        )
        assert island is not None
        data = json.loads(island.group(1))
        self.assertEqual(data["labels"], ["2025-S1", "2025-S2"])
        self.assertEqual(data["series"][0]["values"], [3.0, 0.0])
        records = reverse("indicators-records", args=["clms-withdrawn"])
        self.assertContains(page, f"{records}?country=NP&amp;period=2025-S1")

    def test_a_figure_opens_its_children_for_the_coordinator_only(self) -> None:
        url = reverse("indicators-records", args=["clms-withdrawn"])
        query: dict[str, str] = {"country": "NP", "period": "2025-S1", "sex": "M"}
        self.client.force_login(self.nina)
        page = self.client.get(url, query)
        self.assertEqual(
            [c.pk for c in page.context["page"].object_list], [self.children["bimal"].pk]
        )
        self.client.force_login(self.ana)  # an analyst sees figures, never children
        self.assertEqual(self.client.get(url, query).status_code, 404)

    def test_another_partners_scope_is_404(self) -> None:
        self.client.force_login(self.charlie)
        url = reverse("indicators-detail", args=["np-bridge-schools"])
        self.assertEqual(
            self.client.get(
                url, {"country": "NP", "organisation": str(self.partner_a.pk)}
            ).status_code,
            404,
        )
        self.assertEqual(
            self.client.get(
                reverse("indicators-enter", args=["np-bridge-schools"]),
                {"country": "NP", "organisation": str(self.partner_a.pk)},
            ).status_code,
            404,
        )


class ValuesTableTests(IndicatorsCase):
    def test_the_table_lists_the_values_of_the_scope_shown_page_by_page(self) -> None:
        from decimal import Decimal

        from synergy.indicators import services
        from synergy.indicators.views import VALUES_PAGE_SIZE

        for month in range(1, 13):
            for scope in (self.national(), self.of_partner(self.partner_a.pk)):
                services.value_enter(
                    actor=self.nina,
                    figure=services.Figure(
                        self.schools, "actual", f"2026-{month:02d}", scope, {}, Decimal(month)
                    ),
                )
        for month in range(1, 13):  # and 36 national targets: a second page of 50
            for dis in ({}, {"sex": "F"}, {"sex": "M"}):
                services.value_enter(
                    actor=self.nina,
                    figure=services.Figure(
                        self.schools,
                        "target",
                        f"2026-{month:02d}",
                        self.national(),
                        dis,
                        Decimal(9),
                    ),
                )
        self.client.force_login(self.nina)
        url = reverse("indicators-detail", args=["np-bridge-schools"])
        national = self.client.get(url, {"country": "NP", "from": "2026", "to": "2026"})
        listed = national.context["values"]
        self.assertEqual(
            (listed.paginator.count, listed.paginator.num_pages), (48, 48 // VALUES_PAGE_SIZE + 1)
        )
        self.assertTrue(all(v.organisation_id is None for v in listed.object_list))
        partner = self.client.get(
            url,
            {"country": "NP", "organisation": str(self.partner_a.pk), "from": "2026", "to": "2026"},
        )
        self.assertEqual(partner.context["values"].paginator.count, 12)


class GridTests(IndicatorsCase):
    def url(self) -> str:
        query = (
            f"?country=NP&organisation={self.partner_a.pk}&kind=target&every=half-year&year=2026"
        )
        return reverse("indicators-enter", args=["np-bridge-schools"]) + query

    def test_a_grid_is_saved_whole_or_not_at_all(self) -> None:
        self.client.force_login(self.alice)
        bad = {"v_total_2026-S1": "10", "v_sex-F_2026-S1": "4", "v_sex-M_2026-S1": "six"}
        page = self.client.post(self.url(), bad)
        self.assertContains(page, "Nothing was saved")
        self.assertContains(page, "Enter a number.")
        self.assertEqual(IndicatorValue.objects.count(), 0)
        good = {**bad, "v_sex-M_2026-S1": "6", "c_2026-S1": "Two new schools in Ward 4"}
        response = self.client.post(self.url(), good)
        self.assertEqual(response.status_code, 302)
        stored = {
            (tuple(v.disaggregation.items()), v.value, v.comment)
            for v in IndicatorValue.objects.all()
        }
        self.assertEqual(len(stored), 3)
        self.assertIn(((("sex", "M"),), 6, "Two new schools in Ward 4"), stored)

    def test_a_viewer_may_not_enter(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 403)


class RoadmapPagesTests(IndicatorsCase):
    def setUp(self) -> None:
        super().setUp()
        self.roadmap = Roadmap.objects.create(country=self.country)
        today = timezone.localdate()
        self.late = Action.objects.create(
            roadmap=self.roadmap,
            title="Form provincial committees",
            due_on=today - timedelta(days=10),
        )
        self.late.responsible.set([self.partner_a])
        Action.objects.create(
            roadmap=self.roadmap, title="Review the law", due_on=today + timedelta(days=10)
        )

    def test_overdue_actions_stand_out(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(reverse("indicators-roadmap", args=["np"]))
        self.assertEqual(page.context["overdue_count"], 1)
        self.assertContains(
            page, f'<div class="list-group-item list-group-item-danger" id="action-{self.late.pk}">'
        )
        listing = self.client.get(reverse("indicators-roadmaps"))
        self.assertEqual(listing.context["rows"][0]["overdue"], 1)

    def test_the_responsible_partner_follows_the_action_and_others_may_not(self) -> None:
        url = reverse("indicators-action-follow-up", args=[self.late.pk])
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(url, {"version": 1, "status": "done"}).status_code, 403)
        self.client.force_login(self.alice)
        self.client.post(
            url, {"version": 1, "status": "under_way", "note": "Two provinces have met."}
        )
        self.late.refresh_from_db()
        self.assertEqual((self.late.status, self.late.version), ("under_way", 2))
        self.assertEqual(ActionNote.objects.get().text, "Two provinces have met.")
        self.assertTrue(
            AuditEvent.objects.filter(action="update", object_type="indicators.action").exists()
        )


class ActionAddTests(IndicatorsCase):
    def test_the_coordinator_adds_a_next_step_and_a_partner_may_not(self) -> None:
        roadmap = Roadmap.objects.create(country=self.country)
        url = reverse("indicators-action-add", args=["NP"])
        body = {
            "title": "Train district inspectors",
            "due_on": "2027-03-31",
            "responsible": [self.partner_a.pk],
        }
        self.client.force_login(self.alice)
        self.assertEqual(self.client.post(url, body).status_code, 403)
        self.assertFalse(roadmap.actions.exists())
        self.client.force_login(self.nina)
        page = self.client.get(reverse("indicators-roadmap", args=["NP"]))
        self.assertContains(page, "Add a next step")
        self.client.post(url, body)
        action = roadmap.actions.get()
        self.assertEqual(
            (action.title, str(action.due_on), list(action.responsible.all())),
            ("Train district inspectors", "2027-03-31", [self.partner_a]),
        )
        self.assertTrue(
            AuditEvent.objects.filter(action="create", object_type="indicators.action").exists()
        )

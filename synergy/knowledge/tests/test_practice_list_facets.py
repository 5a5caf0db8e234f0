"""The practice list renders every filter with its counts as checkboxes that keep the query,
and badges each outcome with its own kind."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from synergy.knowledge import services
from synergy.knowledge.models import ExploitationForm, Theme
from synergy.knowledge.tests.helpers import KnowledgeTestCase


class PracticeListFacetTests(KnowledgeTestCase):
    def test_it_renders_all_seven_filters_with_counts(self) -> None:
        practice = self.published(
            title="Kiln inspections",
            themes=[Theme.objects.get(slug="labour-inspection")],
            exploitation_forms=[ExploitationForm.objects.order_by("pk")[0]],
            regions=["asia_pacific"],
            countries=[("NP", "shared")],
            year_start=2015,
        )
        services.practice_assess(
            actor=self.kate,
            practice=practice,
            scores={"replicable": (3, "Three districts")},
            evidence_level="evaluated",
        )
        self.published(title="Kiln schools", regions=["africa"], countries=[("MG", "shared")])
        self.client.force_login(self.bob)
        response = self.client.get(reverse("knowledge-practice-list") + "?q=kiln&country=NP")
        groups = {g.name: g for g in response.context["facet_groups"]}
        self.assertEqual(
            list(groups),
            ["theme", "region", "country", "form", "criterion", "evidence_level", "year"],
        )
        for name in groups:
            with self.subTest(facet=name):
                self.assertTrue(groups[name].choices, name)
        countries = {c.value: (c.count, c.checked) for c in groups["country"].choices}
        self.assertEqual(countries, {"NP": (1, True), "MG": (1, False)})  # own filter ignored
        self.assertEqual([c.count for c in groups["region"].choices], [1])  # NP only
        body = response.content.decode()
        for legend in ("Form of exploitation", "Meets the criterion", "Evidence level"):
            self.assertIn(f'<legend class="h6">{legend}</legend>', body)
        self.assertIn('name="country" value="NP" checked', body)
        self.assertIn('name="year" value="2015"', body)
        self.assertIn('name="q" value="kiln"', body)  # the query stays in the same form
        self.assertContains(response, "Kiln inspections")
        self.assertNotContains(response, "Kiln schools")

    def test_it_badges_each_outcome_with_its_kind(self) -> None:
        event = services.event_create(
            actor=self.kate, kind="forum", title="Forum", start_date=date(2026, 1, 1)
        )
        services.outcome_create(
            actor=self.kate, event=event, kind="success_story", title="Kiln story"
        )
        services.outcome_create(
            actor=self.kate, event=event, kind="commitment", title="Kiln commitment"
        )
        self.client.force_login(self.bob)
        response = self.client.get(reverse("knowledge-practice-list") + "?q=kiln")
        body = response.content.decode()
        self.assertIn("Success story</span>", body)
        self.assertIn("Commitment</span>", body)
        self.assertNotIn("Lesson learned</span>", body)

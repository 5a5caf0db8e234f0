"""The knowledge API: practices with their workflow, events and outcomes."""

from __future__ import annotations

from typing import Any

from synergy.knowledge.models import GoodPractice
from synergy.knowledge.tests.helpers import KnowledgeTestCase

BASE = "/api/v1/knowledge"


class ApiTests(KnowledgeTestCase):
    def post(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.post(url, data, content_type="application/json")

    def patch(self, url: str, data: dict[str, Any]) -> Any:
        return self.client.patch(url, data, content_type="application/json")

    def test_it_creates_updates_and_publishes_a_practice(self) -> None:
        self.client.force_login(self.alice)
        created = self.post(
            f"{BASE}/practices",
            {
                "title": "Joint inspections",
                "action": "Inspectors and welfare officers go together.",
                "themes": ["labour-inspection"],
                "regions": ["asia_pacific"],
                "countries": [
                    {"country": "np", "role": "shared"},
                    {"country": "MG", "role": "learned"},
                ],
            },
        )
        self.assertEqual(created.status_code, 201, created.content)
        body = created.json()
        self.assertEqual(body["status"], "draft")
        self.assertEqual(body["themes"], ["labour-inspection"])
        self.assertEqual(
            sorted((c["country"], c["role"]) for c in body["countries"]),
            [("MG", "learned"), ("NP", "shared")],
        )
        self.assertIn("submit", body["allowed_actions"])
        url = f"{BASE}/practices/{body['id']}"
        updated = self.patch(url, {"version": 1, "summary": "Short"})
        self.assertEqual((updated.status_code, updated.json()["version"]), (200, 2))
        self.assertEqual(self.patch(url, {"version": 1, "summary": "Stale"}).status_code, 409)
        self.assertEqual(self.patch(url, {"version": 2, "themes": ["nope"]}).status_code, 422)
        self.assertEqual(self.post(f"{url}/transitions", {"action": "submit"}).status_code, 200)
        self.assertEqual(self.post(f"{url}/transitions", {"action": "review"}).status_code, 403)
        self.client.force_login(self.kate)
        self.assertEqual(self.post(f"{url}/transitions", {"action": "review"}).status_code, 200)
        published = self.post(f"{url}/transitions", {"action": "publish"})
        self.assertEqual(published.json()["status"], "published")
        self.assertEqual(self.post(f"{url}/transitions", {"action": "publish"}).status_code, 422)

    def test_outsiders_get_404_on_drafts_and_403_on_published_writes(self) -> None:
        draft = self.practice()
        published = self.published(title="Open")
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(f"{BASE}/practices/{draft.pk}").status_code, 404)
        self.assertEqual(
            self.patch(f"{BASE}/practices/{draft.pk}", {"version": 1}).status_code, 404
        )
        self.assertEqual(self.client.get(f"{BASE}/practices/{published.pk}").status_code, 200)
        self.assertEqual(
            self.patch(
                f"{BASE}/practices/{published.pk}", {"version": published.version}
            ).status_code,
            403,
        )
        listed = self.client.get(f"{BASE}/practices").json()
        self.assertEqual([p["title"] for p in listed["items"]], ["Open"])

    def test_the_list_filters_and_pins_its_queries(self) -> None:
        for n in range(3):
            self.published(title=f"Practice {n}", themes=[], regions=["africa"])
        self.client.force_login(self.kate)
        with self.assertNumQueries(12):
            first = self.client.get(f"{BASE}/practices?region=africa")
        for n in range(3, 9):
            self.published(title=f"Practice {n}", regions=["africa"])
        with self.assertNumQueries(12):
            second = self.client.get(f"{BASE}/practices?region=africa")
        self.assertEqual((first.json()["count"], second.json()["count"]), (3, 9))
        self.assertEqual(self.client.get(f"{BASE}/practices?region=americas").json()["count"], 0)
        self.assertEqual(self.client.get(f"{BASE}/practices?q=practice%205").json()["count"], 1)

    def test_events_and_outcomes(self) -> None:
        self.client.force_login(self.alice)
        event = self.post(
            f"{BASE}/events",
            {
                "kind": "forum",
                "title": "Partners forum",
                "start_date": "2026-03-10",
                "country": "NP",
                "participating_countries": ["NP", "MG"],
            },
        )
        self.assertEqual(event.status_code, 201, event.content)
        event_id = event.json()["id"]
        outcome = self.post(
            f"{BASE}/events/{event_id}/outcomes",
            {
                "kind": "commitment",
                "title": "Share the template",
                "owner_organisation": self.partner_a.pk,
                "due_date": "2026-06-30",
            },
        )
        self.assertEqual(outcome.status_code, 201, outcome.content)
        self.assertEqual(outcome.json()["status"], "open")
        outcome_id = outcome.json()["id"]
        done = self.patch(f"{BASE}/outcomes/{outcome_id}", {"version": 1, "status": "done"})
        self.assertEqual(done.json()["status"], "done")
        listed = self.client.get(f"{BASE}/events/{event_id}/outcomes").json()
        self.assertEqual([o["title"] for o in listed["items"]], ["Share the template"])
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(f"{BASE}/events/{event_id}").status_code, 200)
        self.assertEqual(
            self.patch(f"{BASE}/events/{event_id}", {"version": 1, "title": "x"}).status_code, 403
        )
        self.assertEqual(self.client.get(f"{BASE}/events/999999").status_code, 404)
        self.assertEqual(GoodPractice.objects.count(), 0)

    def test_the_list_ranks_a_text_query_like_the_search_page(self) -> None:
        mention = self.published(title="Community committees", background="Some apprenticeship.")
        title = self.published(title="Apprenticeship for older children")
        summary = self.published(title="Vocational paths", summary="Apprenticeship in garages.")
        self.published(title="Birth registration")
        self.practice(title="Apprenticeship draft")  # alice's draft: not for charlie
        self.client.force_login(self.charlie)
        listed = self.client.get(f"{BASE}/practices?q=apprenticeships").json()
        self.assertEqual([p["id"] for p in listed["items"]], [title.pk, summary.pk, mention.pk])
        self.assertEqual(listed["count"], 3)
        page = self.client.get(f"{BASE}/practices?q=apprenticeship&limit=1&offset=1").json()
        self.assertEqual([p["id"] for p in page["items"]], [summary.pk])
        # Accents and stems as on the page; the other filters still apply.
        self.assertEqual(
            self.client.get(f"{BASE}/practices?q=APPRENTICESHIP&status=draft").json()["count"], 0
        )
        with self.assertNumQueries(12):  # as the unfiltered list (see above)
            self.client.get(f"{BASE}/practices?q=apprenticeship")

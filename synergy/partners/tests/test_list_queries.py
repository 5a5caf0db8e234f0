"""Every list (pages and API) runs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from synergy.core.models import Organisation
from synergy.partners.tests.factories import make_activity, make_partnership, make_project
from synergy.testing import BaseTestCase

# Pinned counts. Seven come with every signed-in request here (session, user, memberships,
# two-factor policy, and the session save with its savepoint); then the count, the page, and
# the prefetches (countries, parties/participants) or the filter choices of the page.
PAGE_QUERIES = {"partnerships": 12, "projects": 12, "activities": 11}
API_QUERIES = {"partnerships": 11, "projects": 11, "activities": 9}


class ListQueryCountTests(BaseTestCase):
    def add_rows(self, start: int, count: int) -> None:
        for i in range(start, start + count):
            org = Organisation.objects.create(name=f"Org {i}", kind="ngo", country=self.country)
            make_activity(org, title=f"Activity {i}")
            make_project(
                f"P-{i}",
                self.country,
                lead=self.unit,
                implementing=[org],
                targets=[(org, "withdraw", "F", i), (org, "prevent", "M", i)],
            )
            make_partnership(f"MoU {i}", self.country, [(org, "lead"), (self.unit, "funding")])

    def count(self, url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return len(ctx.captured_queries)

    def urls(self) -> dict[str, tuple[str, str]]:
        return {
            "partnerships": (
                reverse("partners-partnership-list") + "?country=NP&q=MoU",
                "/api/v1/partners/partnerships?country=NP",
            ),
            "projects": (
                reverse("partners-project-list") + "?country=NP&status=1",
                "/api/v1/partners/projects?country=NP",
            ),
            "activities": (
                reverse("partners-activity-list") + "?country=NP&level=outreach",
                "/api/v1/partners/activities?country=NP",
            ),
        }

    def test_it_pins_the_query_counts_of_every_list(self) -> None:
        self.client.force_login(self.nina)
        self.add_rows(0, 3)
        small = {k: (self.count(p), self.count(a)) for k, (p, a) in self.urls().items()}
        self.add_rows(3, 12)
        large = {k: (self.count(p), self.count(a)) for k, (p, a) in self.urls().items()}
        self.assertEqual(small, large)
        for key, (page, api) in large.items():
            self.assertEqual(page, PAGE_QUERIES[key], f"{key} page")
            self.assertEqual(api, API_QUERIES[key], f"{key} API")

    def test_it_shows_the_rows_it_counted(self) -> None:
        self.client.force_login(self.nina)
        self.add_rows(0, 2)
        response = self.client.get(reverse("partners-project-list"))
        self.assertContains(response, "P-0")
        self.assertContains(response, "2 projects")
        api = self.client.get("/api/v1/partners/projects?country=NP").json()
        self.assertEqual(api["count"], 2)
        self.assertEqual(
            {(p["code"], p["withdraw_total"], p["prevent_total"]) for p in api["items"]},
            {("P-0", 0, 0), ("P-1", 1, 1)},
        )

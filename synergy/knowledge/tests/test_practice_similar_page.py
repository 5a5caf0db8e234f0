"""The practice page lists similar practices (never a draft the reader may not see) in a
number of queries that does not grow with the practices."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from synergy.knowledge.models import Theme
from synergy.knowledge.tests.helpers import KnowledgeTestCase


class SimilarOnThePageTests(KnowledgeTestCase):
    def add(self, n: int, start: int = 0) -> None:
        theme = Theme.objects.get(slug="labour-inspection")
        for i in range(start, start + n):
            self.published(
                title=f"Brick kiln inspections {i}",
                summary="Inspectors visit brick kilns with welfare officers.",
                themes=[theme],
                countries=[("NP", "shared")],
            )

    def test_it_shows_similar_practices_in_a_pinned_number_of_queries(self) -> None:
        theme = Theme.objects.get(slug="labour-inspection")
        practice = self.published(
            title="Joint kiln inspections",
            summary="Inspectors and welfare officers visit brick kilns together.",
            themes=[theme],
            countries=[("NP", "shared")],
        )
        self.add(2)
        self.practice(title="Brick kiln inspection draft", themes=[theme], author=self.alice)
        url = reverse("knowledge-practice-detail", args=[practice.pk])
        self.client.force_login(self.charlie)

        def count() -> tuple[int, str]:
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            return len(queries), response.content.decode()

        count()  # session warm
        small, body = count()
        self.assertIn("Similar practices", body)
        self.assertIn("Brick kiln inspections 1", body)
        self.assertNotIn("Brick kiln inspection draft", body)  # alice's draft
        self.add(8, start=2)
        count()  # similar practices scored again after the writes (then kept)
        big, body = count()
        self.assertEqual(big, small)
        self.assertEqual(body.count("Brick kiln inspections "), 5)  # limit 5
        # The page's own queries plus similar_practices' 5 (token, practices + 3 prefetches)
        # once its scores are kept.
        self.assertEqual(small, 25)

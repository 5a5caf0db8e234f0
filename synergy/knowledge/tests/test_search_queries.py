from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from synergy.core.models import User
from synergy.knowledge.models import Event, GoodPractice, Outcome
from synergy.knowledge.search import search, similar_practices
from synergy.knowledge.tests.test_search_support import SearchTestCase


class SearchQueryCountTests(SearchTestCase):
    def add_rows(self, n: int, start: int = 0) -> None:
        event = Event.objects.create(
            kind="forum", title="Forum on schools", start_date="2024-01-01", created_by=self.nina
        )
        for i in range(start, start + n):
            self.practice(
                f"School practice {i}",
                themes=(f"theme-{i % 3}",),
                countries=("NP",),
                regions=("asia_pacific",),
                criteria={"replicable": 2},
                evidence_level="documented",
                year_start=2010 + i % 5,
            )
            Outcome.objects.create(event=event, kind="lesson", title=f"School lesson {i}")

    def fresh_bob(self) -> User:
        return User.objects.get(pk=self.bob.pk)  # memberships not cached yet

    def count(self, **kwargs: object) -> int:
        search(user=self.fresh_bob(), **kwargs)  # type: ignore[arg-type]  # facet arrays read
        bob = self.fresh_bob()
        with CaptureQueriesContext(connection) as ctx:
            results = search(user=bob, **kwargs)  # type: ignore[arg-type]
            [str(h.snippet) for h in results.hits]
            [list(h.practice.themes.all()) for h in results.hits if h.practice]
        return len(ctx.captured_queries)

    def test_search_takes_a_constant_number_of_queries(self) -> None:
        self.add_rows(3)
        queries = {"query": "school", "filters": {"theme": "theme-1", "limit": 50}}
        small = self.count(**queries)
        browse_small = self.count(query="", filters={"country": "NP"})
        self.add_rows(12, start=3)
        self.assertEqual(self.count(**queries), small)
        self.assertEqual(self.count(query="", filters={"country": "NP"}), browse_small)
        # roles 1, facet token 1, practice matches 1, practice page 1, objects 1 + 3
        # prefetches, lessons count 1 + page 1 + objects 1, events count 1 + page 1 + objects 1
        # (PostgreSQL counts lessons and events in their page's query: 2 fewer)
        self.assertEqual(small, 14 if connection.vendor == "sqlite" else 12)
        # roles 1, facet token 1, objects 1 + 3 prefetches (facets and page order in memory)
        self.assertEqual(browse_small, 6)

    def test_the_facet_arrays_are_read_again_after_a_write(self) -> None:
        self.add_rows(2)
        bob = self.fresh_bob()
        with CaptureQueriesContext(connection) as ctx:
            search(user=bob, query="", filters={})
        self.assertEqual(len(ctx.captured_queries), 1 + 1 + 2 + 4)  # + 2: practices, links
        before = search(user=self.fresh_bob(), query="", filters={}).facets
        self.assertEqual({f.value: f.count for f in before["theme"]}, {"theme-0": 1, "theme-1": 1})
        practice = GoodPractice.objects.get(title="School practice 0")
        practice.themes.clear()  # a link-table write alone renews the token
        after = search(user=self.fresh_bob(), query="", filters={}).facets
        self.assertEqual({f.value: f.count for f in after["theme"]}, {"theme-1": 1})
        GoodPractice.objects.filter(pk=practice.pk).update(status="draft")
        results = search(user=self.fresh_bob(), query="", filters={})
        self.assertEqual(results.total, 1)

    def test_similar_practices_takes_a_constant_number_of_queries(self) -> None:
        self.add_rows(3)
        first = GoodPractice.objects.order_by("id").first()
        assert first is not None
        with CaptureQueriesContext(connection) as ctx:
            similar_practices(first, self.fresh_bob())
        small = len(ctx.captured_queries)
        self.add_rows(12, start=3)
        with CaptureQueriesContext(connection) as ctx:
            similar_practices(first, self.fresh_bob())
        self.assertEqual(len(ctx.captured_queries), small)

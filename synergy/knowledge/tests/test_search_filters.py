from __future__ import annotations

from django.http import QueryDict

from synergy.knowledge.search import search
from synergy.knowledge.selectors import SearchFilters
from synergy.knowledge.tests.test_search_support import SearchTestCase


class SearchFilterTests(SearchTestCase):
    def setUp(self) -> None:
        self.a = self.practice(
            "Cash transfers for school attendance",
            themes=("cash",),
            countries=("NP",),
            regions=("asia_pacific",),
            forms=("hazardous-work",),
            criteria={"replicable": 3, "sustainable": 1},
            evidence_level="evaluated",
            year_start=2015,
            year_end=2019,
        )
        self.b = self.practice(
            "School meals and attendance",
            themes=("education",),
            countries=("MG",),
            regions=("africa",),
            criteria={"replicable": 2},
            evidence_level="documented",
            year_start=2018,
        )
        self.c = self.practice(
            "Cash and school kits",
            themes=("cash", "education"),
            countries=("NP", "MG"),
            regions=("asia_pacific", "africa"),
            forms=("domestic-work",),
            criteria={"replicable": 1},
            evidence_level="evaluated",
            year_start=2018,
        )
        self.practice("Labour inspection manual", themes=("cash",))  # does not match "school"

    def found(self, **filters: object) -> set[str]:
        results = search(user=self.bob, query="school", filters=filters)
        return {h.practice.title for h in results.hits}  # type: ignore[union-attr]

    def counts(self, facet: str, **filters: object) -> dict[str, int]:
        results = search(user=self.bob, query="school", filters=filters)
        return {f.value: f.count for f in results.facets[facet]}

    def test_it_filters_by_each_facet(self) -> None:
        a, b, c = self.a.title, self.b.title, self.c.title
        self.assertEqual(self.found(theme="cash"), {a, c})
        self.assertEqual(self.found(theme=["cash", "education"]), {a, b, c})
        self.assertEqual(self.found(region="africa"), {b, c})
        self.assertEqual(self.found(country="mg"), {b, c})
        self.assertEqual(self.found(form="domestic-work"), {c})
        self.assertEqual(self.found(evidence_level="evaluated"), {a, c})
        self.assertEqual(self.found(year=2018), {b, c})
        self.assertEqual(self.found(year_from=2016, year_to=2016), {a})
        self.assertEqual(self.found(criterion="replicable"), {a, b})
        self.assertEqual(self.found(criterion="replicable:3"), {a})
        self.assertEqual(self.found(theme="cash", country="MG"), {c})

    def test_it_accepts_the_selectors_filters_and_a_querydict(self) -> None:
        results = search(user=self.bob, query="school", filters=SearchFilters(theme="education"))
        self.assertEqual({h.practice for h in results.hits}, {self.b, self.c})
        data = QueryDict("theme=cash&theme=education&criterion=replicable&year=bad")
        results = search(user=self.bob, query="school", filters=data)
        self.assertEqual({h.practice for h in results.hits}, {self.a, self.b})

    def test_it_counts_facet_values_for_the_current_query(self) -> None:
        # "Labour inspection manual" has theme cash but does not match "school".
        self.assertEqual(self.counts("theme"), {"cash": 2, "education": 2})
        self.assertEqual(self.counts("country"), {"NP": 2, "MG": 2})
        self.assertEqual(self.counts("region"), {"asia_pacific": 2, "africa": 2})
        self.assertEqual(self.counts("form"), {"hazardous-work": 1, "domestic-work": 1})
        self.assertEqual(self.counts("evidence_level"), {"evaluated": 2, "documented": 1})
        self.assertEqual(self.counts("year"), {"2018": 2, "2015": 1})
        self.assertEqual(self.counts("criterion"), {"replicable": 2})

    def test_a_facet_ignores_its_own_filter_but_not_the_others(self) -> None:
        # Choosing a theme keeps the other themes' counts, and narrows the countries.
        self.assertEqual(self.counts("theme", theme="cash"), {"cash": 2, "education": 2})
        self.assertEqual(self.counts("country", theme="cash"), {"NP": 2, "MG": 1})
        self.assertEqual(self.counts("theme", country="MG"), {"cash": 1, "education": 2})

    def test_it_lists_everything_visible_without_a_query(self) -> None:
        results = search(user=self.bob, query="", filters={"theme": "cash"})
        self.assertEqual(results.total, 3)
        self.assertEqual({f.value: f.count for f in results.facets["theme"]}["cash"], 3)

    def test_it_pages_through_the_results(self) -> None:
        first = search(user=self.bob, query="school", filters={"limit": 2, "kind": "practice"})
        second = search(
            user=self.bob, query="school", filters={"limit": 2, "offset": 2, "kind": "practice"}
        )
        self.assertEqual((first.total, second.total), (3, 3))
        self.assertEqual(len(first.hits), 2)
        self.assertEqual(len(second.hits), 1)
        titles = {h.title for h in first.hits + second.hits}
        self.assertEqual(titles, {self.a.title, self.b.title, self.c.title})

    def test_filter_by_text_narrows_a_queryset(self) -> None:
        from synergy.knowledge.models import GoodPractice
        from synergy.knowledge.search import filter_by_text

        qs = filter_by_text(GoodPractice.objects.all(), "cash")
        self.assertEqual(set(qs), {self.a, self.c})
        self.assertEqual(filter_by_text(GoodPractice.objects.all(), " ").count(), 4)

    def test_the_total_counts_lessons_beyond_a_page_full_of_practices(self) -> None:
        from synergy.knowledge.models import Event, Outcome

        event = Event.objects.create(
            kind="forum", title="Forum", start_date="2024-01-01", created_by=self.nina
        )
        Outcome.objects.create(event=event, kind="lesson", title="A school lesson")
        Outcome.objects.create(event=event, kind="commitment", title="A school commitment")
        first = search(user=self.bob, query="school", filters={"limit": 2})
        self.assertEqual([h.kind for h in first.hits], ["practice", "practice"])
        self.assertEqual(first.total, 3 + 2)
        rest = search(user=self.bob, query="school", filters={"limit": 2, "offset": 2})
        self.assertEqual([h.kind for h in rest.hits], ["practice", "lesson"])
        self.assertEqual(rest.total, 5)

from __future__ import annotations

from synergy.knowledge.search import similar_practices
from synergy.knowledge.tests.test_search_support import SearchTestCase


class SimilarPracticeTests(SearchTestCase):
    def test_it_ranks_by_shared_themes_countries_and_words(self) -> None:
        base = self.practice(
            "Community child labour monitoring in cocoa cooperatives",
            summary="Cooperatives train community facilitators who visit cocoa households.",
            themes=("clms", "agriculture"),
            countries=("NP",),
        )
        close = self.practice(
            "Cocoa cooperatives run their own monitoring",
            summary="Facilitators from the cooperatives visit households.",
            themes=("clms", "agriculture"),
            countries=("NP",),
        )
        themed = self.practice(
            "Labour inspection in plantations", summary="Inspectors.", themes=("agriculture",)
        )
        wordy = self.practice(
            "Household visits by cooperatives",
            summary="Cocoa facilitators and community committees.",
        )
        self.practice("Birth registration", summary="Civil registry offices.")
        similar = similar_practices(base, self.bob)
        self.assertEqual(similar[0], close)
        self.assertEqual(set(similar), {close, themed, wordy})
        self.assertNotIn(base, similar)
        self.assertEqual(similar[0].shared_themes, 2)  # type: ignore[attr-defined]
        self.assertEqual(similar[0].shared_countries, 1)  # type: ignore[attr-defined]
        self.assertEqual(len(similar_practices(base, self.bob, limit=1)), 1)

from __future__ import annotations

from django.db import connection

from synergy.knowledge.search import search
from synergy.knowledge.tests.test_search_support import SearchTestCase


class SearchRankingTests(SearchTestCase):
    def test_it_ranks_a_title_match_above_a_single_mention_in_a_section(self) -> None:
        mention = self.practice(
            "Community committees in cocoa farms",
            summary="Villages organise their own committees.",
            sustainability="Later the scheme was linked to school feeding programmes.",
        )
        title = self.practice(
            "School feeding in rural districts",
            summary="Meals keep children in class.",
        )
        self.practice("Unrelated practice", summary="Labour inspection reform.")
        results = search(user=self.bob, query="school feeding")
        practices = [h.practice for h in results.hits if h.kind == "practice"]
        self.assertEqual(practices, [title, mention])
        self.assertGreater(results.hits[0].rank, results.hits[1].rank)

    def test_it_ranks_a_summary_match_above_a_section_match(self) -> None:
        section = self.practice("Practice one", background="Apprenticeship for older children.")
        summary = self.practice("Practice two", summary="Apprenticeship for older children.")
        results = search(user=self.bob, query="apprenticeship")
        self.assertEqual([h.practice for h in results.hits], [summary, section])

    def test_it_ignores_accents(self) -> None:
        practice = self.practice(
            "Lutte contre le travail des enfánts", languages=["fr"], summary="Écoles rurales."
        )
        for query in ("travail des enfants", "TRAVAIL DES ENFÁNTS", "ecoles"):
            with self.subTest(query=query):
                hits = search(user=self.bob, query=query).hits
                self.assertEqual([h.practice for h in hits], [practice])

    def test_it_finds_inflected_forms(self) -> None:
        practice = self.practice(
            "Monitoring child labour in cocoa communities",
            languages=["en"],
            summary="Monitors visited the practices of farmers.",
        )
        for query in ("monitored", "community", "practice", "farmer"):
            with self.subTest(query=query):
                hits = search(user=self.bob, query=query).hits
                self.assertEqual([h.practice for h in hits], [practice])

    def test_it_stems_french_on_postgresql(self) -> None:
        practice = self.practice(
            "Les inspecteurs du travail", languages=["fr"], summary="Inspections régulières."
        )
        if connection.vendor != "postgresql":
            # SQLite's light stem cuts "inspecteur" to a prefix that still matches.
            self.assertEqual(
                [h.practice for h in search(user=self.bob, query="inspecteur").hits], [practice]
            )
            return
        # French snowball: "régulière" and "régulières" share the stem "réguli".
        hits = search(user=self.bob, query="réguliere inspecteur").hits
        self.assertEqual([h.practice for h in hits], [practice])

    def test_it_supports_phrases_or_and_exclusion(self) -> None:
        a = self.practice("Birth registration campaign", summary="Mobile registration units.")
        b = self.practice("School registration drive", summary="Enrolment of girls.")
        c = self.practice("Birth certificates for migrants", summary="Registration at borders.")

        def titles(query: str) -> set[str]:
            return {h.title for h in search(user=self.bob, query=query).hits}

        self.assertEqual(titles('"birth registration"'), {a.title})
        self.assertEqual(titles("registration -school"), {a.title, c.title})
        self.assertEqual(titles("enrolment or certificates"), {b.title, c.title})
        self.assertEqual(titles('"unbalanced quote ( AND NOT'), set())

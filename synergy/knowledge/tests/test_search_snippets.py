from __future__ import annotations

from synergy.knowledge.search import search
from synergy.knowledge.search.query import markup
from synergy.knowledge.tests.test_search_support import SearchTestCase


class SearchSnippetTests(SearchTestCase):
    def test_it_marks_the_matched_word_in_the_excerpt(self) -> None:
        self.practice(
            "Mobile teams",
            summary="Teams visit remote villages every month to register children.",
        )
        snippet = str(search(user=self.bob, query="villages").hits[0].snippet)
        self.assertIn("<mark>villages</mark>", snippet)

    def test_it_escapes_html_in_the_excerpt(self) -> None:
        self.practice(
            "Hostile input",
            summary='Fees < 5 dollars & a <script>alert("x")</script> scholarship for girls.',
        )
        snippet = str(search(user=self.bob, query="scholarship").hits[0].snippet)
        self.assertIn("<mark>scholarship</mark>", snippet)
        bare = snippet.replace("<mark>", "").replace("</mark>", "")
        self.assertNotIn("<", bare)  # PostgreSQL drops the tag, SQLite escapes it
        self.assertIn("&lt; 5 dollars &amp;", snippet)

    def test_it_takes_the_excerpt_from_the_section_that_matches(self) -> None:
        self.practice(
            "Practice with sections",
            summary="A summary about something else.",
            achievements="Four hundred girls returned to secondary school.",
        )
        snippet = str(search(user=self.bob, query="secondary").hits[0].snippet)
        self.assertIn("<mark>secondary</mark>", snippet)
        self.assertIn("girls", snippet)

    def test_it_marks_an_accented_word_found_without_accents(self) -> None:
        self.practice("Écoles", languages=["fr"], summary="Les enfánts retournent à l'école.")
        snippet = str(search(user=self.bob, query="enfants").hits[0].snippet)
        self.assertIn("<mark>enfánts</mark>", snippet)

    def test_markup_closes_an_unclosed_mark(self) -> None:
        self.assertEqual(str(markup("a \ue000b<")), "a <mark>b&lt;</mark>")

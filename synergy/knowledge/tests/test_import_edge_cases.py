"""The importer on small hand-made publications with the oddities real ones have."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.test import SimpleTestCase

from synergy.core.errors import ImportRowError
from synergy.knowledge import services
from synergy.knowledge.importing import parse_publication
from synergy.knowledge.models import GoodPractice
from synergy.knowledge.tests.helpers import KnowledgeTestCase

PUBLICATION = """
# Sharing what works

An introduction that talks about Background and Action in passing.

## Why exchanges matter

**A bold paragraph in the introduction that is not a heading at all, however long it runs.**

Some more words.

# **Africa**

## Ghana and Togo: Village watch groups

### Background

Ghana had watch groups.

#### Action

Officials from Togo went on a study tour to Ghana.

### Ghana

A country sub-heading whose text stays in the action.

## Results

Togo set up twelve groups.

# Asia and the Pacific

### **Fiji and Samoa: Short case with bold headings**

**Background**

Fiji wrote a hazardous work list.

**Accomplishments**

Samoa adopted one.

## Nepal: Case without background

## Action

Only an action here.

#### Lessons Learnt

Lessons in a variant spelling.
"""


class ParserEdgeCaseTests(SimpleTestCase):
    def setUp(self) -> None:
        self.cases = parse_publication(PUBLICATION).cases

    def test_it_skips_the_introduction_and_finds_three_cases(self) -> None:
        self.assertEqual(
            [(c.title, c.region) for c in self.cases],
            [
                ("Ghana and Togo: Village watch groups", "africa"),
                ("Fiji and Samoa: Short case with bold headings", "asia_pacific"),
                ("Nepal: Case without background", "asia_pacific"),
            ],
        )

    def test_it_reads_sections_at_any_level_and_in_variants(self) -> None:
        ghana, fiji, nepal = self.cases
        self.assertEqual(set(ghana.sections), {"background", "action", "achievements"})
        self.assertEqual(ghana.sections["achievements"], "Togo set up twelve groups.")
        self.assertIn("Ghana\n\nA country sub-heading", ghana.sections["action"])
        self.assertEqual(set(fiji.sections), {"background", "achievements"})
        self.assertEqual(fiji.sections["achievements"], "Samoa adopted one.")
        self.assertEqual(set(nepal.sections), {"action", "lessons_learned"})
        self.assertEqual(nepal.sections["lessons_learned"], "Lessons in a variant spelling.")

    def test_it_reads_who_shared_and_who_learned(self) -> None:
        ghana, fiji, nepal = self.cases
        self.assertEqual(set(ghana.countries), {("GH", "shared"), ("TG", "learned")})
        self.assertEqual(set(fiji.countries), {("FJ", "participated"), ("WS", "participated")})
        self.assertEqual(nepal.countries, [("NP", "participated")])

    def test_it_mends_paragraphs_cut_by_a_page_break(self) -> None:
        text = (
            "# Africa\n\n## Mali: A case\n\n### Background\n\nThe committee met in the\n\n"
            "capital every month.\n\n- first point\n- second point\n"
        )
        case = parse_publication(text).cases[0]
        self.assertEqual(
            case.sections["background"],
            "The committee met in the capital every month.\n\n- first point\n- second point",
        )

    def test_a_text_without_cases_has_none(self) -> None:
        self.assertEqual(parse_publication("# Title\n\nJust prose.\n\n## More\n\nProse.").cases, [])


class ImportServiceEdgeCaseTests(KnowledgeTestCase):
    def _file(self, text: str) -> Path:
        handle = tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8")
        handle.write(text)
        handle.close()
        self.addCleanup(Path(handle.name).unlink)
        return Path(handle.name)

    def test_it_imports_each_case_once(self) -> None:
        path = self._file(PUBLICATION)
        first = services.practices_import(actor=self.kate, path=path)
        self.assertEqual(len(first.created), 3)
        second = services.practices_import(actor=self.kate, path=path)
        self.assertEqual((len(second.created), second.unchanged), (0, 3))
        self.assertEqual(GoodPractice.objects.count(), 3)
        nepal = GoodPractice.objects.get(title__startswith="Nepal")
        self.assertEqual(nepal.background, "")
        self.assertEqual(nepal.action, "Only an action here.")

    def test_it_refuses_a_file_without_cases_and_writes_nothing(self) -> None:
        with self.assertRaises(ImportRowError):
            services.practices_import(actor=self.kate, path=self._file("# Nothing\n\nProse.\n"))
        self.assertEqual(GoodPractice.objects.count(), 0)

    def test_it_refuses_two_cases_with_the_same_title(self) -> None:
        twice = "# Africa\n\n## Mali: A\n\n### Action\n\nx\n\n## Mali: A\n\n### Action\n\ny\n"
        with self.assertRaises(ImportRowError) as caught:
            services.practices_import(actor=self.kate, path=self._file(twice))
        self.assertEqual(caught.exception.errors[0][:2], (2, "title"))
        self.assertEqual(GoodPractice.objects.count(), 0)

    def test_only_knowledge_editors_import(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.practices_import(actor=self.alice, path=self._file(PUBLICATION))

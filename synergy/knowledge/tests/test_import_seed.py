"""Importing the IPEC 2010 South-South publication, read from the project's seed folder beside
the repository (never copied into it); skipped, with the path, in a clone without it."""

from __future__ import annotations

import io
import unittest
from pathlib import Path

from django.core.management import call_command

from synergy.core.models import AuditEvent
from synergy.knowledge.importing import parse_publication
from synergy.knowledge.models import GoodPractice, PracticeStatus
from synergy.knowledge.tests.helpers import KnowledgeTestCase

# The only test that reads outside the repository: the seed importer's own input.
SEED = (
    Path(__file__).resolve().parents[4]
    / "shared"
    / "seeds"
    / "ipec-south-south-good-practices-2010.md"
)

# Counted by reading the publication: the IBSA case comes before the first region heading;
# the introduction, "From South-South to new modes…" and the overview article are not cases.
EXPECTED = [
    (
        "IPEC Projects in IBSA countries and Latin America get together to discuss South-South "
        "Cooperation",
        "",
    ),
    ("Morocco and Mali: Strengthening of institutional coordination mechanisms", "africa"),
    ("Angola and Mozambique: Trade Union Partnership helps the implementation of SCREAM", "africa"),
    ("Kenya, Uganda and Zambia: Development of a Trade Union Policy on child labour", "africa"),
    (
        "Timor-Leste and Brazil: Development of a tripartite child labour commission and the list "
        "of hazardous child labour",
        "asia_pacific",
    ),
    (
        "India, Ethiopia, Ghana, Morocco, Nepal, Uganda and Zimbabwe: Exchange of experience on "
        "child labour free zones",
        "asia_pacific",
    ),
    ("Bangladesh and Indonesia: Broadening the understanding of child labour", "asia_pacific"),
    ("Mongolia and Indonesia: Learning from practical stakeholders experiences", "asia_pacific"),
    ("Mekong Sub-region: “Voices of children”, Youth Forum on human trafficking", "asia_pacific"),
    (
        "Kosovo and Romania: Exchange of experience on child labour monitoring system",
        "europe_central_asia",
    ),
    (
        "Kyrgyzstan, Moldova, Romania, Tajikistan and Ukraine: Exchange of experience on child "
        "labour monitoring systems",
        "europe_central_asia",
    ),
    (
        "Albania and Kosovo: Building the capacity of Trade Unions to fight child labour",
        "europe_central_asia",
    ),
    (
        "Moldova and Romania: Stakeholders scale-up actions against child labour",
        "europe_central_asia",
    ),
    (
        "Costa Rica and Guatemala: Technical assistance for the design of a CCT programme",
        "americas",
    ),
    ("Central America: Exchange of experience on trafficking and CSEC initiatives", "americas"),
    ("Latin America: Cooperation in strengthening Labour Inspection", "americas"),
    ("Central America: Launch of roadmaps against child labour", "americas"),
]
ALL_SIX = {
    "background",
    "action",
    "achievements",
    "sustainability",
    "lessons_learned",
    "necessary_conditions",
}
# Cases the publication prints without a "Necessary conditions" section.
WITHOUT_CONDITIONS = {1, 5, 8}


@unittest.skipUnless(SEED.is_file(), f"seed publication not found at {SEED}")
class SeedImportTests(KnowledgeTestCase):
    def setUp(self) -> None:
        self.text = SEED.read_text(encoding="utf-8")

    def test_it_finds_every_case_with_its_title_and_region(self) -> None:
        publication = parse_publication(self.text)
        self.assertEqual(len(publication.cases), 17)
        self.assertEqual([(c.title, c.region) for c in publication.cases], EXPECTED)
        self.assertEqual(
            publication.title,
            "The growing role of South-South Cooperation in combating child labour",
        )

    def test_it_keeps_the_sections_each_case_has_and_invents_none(self) -> None:
        cases = parse_publication(self.text).cases
        for number, case in enumerate(cases):
            expected = (
                ALL_SIX - {"necessary_conditions"} if number in WITHOUT_CONDITIONS else ALL_SIX
            )
            self.assertEqual(set(case.sections), expected, case.title)
            for name, body in case.sections.items():
                self.assertGreater(len(body), 40, (case.title, name))
                self.assertNotIn("**", body)
                self.assertNotIn("#", body[:3])
        # Country sub-headings stay inside the section; the colophon is not text of the last case.
        angola = cases[2]
        self.assertIn("Angola", angola.sections["action"].split("\n\n")[0])
        self.assertIn("Mozambique", angola.sections["achievements"])
        self.assertNotIn("Copyright", cases[-1].sections["necessary_conditions"])
        self.assertNotIn("ISBN", cases[-1].sections["necessary_conditions"])
        # The introduction's articles are nobody's text.
        self.assertFalse(any("Bandung" in body for c in cases for body in c.sections.values()))

    def test_it_records_the_countries_that_shared_and_learned(self) -> None:
        cases = parse_publication(self.text).cases
        roles = [set(c.countries) for c in cases]
        self.assertEqual(roles[1], {("MA", "learned"), ("ML", "shared")})
        self.assertEqual(roles[3], {("KE", "shared"), ("UG", "participated"), ("ZM", "learned")})
        self.assertEqual(roles[4], {("TL", "learned"), ("BR", "shared")})
        self.assertEqual(roles[6], {("BD", "learned"), ("ID", "shared")})
        self.assertEqual(roles[7], {("MN", "learned"), ("ID", "shared")})
        self.assertEqual(roles[13], {("CR", "shared"), ("GT", "learned")})
        self.assertIn(("IN", "shared"), roles[5])
        self.assertIn(("KG", "learned"), roles[10])
        self.assertIn(("TJ", "learned"), roles[10])
        # Every country named in a title is there, with some role.
        for case in cases:
            self.assertTrue(case.countries or case.unresolved_countries, case.title)
        # Kosovo by XK, the user-assigned code in common use (IATI, World Bank, EU).
        self.assertEqual(cases[9].unresolved_countries, [])
        self.assertEqual(roles[9], {("XK", "participated"), ("RO", "shared")})
        # A sub-region title takes the countries the text names (no "Central African Republic").
        central_america = {c for c, _r in roles[16]}
        self.assertEqual(central_america, {"CR", "SV", "GT", "HN", "NI", "PA", "DO"})

    def test_it_imports_drafts_once_and_a_second_run_changes_nothing(self) -> None:
        out = io.StringIO()
        call_command("knowledge", "import", str(SEED), "--author", "kate", stdout=out)
        self.assertIn("17 practice(s) created", out.getvalue())
        practices = GoodPractice.objects.order_by("pk")
        self.assertEqual(practices.count(), 17)
        self.assertEqual([p.title for p in practices], [t for t, _r in EXPECTED])
        self.assertTrue(all(p.status == PracticeStatus.DRAFT for p in practices))
        self.assertTrue(all(p.author_id == self.kate.pk for p in practices))
        morocco = practices[1]
        self.assertEqual(list(morocco.regions.values_list("region", flat=True)), ["africa"])
        self.assertEqual(morocco.necessary_conditions, "")
        self.assertIn("steering committee", morocco.background.lower())
        self.assertEqual(
            set(morocco.country_roles.values_list("country_id", "role")),
            {("MA", "learned"), ("ML", "shared")},
        )
        self.assertEqual(morocco.versions.count(), 1)
        self.assertEqual(
            set(practices[13].themes.values_list("slug", flat=True)), {"conditional-cash-transfers"}
        )
        snapshot = (
            sorted(GoodPractice.objects.values_list("pk", "version", "source_key")),
            AuditEvent.objects.filter(action="create").count(),
        )

        again = io.StringIO()
        call_command("knowledge", "import", str(SEED), "--author", "kate", stdout=again)
        self.assertIn("0 practice(s) created", again.getvalue())
        self.assertIn("17 already imported", again.getvalue())
        self.assertEqual(
            (
                sorted(GoodPractice.objects.values_list("pk", "version", "source_key")),
                AuditEvent.objects.filter(action="create").count(),
            ),
            snapshot,
        )

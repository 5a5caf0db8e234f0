"""A need written in one language finds a practice written in another on the same subject:
both are read into the lexicon's concepts."""

from __future__ import annotations

from synergy.cooperation import matching
from synergy.cooperation.lexicon import concepts_in
from synergy.cooperation.tests.personas import CooperationCase


class CrossLanguageTest(CooperationCase):
    def ranked(self, text: str, learner: str = "MG") -> list[str]:
        return [m.country for m in matching.rank(learner=learner, text=text)]

    def test_a_french_need_finds_the_english_monitoring_practices(self) -> None:
        found = matching.rank(
            learner="MG",
            text="Nous voulons mettre en place un système de suivi du travail des enfants "
            "qui oriente chaque enfant vers l'école.",
        )
        by_country = {m.country: m for m in found}
        # Brazil's and Portugal's only evidence is their English practices.
        for iso2, practice in (("BR", "clms"), ("PT", "pt")):
            evidence = [e["id"] for e in by_country[iso2].evidence if e["kind"] == "practice"]
            self.assertIn(self.practices[practice].pk, evidence)
        self.assertLessEqual({"BR", "PT"} - {m.country for m in found[:3]}, set())
        self.assertGreater(by_country["BR"].dimensions["theme"]["score"], 0.3)
        self.assertNotIn("IN", [m.country for m in found][:3])

    def test_spanish_portuguese_and_arabic_needs_find_the_same_subject(self) -> None:
        for text in (
            "Queremos crear un sistema de monitoreo del trabajo infantil",
            "Precisamos de um sistema de monitoramento do trabalho infantil",
            "نريد إنشاء نظام رصد عمل الأطفال",
        ):
            with self.subTest(text=text):
                self.assertTrue({"BR", "PT"} <= set(self.ranked(text)[:3]))

    def test_a_french_need_on_free_zones_finds_india(self) -> None:
        self.assertEqual(
            self.ranked("Créer des zones libres de travail des enfants dans nos communes")[0],
            "IN",
        )

    def test_the_concepts_of_each_language(self) -> None:
        self.assertIn("conditional-cash-transfers", concepts_in("transferts monétaires"))
        self.assertIn("labour-inspection", concepts_in("inspección del trabajo"))
        self.assertIn("hazardous-work-lists", concepts_in("lista de trabalho perigoso"))
        self.assertIn("labour-inspection", concepts_in("مفتشي العمل"))
        self.assertEqual(concepts_in("the weather was fine"), {})

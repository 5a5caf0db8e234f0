"""The score is a weighted mean of the dimensions: a weight moves the ranking the way it
says, the explanation names what drove each score, and bad weights fall back safely."""

from __future__ import annotations

from synergy.cooperation import matching
from synergy.cooperation.tests.personas import CooperationCase

NEED = "A child labour monitoring system that refers children to school"


class WeightsTest(CooperationCase):
    def order(self, learner: str, **weights: float) -> list[str]:
        return [m.country for m in matching.rank(learner=learner, text=NEED, weights=weights)]

    def test_the_score_is_the_weighted_mean_of_the_dimensions(self) -> None:
        for match in matching.rank(learner="SN", text=NEED):
            total = sum(d["weight"] for d in match.dimensions.values())
            mean = sum(d["weight"] * d["score"] for d in match.dimensions.values()) / total
            self.assertAlmostEqual(match.score, mean, places=3)
            self.assertTrue(0 <= match.score <= 1)

    def test_a_heavier_language_weight_lifts_the_countries_that_share_the_language(self) -> None:
        # Angola (Portuguese, Africa, no profile) learns. Brazil and Portugal speak its
        # language; Senegal is in its region.
        by_language = self.order(learner="AO", language=10, region=0)
        self.assertEqual(set(by_language[:2]), {"BR", "PT"})
        by_region = self.order(learner="AO", language=0, region=10)
        self.assertEqual(by_region[0], "SN")

    def test_a_heavier_development_weight_lifts_the_country_of_a_nearer_income(self) -> None:
        # Madagascar (low income) is two steps from Brazil (upper middle), three from
        # Portugal (high).
        by_development = self.order(learner="MG", development=10)
        self.assertLess(by_development.index("BR"), by_development.index("PT"))
        only_theme = {name: 0.0 for name in matching.DIMENSIONS} | {"theme": 1.0}
        for match in matching.rank(learner="MG", text=NEED, weights=only_theme):
            self.assertAlmostEqual(match.score, match.dimensions["theme"]["score"], places=3)

    def test_the_explanation_names_the_dimensions_that_drove_the_score(self) -> None:
        top = matching.rank(learner="MG", text=NEED, weights={"development": 10})[0]
        self.assertIn("development", top.drivers)
        self.assertEqual(top.drivers[0], "development")
        for name in top.drivers:
            self.assertTrue(top.dimensions[name]["known"])
            self.assertGreater(top.dimensions[name]["contribution"], 0)
        self.assertTrue(top.dimensions["theme"]["reason"])

    def test_unknown_facts_count_as_neutral(self) -> None:
        # Chad has no profile: its income group is unknown, scored 0.5 and said so.
        found = matching.rank(learner="TD", text=NEED)
        self.assertTrue(found)
        dimension = found[0].dimensions["development"]
        self.assertFalse(dimension["known"])
        self.assertEqual(dimension["score"], matching.UNKNOWN)

    def test_weights_are_clipped_and_bad_ones_ignored(self) -> None:
        weights = matching.clean_weights({"theme": "99", "region": "x", "nope": 3, "legal": -2})
        self.assertEqual(weights["theme"], matching.MAX_WEIGHT)
        self.assertEqual(weights["region"], matching.DEFAULT_WEIGHTS["region"])
        self.assertEqual(weights["legal"], 0)
        self.assertNotIn("nope", weights)
        zero = matching.clean_weights({name: 0 for name in matching.DIMENSIONS})
        self.assertEqual(zero, matching.DEFAULT_WEIGHTS)

    def test_a_country_without_evidence_on_the_subject_is_not_listed(self) -> None:
        found = self.order(learner="MG")
        self.assertNotIn("NP", found)  # Nepal has no practice, offer or measure on it
        self.assertNotIn("MG", found)  # nor does a country match its own need

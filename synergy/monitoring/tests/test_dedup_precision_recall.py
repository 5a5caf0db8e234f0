"""Scoring and its precision/recall on generated noisy duplicates (typos, transliteration
variants, swapped names, ±1 year with the age estimated, household head spelled differently,
neighbouring area) with siblings and namesakes as hard non-duplicates.

Stated thresholds: precision ≥ 0.95 and recall ≥ 0.95 on 3,000 generated children. (On
20,000 children the tuned weights give precision 0.988 and recall 0.993; these are generated
data, so real registers will do worse - re-measure on a labelled sample.)"""

from __future__ import annotations

from datetime import date

from django.test import SimpleTestCase

from synergy.monitoring import dedup
from synergy.monitoring.dedup import Person
from synergy.monitoring.dedup.blocking import year_buckets


def person(pk: int, first: str, last: str, **extra: object) -> Person:
    values: dict[str, object] = {
        "id": pk,
        "organisation_id": pk,
        "first_name": first,
        "last_name": last,
        "sex": "F",
        "birth_year": 2013,
        "birth_date": date(2013, 5, 4),
        "household_head": "Gopal Tamang",
        "area_path": ("D1", "D1-V1"),
    }
    values.update(extra)
    return Person(**values)  # type: ignore[arg-type]


class DedupScoringTests(SimpleTestCase):
    def test_it_reaches_the_stated_precision_and_recall(self) -> None:
        population = dedup.noisy_population(3000, seed=42)
        stats = dedup.ScanStats()
        matches = dedup.find_duplicates(population.people, stats=stats)
        result = dedup.evaluate(matches, population.true_pairs)
        self.assertGreater(result.true_pairs, 300)
        self.assertGreaterEqual(result.precision, 0.95, result)
        self.assertGreaterEqual(result.recall, 0.95, result)
        # Blocking, not all pairs: far fewer comparisons than n(n-1)/2 = 4.5 million.
        self.assertLess(stats.pairs_compared, 100_000)

    def test_it_matches_swapped_first_and_last_names(self) -> None:
        match = dedup.score_pair(person(1, "Sita", "Tamang"), person(2, "Tamang", "Sita"))
        self.assertTrue(match.is_candidate)
        self.assertEqual(match.evidence["name"].label, "swapped")

    def test_it_matches_transliteration_variants(self) -> None:
        for a, b in (("Lakshmi", "Laxmi"), ("Mohammed", "Muhammad"), ("Parbati", "Parvati")):
            match = dedup.score_pair(person(1, a, "Shrestha"), person(2, b, "Srestha"))
            self.assertTrue(match.is_candidate, (a, b, match))

    def test_it_accepts_a_year_off_only_when_the_age_was_estimated(self) -> None:
        exact = person(1, "Sita", "Tamang")
        estimated = person(
            2, "Sita", "Tamang", birth_year=2014, birth_date=None, age_estimated=True
        )
        self.assertEqual(
            dedup.score_pair(exact, estimated).evidence["birth"].label, "within_a_year_estimated"
        )
        other_year = person(3, "Sita", "Tamang", birth_year=2014, birth_date=date(2014, 5, 4))
        self.assertEqual(
            dedup.score_pair(exact, other_year).evidence["birth"].label, "one_year_apart"
        )
        self.assertIn(
            set(year_buckets(2013)) & set(year_buckets(2014)),
            [{"b1007"}, {"a1007"}],
        )

    def test_it_does_not_take_a_sibling_for_a_duplicate(self) -> None:
        sister = person(2, "Anita", "Tamang", birth_year=2014, birth_date=None, age_estimated=True)
        self.assertFalse(dedup.score_pair(person(1, "Sita", "Tamang"), sister).is_candidate)

    def test_it_never_pairs_different_sexes(self) -> None:
        match = dedup.score_pair(person(1, "Kiran", "Rai"), person(2, "Kiran", "Rai", sex="M"))
        self.assertFalse(match.is_candidate)

    def test_it_keeps_names_out_of_the_evidence(self) -> None:
        match = dedup.score_pair(person(1, "Lakshmi", "Shrestha"), person(2, "Laxmi", "Srestha"))
        text = str(match.evidence_json()).lower()
        for name in ("lakshmi", "laxmi", "shrestha", "gopal", "2013"):
            self.assertNotIn(name, text)

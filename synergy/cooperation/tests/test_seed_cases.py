"""The cases of the seed publication as a test of the matching: for each case where a country
learned from another, the case's own practice is removed from the knowledge base, and the
learning country's need (the case's subject) is matched. The country that shared the practice
should still rank in the top 3 in most cases, from what else is known of it: its other
practices, what it has in place, how like the learner it is."""

from __future__ import annotations

import unittest

from django.db import transaction

from synergy.cooperation import matching
from synergy.cooperation.tests.seed import SEED, SKIP_REASON, import_and_publish, subject
from synergy.knowledge.models import CountryRole, GoodPractice
from synergy.knowledge.tests.helpers import KnowledgeTestCase


@unittest.skipUnless(SEED.is_file(), SKIP_REASON)
class SeedCasesTest(KnowledgeTestCase):
    practices: list[GoodPractice]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.practices = import_and_publish(cls.kate, cls.root)

    def cases(self) -> list[tuple[int, str, str, str, set[str]]]:
        """(practice id, learner, need text, theme, sharing countries) per learner."""
        out = []
        for practice in self.practices:
            roles = list(practice.country_roles.all())
            sharing = {r.country_id for r in roles if r.role == CountryRole.SHARED}
            themes = [t.slug for t in practice.themes.all()]
            for role in roles:
                if role.role == CountryRole.LEARNED and sharing - {role.country_id}:
                    out.append(
                        (
                            practice.pk,
                            role.country_id,
                            subject(practice.title),
                            themes[0] if themes else "",
                            sharing - {role.country_id},
                        )
                    )
        return out

    def ranking_without(self, practice_id: int, learner: str, text: str, theme: str) -> list[str]:
        with transaction.atomic():
            GoodPractice.objects.filter(pk=practice_id).delete()
            found = [m.country for m in matching.rank(learner=learner, text=text, theme=theme)]
            transaction.set_rollback(True)
        return found

    def test_the_sharing_country_ranks_in_the_top_three_in_most_cases(self) -> None:
        cases = self.cases()
        self.assertGreaterEqual(len(cases), 10, "the publication's learning cases were found")
        hits = []
        report = []
        for practice_id, learner, text, theme, sharing in cases:
            ranking = self.ranking_without(practice_id, learner, text, theme)
            hit = bool(sharing & set(ranking[:3]))
            hits.append(hit)
            report.append(f"{learner} ← {sorted(sharing)}: {ranking[:5]} {'ok' if hit else 'MISS'}")
        print("\n".join(["", *report, f"{sum(hits)} of {len(hits)} in the top 3"]))
        self.assertGreater(sum(hits), len(hits) / 2, "\n".join(report))

    def test_with_its_practice_the_sharing_country_comes_first_or_second(self) -> None:
        """The control: with the case's practice present, the matching finds its sharer."""
        found = 0
        cases = self.cases()
        for _practice_id, learner, text, theme, sharing in cases:
            ranking = [m.country for m in matching.rank(learner=learner, text=text, theme=theme)]
            found += bool(sharing & set(ranking[:2]))
        self.assertGreaterEqual(found, len(cases) * 0.8)

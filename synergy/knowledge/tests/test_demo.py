"""The knowledge demo data loads, and loading it twice changes nothing."""

from __future__ import annotations

from django.test import TestCase

from synergy.core import demo as core_demo
from synergy.knowledge import demo
from synergy.knowledge.models import Event, GoodPractice, Outcome, PracticeVersion


class DemoTests(TestCase):
    def test_it_loads_practices_and_a_forum_once(self) -> None:
        core_demo.load()
        demo.load()
        counts = (
            GoodPractice.objects.count(),
            Event.objects.count(),
            Outcome.objects.count(),
            PracticeVersion.objects.count(),
        )
        self.assertEqual(counts[:3], (3, 1, 4))
        self.assertEqual(GoodPractice.objects.filter(status="published").count(), 2)
        self.assertEqual(
            set(Outcome.objects.values_list("kind", flat=True)),
            {"lesson", "success_story", "commitment", "recommendation"},
        )
        demo.load()
        self.assertEqual(
            (
                GoodPractice.objects.count(),
                Event.objects.count(),
                Outcome.objects.count(),
                PracticeVersion.objects.count(),
            ),
            counts,
        )

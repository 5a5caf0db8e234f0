from __future__ import annotations

from django.test import SimpleTestCase

from synergy.monitoring import rules
from synergy.monitoring.models import REASON_LABELS


class ReasonLabelTests(SimpleTestCase):
    def test_it_has_a_label_for_every_reason_code(self) -> None:
        self.assertEqual(set(REASON_LABELS), set(rules.REASONS))

"""Views and the API fetch personal records only through access.py and selectors.py."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import SimpleTestCase

APP = Path(__file__).resolve().parent.parent
MODELS = ("Child", "Household", "Visit", "Referral", "PossibleDuplicate")
DIRECT = re.compile(r"\b(" + "|".join(MODELS) + r")\.objects\.(get|filter|all|raw)\b")


class AccessHelperTests(SimpleTestCase):
    def test_it_never_queries_personal_records_directly_in_views_or_api(self) -> None:
        offenders = []
        for path in [APP / "views.py", APP / "api.py", *APP.glob("views_*.py")]:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if DIRECT.search(line):
                    offenders.append(f"{path.name}:{number}: {line.strip()}")
        self.assertEqual(offenders, [])

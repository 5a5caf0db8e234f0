"""The seed publication of South-South good practices, imported and published for the
matching tests; the tests that use it skip, naming the path, in a clone without the seeds."""

from __future__ import annotations

import re
from pathlib import Path

from synergy.cooperation import demo
from synergy.core.models import User
from synergy.knowledge import services as knowledge
from synergy.knowledge.models import GoodPractice, ReviewAction

# The only input read from outside the repository: the seed importer's own document.
SEED = (
    Path(__file__).resolve().parents[4]
    / "shared"
    / "seeds"
    / "ipec-south-south-good-practices-2010.md"
)
SKIP_REASON = f"the seed publication is not beside this clone: {SEED}"


def import_and_publish(editor: User, admin: User) -> list[GoodPractice]:
    result = knowledge.practices_import(actor=editor, path=SEED)
    for practice in result.created:
        for action in (ReviewAction.SUBMIT, ReviewAction.REVIEW, ReviewAction.PUBLISH):
            knowledge.practice_transition(actor=editor, practice=practice, action=action)
    demo.load_profiles(admin)
    return list(GoodPractice.objects.order_by("pk"))


def subject(title: str) -> str:
    """What the learning country would have asked for: the case title without the names of
    the countries before its colon."""
    return re.sub(r"^[^:]*:\s*", "", title).strip("“” ")

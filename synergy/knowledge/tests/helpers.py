"""Shared set-up for the knowledge tests: the personas plus a knowledge editor (kate)."""

from __future__ import annotations

from typing import Any

from synergy.core.models import Organisation, Role, User
from synergy.knowledge import services
from synergy.knowledge.models import GoodPractice, ReviewAction
from synergy.testing import BaseTestCase, make_user


class KnowledgeTestCase(BaseTestCase):
    kate: User
    editors: Organisation

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.editors = Organisation.objects.create(
            name="Knowledge Office", kind="international", country=None
        )
        cls.kate = make_user("kate", cls.editors, Role.KNOWLEDGE_EDITOR)

    def practice(self, author: User | None = None, **fields: Any) -> GoodPractice:
        fields.setdefault("title", "Ward committees keep children in school")
        fields.setdefault("background", "Children left school at harvest time.")
        return services.practice_create(actor=author or self.alice, **fields)

    def published(self, **fields: Any) -> GoodPractice:
        practice = self.practice(**fields)
        for action in (ReviewAction.SUBMIT, ReviewAction.REVIEW, ReviewAction.PUBLISH):
            services.practice_transition(actor=self.kate, practice=practice, action=action)
        practice.refresh_from_db()
        return practice

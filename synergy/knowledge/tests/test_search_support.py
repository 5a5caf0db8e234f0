"""Helpers shared by the search tests (no tests here)."""

from __future__ import annotations

from typing import Any

from synergy.core.models import Country, Role, User
from synergy.knowledge.models import (
    CriterionAssessment,
    ExploitationForm,
    GoodPractice,
    PracticeCountry,
    PracticeRegion,
    PracticeStatus,
    Theme,
)
from synergy.testing import BaseTestCase, make_user


class SearchTestCase(BaseTestCase):
    editor: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.editor = make_user("edith", cls.unit, Role.KNOWLEDGE_EDITOR)

    def practice(
        self,
        title: str,
        *,
        status: str = PracticeStatus.PUBLISHED,
        author: Any = None,
        themes: tuple[str, ...] = (),
        countries: tuple[str, ...] = (),
        regions: tuple[str, ...] = (),
        forms: tuple[str, ...] = (),
        criteria: dict[str, int] | None = None,
        **fields: Any,
    ) -> GoodPractice:
        practice = GoodPractice.objects.create(
            title=title, status=status, author=author or self.alice, **fields
        )
        for slug in themes:
            theme, _ = Theme.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
            practice.themes.add(theme)
        for slug in forms:
            form, _ = ExploitationForm.objects.get_or_create(
                slug=slug, defaults={"name": slug.title()}
            )
            practice.exploitation_forms.add(form)
        for iso2 in countries:
            PracticeCountry.objects.create(
                practice=practice, country=Country.objects.get(iso2=iso2), role="shared"
            )
        for region in regions:
            PracticeRegion.objects.create(practice=practice, region=region)
        for criterion, score in (criteria or {}).items():
            CriterionAssessment.objects.create(practice=practice, criterion=criterion, score=score)
        return practice

"""Shared set-up for the cooperation tests: the shared personas (nina coordinates Nepal, zoe
Madagascar, root administers), a coordinator of Brazil (bruno), a few country profiles, and
published practices in which countries shared or learned."""

from __future__ import annotations

from typing import Any

from synergy.cooperation import services
from synergy.cooperation.models import Need
from synergy.core.models import Country, Organisation, Role, User
from synergy.knowledge.models import GoodPractice, PracticeCountry, Theme
from synergy.knowledge.tests.helpers import KnowledgeTestCase
from synergy.testing import make_user


class CooperationCase(KnowledgeTestCase):
    bruno: User
    brazil_unit: Organisation
    practices: dict[str, GoodPractice]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.brazil_unit = Organisation.objects.create(
            name="Brazil Labour Ministry", kind="government", country_id="BR"
        )
        cls.bruno = make_user("bruno", cls.brazil_unit, Role.NATIONAL_COORDINATOR)
        profile = services.profile_save
        for iso2, legal, income, measures in (
            ("NP", "mixed", "lower_middle", {"national_action_plan": 2004}),
            ("MG", "civil", "low", {"national_action_plan": 2004}),
            ("BR", "civil", "upper_middle", {"clms": 2005, "cct": 2003}),
            ("IN", "common", "lower_middle", {"free_zones": 1991}),
            ("SN", "civil", "lower_middle", {"clms": 2012}),
            ("PT", "civil", "high", {"clms": 2001}),
        ):
            profile(
                actor=cls.root,
                country=Country.objects.get(pk=iso2),
                version=None,
                fields={"legal_tradition": legal, "income_group": income},
                measures=measures,
            )
        cls.practices = {
            "clms": cls.shared_practice(
                "BR",
                title="Municipal networks follow working children until they are in school",
                summary="A child labour monitoring system links inspectors, schools and "
                "social services; each child identified is referred and visited again.",
                themes=["child-labour-monitoring"],
                languages=["en"],
            ),
            "zones": cls.shared_practice(
                "IN",
                title="Villages declare themselves child labour free zones",
                summary="Community committees enrol every out-of-school child.",
                themes=["child-labour-free-zones"],
                languages=["en"],
            ),
            "pt": cls.shared_practice(
                "PT",
                title="A national register of children found working",
                summary="Inspectors and schools feed one monitoring system for children.",
                themes=["child-labour-monitoring"],
                languages=["en"],
            ),
        }

    @classmethod
    def shared_practice(cls, iso2: str, themes: list[str], **fields: Any) -> GoodPractice:
        practice = cls.published_as(cls.kate, **fields)
        practice.themes.set(Theme.objects.filter(slug__in=themes))
        PracticeCountry.objects.create(practice=practice, country_id=iso2, role="shared")
        return practice

    @classmethod
    def published_as(cls, editor: User, **fields: Any) -> GoodPractice:
        from synergy.knowledge import services as knowledge
        from synergy.knowledge.models import ReviewAction

        practice = knowledge.practice_create(actor=editor, **fields)
        for action in (ReviewAction.SUBMIT, ReviewAction.REVIEW, ReviewAction.PUBLISH):
            knowledge.practice_transition(actor=editor, practice=practice, action=action)
        practice.refresh_from_db()
        return practice

    def need(self, actor: User | None = None, **fields: Any) -> Need:
        fields.setdefault("country", Country.objects.get(pk="NP"))
        fields.setdefault("title", "Follow up children withdrawn from work")
        fields.setdefault("description", "We want a child labour monitoring system.")
        return services.need_create(actor=actor or self.nina, **fields)

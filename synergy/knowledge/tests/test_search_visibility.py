from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from synergy.knowledge.models import Event, KnowledgeSettings, Outcome, PracticeStatus
from synergy.knowledge.search import search, similar_practices
from synergy.knowledge.tests.test_search_support import SearchTestCase


class SearchVisibilityTests(SearchTestCase):
    def setUp(self) -> None:
        self.draft = self.practice(
            "Draft on brick kilns", status=PracticeStatus.DRAFT, author=self.alice
        )
        self.submitted = self.practice(
            "Submitted on brick kilns", status=PracticeStatus.SUBMITTED, author=self.alice
        )
        self.published = self.practice("Published on brick kilns")
        event = Event.objects.create(
            kind="forum", title="Kiln forum", start_date="2024-03-01", created_by=self.nina
        )
        self.lesson = Outcome.objects.create(
            event=event, kind="lesson", title="Kiln owners must be in the room"
        )

    def titles(self, user: object) -> set[str]:
        return {h.title for h in search(user=user, query="kilns").hits}  # type: ignore[arg-type]

    def test_it_hides_drafts_from_charlie(self) -> None:
        self.assertEqual(
            self.titles(self.charlie), {self.published.title, "Kiln forum", self.lesson.title}
        )
        self.assertEqual(search(user=self.charlie, query="draft kilns").total, 0)

    def test_it_shows_drafts_to_their_author_and_to_editors(self) -> None:
        everything = {
            self.draft.title,
            self.submitted.title,
            self.published.title,
            "Kiln forum",
            self.lesson.title,
        }
        self.assertEqual(self.titles(self.alice), everything)
        self.assertEqual(self.titles(self.editor), everything)

    def test_it_shows_nothing_to_anonymous_visitors_unless_public_access(self) -> None:
        anonymous = AnonymousUser()
        self.assertEqual(self.titles(anonymous), set())
        KnowledgeSettings.objects.update_or_create(pk=1, defaults={"public_access": True})
        # Published practices only: no drafts, no events or lessons.
        self.assertEqual(self.titles(anonymous), {self.published.title})

    def test_it_never_suggests_a_draft_as_similar(self) -> None:
        similar = similar_practices(self.published, self.charlie)
        self.assertNotIn(self.draft, similar)
        self.assertNotIn(self.submitted, similar)
        self.assertEqual(similar_practices(self.published, self.alice), [])

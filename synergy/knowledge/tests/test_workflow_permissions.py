"""Who may edit, review and publish a good practice, through the pages and the services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from synergy.core.models import AuditEvent
from synergy.knowledge import services
from synergy.knowledge.models import PracticeReview, PracticeStatus, ReviewAction
from synergy.knowledge.tests.helpers import KnowledgeTestCase


class WorkflowPermissionTests(KnowledgeTestCase):
    def test_it_goes_from_draft_to_published_with_an_editor(self) -> None:
        practice = self.practice()
        services.practice_transition(actor=self.alice, practice=practice, action="submit")
        services.practice_transition(
            actor=self.kate, practice=practice, action="review", comment="Clear and complete."
        )
        services.practice_transition(actor=self.kate, practice=practice, action="publish")
        practice.refresh_from_db()
        self.assertEqual(practice.status, PracticeStatus.PUBLISHED)
        self.assertIsNotNone(practice.published_at)
        self.assertEqual(
            list(practice.reviews.values_list("action", "from_status", "to_status")),
            [
                ("submit", "draft", "submitted"),
                ("review", "submitted", "reviewed"),
                ("publish", "reviewed", "published"),
            ],
        )
        self.assertEqual(
            AuditEvent.objects.filter(
                action="practice_publish", object_id=str(practice.pk)
            ).count(),
            1,
        )

    def test_only_knowledge_editors_and_admins_review_and_publish(self) -> None:
        practice = self.practice()
        services.practice_transition(actor=self.alice, practice=practice, action="submit")
        for user in (self.alice, self.bob, self.nina):
            with self.assertRaises(PermissionDenied):
                services.practice_transition(actor=user, practice=practice, action="review")
        services.practice_transition(actor=self.root, practice=practice, action="review")
        with self.assertRaises(PermissionDenied):
            services.practice_transition(actor=self.alice, practice=practice, action="publish")
        services.practice_transition(actor=self.root, practice=practice, action="publish")

    def test_the_page_refuses_publishing_by_the_author(self) -> None:
        practice = self.practice()
        services.practice_transition(actor=self.alice, practice=practice, action="submit")
        self.client.force_login(self.alice)
        url = reverse("knowledge-practice-transition", args=[practice.pk])
        self.assertEqual(self.client.post(url, {"action": "review"}).status_code, 403)
        practice.refresh_from_db()
        self.assertEqual(practice.status, PracticeStatus.SUBMITTED)
        self.client.force_login(self.kate)
        self.client.post(url, {"action": "review"})
        self.client.post(url, {"action": "publish"})
        practice.refresh_from_db()
        self.assertEqual(practice.status, PracticeStatus.PUBLISHED)

    def test_returning_to_the_author_needs_a_comment_and_reopens_the_draft(self) -> None:
        practice = self.practice()
        services.practice_transition(actor=self.alice, practice=practice, action="submit")
        with self.assertRaises(ValidationError):
            services.practice_transition(actor=self.kate, practice=practice, action="return")
        services.practice_transition(
            actor=self.kate, practice=practice, action="return", comment="Add the results."
        )
        practice.refresh_from_db()
        self.assertEqual(practice.status, PracticeStatus.DRAFT)
        self.assertEqual(
            PracticeReview.objects.get(action=ReviewAction.RETURN).comment, "Add the results."
        )
        services.practice_update(
            actor=self.alice, practice=practice, version=practice.version, achievements="More"
        )

    def test_an_impossible_step_is_a_clear_error(self) -> None:
        practice = self.practice()
        with self.assertRaises(ValidationError):
            services.practice_transition(actor=self.kate, practice=practice, action="publish")

    def test_an_author_edits_own_draft_only_while_it_is_a_draft(self) -> None:
        practice = self.practice()
        self.client.force_login(self.alice)
        edit = reverse("knowledge-practice-edit", args=[practice.pk])
        self.assertEqual(self.client.get(edit).status_code, 200)
        response = self.client.post(
            edit, {"title": "Renamed", "version": practice.version, "background": "b"}
        )
        self.assertEqual(response.status_code, 302)
        practice.refresh_from_db()
        self.assertEqual(practice.title, "Renamed")
        services.practice_transition(actor=self.alice, practice=practice, action="submit")
        self.assertEqual(self.client.get(edit).status_code, 403)

    def test_drafts_are_hidden_from_others_and_published_ones_read_only(self) -> None:
        draft = self.practice()
        detail = reverse("knowledge-practice-detail", args=[draft.pk])
        for user, status in (
            (self.alice, 200),
            (self.kate, 200),
            (self.root, 200),
            (self.bob, 404),
            (self.charlie, 404),
            (self.nina, 404),
        ):
            self.client.force_login(user)
            self.assertEqual(self.client.get(detail).status_code, status, user.username)
        self.client.force_login(self.charlie)
        self.assertEqual(
            self.client.get(reverse("knowledge-practice-edit", args=[draft.pk])).status_code, 404
        )
        published = self.published(title="Published one")
        self.assertEqual(
            self.client.get(reverse("knowledge-practice-detail", args=[published.pk])).status_code,
            200,
        )
        self.assertEqual(
            self.client.get(reverse("knowledge-practice-edit", args=[published.pk])).status_code,
            403,
        )
        self.assertEqual(
            self.client.post(
                reverse("knowledge-practice-transition", args=[published.pk]), {"action": "return"}
            ).status_code,
            403,
        )

    def test_the_list_shows_drafts_only_to_their_author_and_editors(self) -> None:
        self.practice(title="Alice's draft")
        self.published(title="Everyone's practice")
        url = reverse("knowledge-practice-list")
        self.client.force_login(self.charlie)
        body = self.client.get(url).content.decode()
        self.assertIn("Everyone&#x27;s practice", body)
        self.assertNotIn("Alice&#x27;s draft", body)
        for user in (self.alice, self.kate):
            self.client.force_login(user)
            self.assertIn("Alice&#x27;s draft", self.client.get(url).content.decode())

    def test_assessment_scores_the_seven_criteria(self) -> None:
        practice = self.practice()
        services.practice_assess(
            actor=self.kate,
            practice=practice,
            scores={"innovative": (3, "First in the region"), "efficient": (0, "")},
            evidence_level="evaluated",
        )
        practice.refresh_from_db()
        self.assertEqual(practice.evidence_level, "evaluated")
        self.assertEqual(
            dict(practice.assessments.values_list("criterion", "score")),
            {"innovative": 3, "efficient": 0},
        )
        with self.assertRaises(ValidationError):
            services.practice_assess(
                actor=self.kate, practice=practice, scores={"innovative": (4, "")}
            )
        with self.assertRaises(ValidationError):
            services.practice_assess(actor=self.kate, practice=practice, scores={"cheap": (1, "")})
        with self.assertRaises(PermissionDenied):
            services.practice_assess(
                actor=self.bob, practice=practice, scores={"relevant": (1, "")}
            )

"""Deleting an attachment removes the row and, once committed, the file."""

from __future__ import annotations

from django.urls import reverse

from synergy.core.models import AuditEvent
from synergy.knowledge.models import PracticeAttachment
from synergy.knowledge.tests.attachment_helpers import AttachmentTestCase


class AttachmentDeleteTests(AttachmentTestCase):
    def url(self, attachment: PracticeAttachment) -> str:
        return reverse("knowledge-attachment-delete", args=[attachment.practice_id, attachment.pk])

    def test_the_author_deletes_from_a_draft_and_the_file_goes_too(self) -> None:
        draft = self.practice()
        attachment = self.attach(draft, actor=self.alice)
        self.assertEqual(len(self.stored_files()), 1)
        self.client.force_login(self.alice)
        page = self.client.get(reverse("knowledge-practice-detail", args=[draft.pk]))
        self.assertContains(page, self.url(attachment))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url(attachment))
        self.assertRedirects(
            response,
            reverse("knowledge-practice-detail", args=[draft.pk]) + "#attachments",
            fetch_redirect_response=False,
        )
        self.assertFalse(PracticeAttachment.objects.exists())
        self.assertEqual(self.stored_files(), [])

    def test_knowledge_editors_delete_from_any_practice(self) -> None:
        published = self.published()
        attachment = self.attach(published)
        self.client.force_login(self.kate)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(self.client.post(self.url(attachment)).status_code, 302)
        self.assertFalse(PracticeAttachment.objects.exists())
        self.assertEqual(self.stored_files(), [])

    def test_readers_get_403_outsiders_404_and_the_file_stays(self) -> None:
        published = self.published()
        public_file = self.attach(published)
        draft = self.practice()
        draft_file = self.attach(draft, actor=self.alice)
        for user, attachment, status in [
            (self.bob, public_file, 403),
            (self.alice, public_file, 403),  # her practice, but published
            (self.charlie, draft_file, 404),
        ]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                with self.captureOnCommitCallbacks(execute=True):
                    response = self.client.post(self.url(attachment))
                self.assertEqual(response.status_code, status)
        self.assertEqual(PracticeAttachment.objects.count(), 2)
        self.assertEqual(len(self.stored_files()), 2)

    def test_it_only_deletes_by_post(self) -> None:
        draft = self.practice()
        attachment = self.attach(draft, actor=self.alice)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(self.url(attachment)).status_code, 405)
        self.assertTrue(PracticeAttachment.objects.exists())

    def test_it_records_the_delete_in_the_audit_trail(self) -> None:
        draft = self.practice()
        attachment = self.attach(draft, actor=self.alice)
        self.client.force_login(self.alice)
        self.client.post(self.url(attachment))
        event = AuditEvent.objects.get(action="attachment_delete")
        self.assertEqual(event.actor, self.alice)
        self.assertEqual(event.object_id, str(draft.pk))
        self.assertEqual(event.detail, {"attachment": attachment.pk, "type": "pdf"})

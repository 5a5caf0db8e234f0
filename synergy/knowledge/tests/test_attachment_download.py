"""Downloading an attachment: the practice's readers only, as an attachment, audited."""

from __future__ import annotations

from django.urls import reverse

from synergy.core.models import AuditEvent
from synergy.knowledge import services
from synergy.knowledge.tests.attachment_helpers import PDF, AttachmentTestCase, pdf


class AttachmentDownloadTests(AttachmentTestCase):
    def setUp(self) -> None:
        self.published_practice = self.published(title="Open practice")
        self.draft = self.practice(title="Alice's draft")
        self.public_file = self.attach(self.published_practice, title='Plan "final" ../../x')
        self.draft_file = self.attach(self.draft, actor=self.alice, title="Draft notes")

    def url(self, practice_id: int, attachment_id: int) -> str:
        return reverse("knowledge-attachment-download", args=[practice_id, attachment_id])

    def get(self, practice_id: int, attachment_id: int) -> bytes:
        response = self.client.get(self.url(practice_id, attachment_id))
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]

    def test_it_serves_a_reader_the_file_as_an_attachment_with_a_safe_name(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url(self.published_practice.pk, self.public_file.pk))
        self.assertEqual(b"".join(response.streaming_content), PDF)  # type: ignore[attr-defined]
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="plan-final-x.pdf"')
        self.assertIn("no-store", response["Cache-Control"])

    def test_non_ascii_titles_keep_their_letters(self) -> None:
        attachment = self.attach(self.published_practice, title="تقرير التقييم", file=pdf())
        self.client.force_login(self.bob)
        response = self.client.get(self.url(self.published_practice.pk, attachment.pk))
        self.assertTrue(response["Content-Disposition"].startswith("attachment; filename*=utf-8''"))
        self.assertNotIn("/", response["Content-Disposition"].split("''", 1)[1].replace("%2F", "?"))

    def test_the_author_and_editors_download_from_a_draft(self) -> None:
        for user in (self.alice, self.kate):
            self.client.force_login(user)
            self.assertEqual(self.get(self.draft.pk, self.draft_file.pk), PDF)

    def test_outsiders_get_404_on_a_draft(self) -> None:
        for user in (self.charlie, self.bob):
            self.client.force_login(user)
            response = self.client.get(self.url(self.draft.pk, self.draft_file.pk))
            self.assertEqual(response.status_code, 404)

    def test_an_attachment_is_found_only_under_its_own_practice(self) -> None:
        self.client.force_login(self.kate)
        response = self.client.get(self.url(self.published_practice.pk, self.draft_file.pk))
        self.assertEqual(response.status_code, 404)

    def test_anonymous_visitors_get_404_unless_the_knowledge_base_is_public(self) -> None:
        url = self.url(self.published_practice.pk, self.public_file.pk)
        self.assertEqual(self.client.get(url).status_code, 404)
        services.settings_set_public_access(actor=self.root, public_access=True)
        self.assertEqual(self.get(self.published_practice.pk, self.public_file.pk), PDF)
        # Public access opens published practices only.
        response = self.client.get(self.url(self.draft.pk, self.draft_file.pk))
        self.assertEqual(response.status_code, 404)

    def test_a_file_missing_from_the_storage_is_404(self) -> None:
        self.public_file.file.storage.delete(self.public_file.file.name)
        self.client.force_login(self.bob)
        response = self.client.get(self.url(self.published_practice.pk, self.public_file.pk))
        self.assertEqual(response.status_code, 404)
        page = self.client.get(
            reverse("knowledge-practice-detail", args=[self.published_practice.pk])
        )
        self.assertContains(page, "missing")

    def test_it_records_each_download_in_the_audit_trail(self) -> None:
        self.client.force_login(self.bob)
        self.get(self.published_practice.pk, self.public_file.pk)
        event = AuditEvent.objects.get(action="attachment_download")
        self.assertEqual(event.actor, self.bob)
        self.assertEqual(event.object_id, str(self.published_practice.pk))
        self.assertEqual(event.detail, {"attachment": self.public_file.pk})
        self.client.logout()
        services.settings_set_public_access(actor=self.root, public_access=True)
        self.get(self.published_practice.pk, self.public_file.pk)
        anonymous = AuditEvent.objects.filter(action="attachment_download").latest("id")
        self.assertIsNone(anonymous.actor)
        # A refused download leaves no trace of a download.
        self.client.get(self.url(self.draft.pk, self.draft_file.pk))
        self.assertEqual(AuditEvent.objects.filter(action="attachment_download").count(), 2)

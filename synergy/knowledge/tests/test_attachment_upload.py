"""Uploading an attachment from the practice page: who may, where the file goes, the audit."""

from __future__ import annotations

from django.urls import reverse

from synergy.core.models import AuditEvent
from synergy.knowledge.models import PracticeAttachment
from synergy.knowledge.tests.attachment_helpers import PDF, AttachmentTestCase, pdf


class AttachmentUploadTests(AttachmentTestCase):
    def url(self, practice_id: int) -> str:
        return reverse("knowledge-attachment-upload", args=[practice_id])

    def test_it_lets_the_author_attach_a_file_to_their_draft(self) -> None:
        draft = self.practice()
        self.client.force_login(self.alice)
        page = self.client.get(reverse("knowledge-practice-detail", args=[draft.pk]))
        self.assertContains(page, 'enctype="multipart/form-data"')
        self.assertContains(page, f'action="{self.url(draft.pk)}"')
        response = self.client.post(
            self.url(draft.pk), {"title": "Ward committee toolkit", "file": pdf()}
        )
        self.assertRedirects(
            response,
            reverse("knowledge-practice-detail", args=[draft.pk]) + "#attachments",
            fetch_redirect_response=False,
        )
        attachment = PracticeAttachment.objects.get(practice=draft)
        self.assertEqual(attachment.title, "Ward committee toolkit")
        self.assertEqual(attachment.uploaded_by, self.alice)
        # Stored under a random name, never the one the user gave.
        self.assertTrue(attachment.file.name.startswith("knowledge/attachments/"))
        self.assertNotIn("toolkit", attachment.file.name)
        (stored,) = self.stored_files()
        self.assertEqual(stored.read_bytes(), PDF)

    def test_the_page_lists_title_type_and_size_with_a_checked_download_link(self) -> None:
        published = self.published()
        attachment = self.attach(published, title="Toolkit")
        self.client.force_login(self.bob)
        page = self.client.get(reverse("knowledge-practice-detail", args=[published.pk]))
        download = reverse("knowledge-attachment-download", args=[published.pk, attachment.pk])
        self.assertContains(page, f'href="{download}"')
        self.assertContains(page, "Toolkit")
        self.assertContains(page, "<td>PDF</td>", html=True)
        self.assertContains(page, f"{len(PDF)}\xa0bytes")
        self.assertNotContains(page, attachment.file.name)
        # Bob reads but may not edit: no upload form, no delete button.
        self.assertNotContains(page, f'action="{self.url(published.pk)}"')
        self.assertNotContains(page, "multipart/form-data")
        self.assertNotContains(page, "/delete/")

    def test_a_missing_title_becomes_the_file_name(self) -> None:
        draft = self.practice()
        self.client.force_login(self.alice)
        self.client.post(self.url(draft.pk), {"title": " ", "file": pdf("Plan 2024.pdf")})
        self.assertEqual(PracticeAttachment.objects.get(practice=draft).title, "Plan 2024")

    def test_knowledge_editors_attach_files_to_any_practice(self) -> None:
        published = self.published()
        self.client.force_login(self.kate)
        self.assertEqual(self.client.get(self.url(published.pk)).status_code, 200)
        response = self.client.post(self.url(published.pk), {"title": "Report", "file": pdf()})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(published.attachments.count(), 1)

    def test_readers_who_may_not_edit_get_403(self) -> None:
        published = self.published()
        for user in (self.bob, self.alice):  # alice's practice is no longer a draft
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.url(published.pk)).status_code, 403)
            response = self.client.post(self.url(published.pk), {"title": "x", "file": pdf()})
            self.assertEqual(response.status_code, 403)
        self.assertFalse(PracticeAttachment.objects.exists())
        self.assertEqual(self.stored_files(), [])

    def test_outsiders_get_404_and_anonymous_visitors_must_sign_in(self) -> None:
        draft = self.practice()
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url(draft.pk)).status_code, 404)
        self.assertEqual(
            self.client.post(self.url(draft.pk), {"title": "x", "file": pdf()}).status_code, 404
        )
        self.client.logout()
        response = self.client.post(self.url(draft.pk), {"title": "x", "file": pdf()})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("core-login"), response["Location"])
        self.assertFalse(PracticeAttachment.objects.exists())

    def test_it_records_the_upload_in_the_audit_trail(self) -> None:
        draft = self.practice()
        self.client.force_login(self.alice)
        self.client.post(self.url(draft.pk), {"title": "Names of the children", "file": pdf()})
        attachment = PracticeAttachment.objects.get()
        event = AuditEvent.objects.get(action="attachment_upload")
        self.assertEqual(event.actor, self.alice)
        self.assertEqual(
            (event.object_type, event.object_id), ("knowledge.goodpractice", str(draft.pk))
        )
        self.assertEqual(
            event.detail, {"attachment": attachment.pk, "type": "pdf", "size": len(PDF)}
        )
        # The title and the file's name may hold personal data: never in the audit trail.
        self.assertNotIn("children", str(event.detail))

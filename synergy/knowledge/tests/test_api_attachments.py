"""The attachments of a practice through the API: listed, uploaded (multipart), downloaded and
deleted with the same rules as the pages."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from synergy.core.models import AuditEvent
from synergy.knowledge import services
from synergy.knowledge.models import PracticeAttachment
from synergy.knowledge.tests.attachment_helpers import PDF, AttachmentTestCase, pdf

BASE = "/api/v1/knowledge"


class ApiAttachmentTests(AttachmentTestCase):
    def attachments_url(self, practice_id: int) -> str:
        return f"{BASE}/practices/{practice_id}/attachments"

    def upload(self, practice_id: int, **data: Any) -> Any:
        data.setdefault("file", pdf())
        return self.client.post(self.attachments_url(practice_id), data)

    def test_the_author_uploads_to_a_draft_with_multipart(self) -> None:
        draft = self.practice()
        self.client.force_login(self.alice)
        response = self.upload(draft.pk, title="Toolkit")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        attachment = PracticeAttachment.objects.get()
        self.assertEqual(
            {k: body[k] for k in ("id", "title", "filename", "content_type", "size")},
            {
                "id": attachment.pk,
                "title": "Toolkit",
                "filename": "toolkit.pdf",
                "content_type": "application/pdf",
                "size": len(PDF),
            },
        )
        self.assertEqual(
            body["download_url"], f"{self.attachments_url(draft.pk)}/{attachment.pk}/file"
        )
        self.assertTrue(AuditEvent.objects.filter(action="attachment_upload").exists())

    def test_the_practice_detail_and_the_list_show_the_attachments(self) -> None:
        published = self.published()
        attachment = self.attach(published, title="Toolkit")
        self.client.force_login(self.bob)
        detail = self.client.get(f"{BASE}/practices/{published.pk}").json()
        self.assertEqual([a["id"] for a in detail["attachments"]], [attachment.pk])
        listed = self.client.get(self.attachments_url(published.pk))
        self.assertEqual(listed.status_code, 200)
        self.assertEqual(listed.json(), detail["attachments"])

    def test_a_reader_downloads_and_the_download_is_audited(self) -> None:
        published = self.published()
        attachment = self.attach(published, title="Toolkit")
        self.client.force_login(self.bob)
        url = f"{self.attachments_url(published.pk)}/{attachment.pk}/file"
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)  # type: ignore[attr-defined]
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="toolkit.pdf"')
        event = AuditEvent.objects.get(action="attachment_download")
        self.assertEqual((event.actor, event.detail), (self.bob, {"attachment": attachment.pk}))

    def test_a_refused_file_is_422_naming_the_field(self) -> None:
        draft = self.practice()
        self.client.force_login(self.alice)
        response = self.upload(draft.pk, file=SimpleUploadedFile("setup.exe", b"MZ"))
        self.assertEqual(response.status_code, 422)
        self.assertIn("file", response.json()["detail"])
        with self.settings(KNOWLEDGE_ATTACHMENT_MAX_BYTES=10):
            response = self.upload(draft.pk)
        self.assertEqual(response.status_code, 422)
        self.assertIn("at most", response.json()["detail"]["file"][0])
        self.assertEqual(self.client.post(self.attachments_url(draft.pk), {}).status_code, 422)
        self.assertFalse(PracticeAttachment.objects.exists())
        self.assertEqual(self.stored_files(), [])

    def test_delete_removes_the_row_and_the_file(self) -> None:
        draft = self.practice()
        attachment = self.attach(draft, actor=self.alice)
        self.client.force_login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.delete(f"{self.attachments_url(draft.pk)}/{attachment.pk}")
        self.assertEqual(response.status_code, 204)
        self.assertFalse(PracticeAttachment.objects.exists())
        self.assertEqual(self.stored_files(), [])
        self.assertTrue(AuditEvent.objects.filter(action="attachment_delete").exists())

    def test_readers_get_403_on_writes_and_outsiders_404_on_everything(self) -> None:
        published = self.published()
        public_file = self.attach(published)
        draft = self.practice()
        draft_file = self.attach(draft, actor=self.alice)
        self.client.force_login(self.bob)
        self.assertEqual(self.upload(published.pk).status_code, 403)
        url = f"{self.attachments_url(published.pk)}/{public_file.pk}"
        self.assertEqual(self.client.delete(url).status_code, 403)
        self.client.force_login(self.charlie)
        draft_url = f"{self.attachments_url(draft.pk)}/{draft_file.pk}"
        self.assertEqual(self.client.get(self.attachments_url(draft.pk)).status_code, 404)
        self.assertEqual(self.client.get(f"{draft_url}/file").status_code, 404)
        self.assertEqual(self.upload(draft.pk).status_code, 404)
        self.assertEqual(self.client.delete(draft_url).status_code, 404)
        # Another practice's attachment is not reachable through a practice one may read.
        other = f"{self.attachments_url(published.pk)}/{draft_file.pk}/file"
        self.assertEqual(self.client.get(other).status_code, 404)
        self.assertEqual(PracticeAttachment.objects.count(), 2)

    def test_anonymous_callers_read_only_when_the_knowledge_base_is_public(self) -> None:
        published = self.published()
        attachment = self.attach(published)
        file_url = f"{self.attachments_url(published.pk)}/{attachment.pk}/file"
        self.assertEqual(self.client.get(self.attachments_url(published.pk)).status_code, 401)
        self.assertEqual(self.client.get(file_url).status_code, 401)
        services.settings_set_public_access(actor=self.root, public_access=True)
        self.assertEqual(self.client.get(self.attachments_url(published.pk)).status_code, 200)
        self.assertEqual(self.client.get(file_url).status_code, 200)
        self.assertEqual(self.upload(published.pk).status_code, 401)
        self.assertEqual(
            self.client.delete(f"{self.attachments_url(published.pk)}/{attachment.pk}").status_code,
            401,
        )

"""A refused upload says why, next to the file field, and leaves nothing behind."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from synergy.knowledge import services
from synergy.knowledge.models import PracticeAttachment
from synergy.knowledge.tests.attachment_helpers import AttachmentTestCase, pdf

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
ZIP = b"PK\x03\x04" + b"\0" * 32


class AttachmentValidationTests(AttachmentTestCase):
    def upload(self, upload: SimpleUploadedFile) -> list[str]:
        draft = self.practice()
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("knowledge-attachment-upload", args=[draft.pk]),
            {"title": "Evidence", "file": upload},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="invalid-feedback d-block"')
        self.assertFalse(PracticeAttachment.objects.exists())
        self.assertEqual(self.stored_files(), [])
        errors: list[str] = response.context["attachment_form"].errors["file"]
        return errors

    def test_it_refuses_a_file_larger_than_the_setting(self) -> None:
        with self.settings(KNOWLEDGE_ATTACHMENT_MAX_BYTES=1024):
            errors = self.upload(pdf(content=b"%PDF-1.4\n" + b"x" * 2000))
        self.assertEqual(errors, ["The file is 2.0\xa0KB; an attachment may be at most 1.0\xa0KB."])

    def test_the_form_tells_the_limit_and_the_types_before_upload(self) -> None:
        draft = self.practice()
        self.client.force_login(self.alice)
        with self.settings(KNOWLEDGE_ATTACHMENT_MAX_BYTES=5 * 1024 * 1024):
            page = self.client.get(reverse("knowledge-attachment-upload", args=[draft.pk]))
        self.assertContains(page, "at most 5.0\xa0MB")
        self.assertContains(page, 'accept=".pdf,.docx,')

    def test_it_refuses_types_outside_the_allowlist(self) -> None:
        for name in ("setup.exe", "page.html", "drawing.svg", "macro.docm", "no-extension"):
            with self.subTest(name=name):
                (error,) = self.upload(SimpleUploadedFile(name, b"MZ\x90\0"))
                self.assertIn("This type of file cannot be attached.", error)
                self.assertIn("PDF, DOCX, XLSX", error)

    def test_it_refuses_content_that_is_not_of_the_named_type(self) -> None:
        cases = [
            ("report.pdf", b"MZ\x90\0 a program"),
            ("photo.jpg", PNG),
            ("sheet.xlsx", b"%PDF-1.4"),
            ("notes.txt", b"MZ\0\0\0"),
        ]
        for name, content in cases:
            with self.subTest(name=name):
                (error,) = self.upload(SimpleUploadedFile(name, content))
                self.assertIn("The content of the file is not that of a .", error)

    def test_it_accepts_every_allowed_type_with_matching_content(self) -> None:
        draft = self.practice()
        for name, content in [
            ("a.PNG", PNG),
            ("b.jpeg", b"\xff\xd8\xff\xe0rest"),
            ("c.docx", ZIP),
            ("d.ods", ZIP),
            ("e.csv", "région;enfants\nSud;12\n".encode("latin-1")),
            ("f.txt", b"plain text"),
        ]:
            with self.subTest(name=name):
                services.attachment_add(
                    actor=self.alice, practice=draft, file=SimpleUploadedFile(name, content)
                )
        self.assertEqual(draft.attachments.count(), 6)

    def test_the_service_names_the_field_for_every_caller(self) -> None:
        draft = self.practice()
        with self.assertRaises(ValidationError) as caught:
            services.attachment_add(
                actor=self.alice, practice=draft, file=SimpleUploadedFile("x.pdf", b"")
            )
        self.assertEqual(caught.exception.message_dict, {"file": ["The file is empty."]})

    def test_errors_are_translated(self) -> None:
        draft = self.practice()
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("knowledge-attachment-upload", args=[draft.pk]),
            {"file": SimpleUploadedFile("setup.exe", b"MZ")},
            headers={"accept-language": "fr"},
        )
        (error,) = response.context["attachment_form"].errors["file"]
        self.assertNotIn("This type of file", error)

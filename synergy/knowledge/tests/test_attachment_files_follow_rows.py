"""An attachment's file leaves storage whenever its row does: with its practice, from the
admin, or when the upload itself is undone; and the admin cannot add files that bypass the
type and size checks."""

from __future__ import annotations

from unittest import mock

from django.db import DatabaseError
from django.urls import reverse

from synergy.knowledge.models import GoodPractice, PracticeAttachment
from synergy.knowledge.tests.attachment_helpers import AttachmentTestCase


class AttachmentFilesFollowRowsTests(AttachmentTestCase):
    def test_deleting_a_practice_removes_its_files(self) -> None:
        draft = self.practice()
        self.attach(draft, actor=self.alice)
        self.attach(draft, actor=self.alice)
        other = self.attach(self.practice(), actor=self.alice)
        self.assertEqual(len(self.stored_files()), 3)
        with self.captureOnCommitCallbacks(execute=True):
            GoodPractice.objects.filter(pk=draft.pk).delete()
        self.assertEqual(list(PracticeAttachment.objects.all()), [other])
        self.assertEqual([p.name for p in self.stored_files()], [other.file.name.rsplit("/")[-1]])

    def test_a_rolled_back_delete_keeps_the_file(self) -> None:
        attachment = self.attach(self.practice(), actor=self.alice)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            attachment.delete()
        self.assertEqual(len(callbacks), 1)  # the removal waits for the commit
        self.assertEqual(len(self.stored_files()), 1)

    def test_an_upload_that_fails_after_writing_its_file_leaves_no_file(self) -> None:
        practice = self.practice()
        with mock.patch(
            "synergy.knowledge.services.audit_record", side_effect=DatabaseError("audit down")
        ):
            with self.assertRaises(DatabaseError):
                self.attach(practice, actor=self.alice)
        self.assertFalse(PracticeAttachment.objects.exists())
        self.assertEqual(self.stored_files(), [])
        self.attach(practice, actor=self.alice)  # and the next upload works
        self.assertEqual(len(self.stored_files()), 1)

    def test_the_admin_shows_attachments_read_only_and_adds_none(self) -> None:
        draft = self.practice()
        self.attach(draft, actor=self.alice)
        self.root.is_staff = True
        self.root.is_superuser = True
        self.root.save()
        self.client.force_login(self.root)
        response = self.client.get(reverse("admin:knowledge_goodpractice_change", args=[draft.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "toolkit")
        self.assertNotContains(response, 'name="attachments-0-file"')
        self.assertNotContains(response, 'name="attachments-__prefix__-file"')

"""Uploaded import files (children's personal data, encrypted) do not linger: past the
retention period they are deleted unless their import is under way."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from synergy.monitoring import importing
from synergy.monitoring.tests import factories as f

CSV = b"hh,first,last,sex,age\nH1,Sita,Lama,F,12\n"


@override_settings(IMPORT_UPLOAD_RETENTION_HOURS=72)
class UploadRetentionTests(f.MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.media = Path(f.use_temporary_media(self))

    def upload(self) -> importing.ImportJob:
        return importing.job_create(
            actor=self.alice, organisation=self.partner_a, filename="kobo.csv", data=CSV
        )

    def age(
        self, job: importing.ImportJob, *, hours: float, status: str = "uploaded"
    ) -> importing.ImportJob:
        job.created_at = timezone.now() - timedelta(hours=hours)
        job.status = status
        importing.job_save(job)
        return job

    def folder(self, job: importing.ImportJob) -> Path:
        return self.media / "monitoring" / "imports" / str(job.id)

    def test_it_deletes_old_uploads_and_keeps_recent_ones(self) -> None:
        old, recent = self.upload(), self.upload()
        old, recent = self.age(old, hours=73), self.age(recent, hours=71)
        self.assertTrue((self.folder(old) / "source.enc").exists())
        self.assertEqual(importing.jobs_purge(), 1)
        self.assertFalse(self.folder(old).exists())
        self.assertIsNone(importing.job_get(old.id))
        self.assertTrue((self.folder(recent) / "source.enc").exists())

    def test_it_never_deletes_an_import_under_way(self) -> None:
        queued, running, failed = self.upload(), self.upload(), self.upload()
        self.age(queued, hours=500, status="queued")
        self.age(running, hours=500, status="importing")
        self.age(failed, hours=500, status="failed")
        self.assertEqual(importing.jobs_purge(), 1)
        self.assertTrue(self.folder(queued).exists())
        self.assertTrue(self.folder(running).exists())
        self.assertFalse(self.folder(failed).exists())

    def test_a_new_upload_sweeps_the_old_ones(self) -> None:
        old = self.age(self.upload(), hours=100)
        new = self.upload()
        self.assertFalse(self.folder(old).exists())
        self.assertTrue(self.folder(new).exists())

    def test_the_command_reports_what_it_deleted(self) -> None:
        first, second = self.upload(), self.upload()
        self.age(first, hours=100)
        self.age(second, hours=200)
        out = io.StringIO()
        call_command("monitoring", "purge-uploads", stdout=out)
        self.assertIn("2 import upload(s) deleted", out.getvalue())
        self.assertEqual(list((self.media / "monitoring" / "imports").iterdir()), [])

    def test_a_file_left_without_its_job_goes_after_the_same_time(self) -> None:
        # An upload interrupted between storing the file and recording the job.
        name = default_storage.save("monitoring/imports/orphan/source.enc", ContentFile(b"x"))
        self.assertEqual(importing.jobs_purge(now=timezone.now() + timedelta(hours=71)), 0)
        self.assertTrue(default_storage.exists(name))
        importing.jobs_purge(now=timezone.now() + timedelta(hours=73))
        self.assertFalse(default_storage.exists(name))

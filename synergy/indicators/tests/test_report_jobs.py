"""A large progress report prepared in the background: the page follows its progress, its
owner downloads the file, and nobody else sees it."""

from __future__ import annotations

import io
from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from synergy.indicators import report_jobs
from synergy.indicators.models import Indicator, ReportJob
from synergy.indicators.tests.personas import IndicatorsCase
from synergy.monitoring.tests.factories import use_temporary_media


class ReportJobTests(IndicatorsCase):
    def setUp(self) -> None:
        super().setUp()
        use_temporary_media(self)
        self.client.force_login(self.nina)
        self.url = reverse("indicators-report") + "?country=NP&year=2025"

    def test_a_background_report_shows_its_progress_and_then_its_file(self) -> None:
        response = self.client.post(
            self.url, {"achievements": "Back in school.", "format": "xlsx", "background": "1"}
        )
        job = ReportJob.objects.get()
        self.assertRedirects(response, reverse("indicators-report-job", args=[job.id]))
        # The immediate task backend has prepared it: every indicator counted.
        indicators = (
            Indicator.objects.filter(country__isnull=True).count()
            + Indicator.objects.filter(country_id="NP").count()
        )
        self.assertEqual((job.status, job.done, job.total), ("done", indicators, indicators))
        page = self.client.get(reverse("indicators-report-job", args=[job.id]))
        self.assertContains(page, "The report is ready.")
        file = self.client.get(reverse("indicators-report-file", args=[job.id]))
        self.assertEqual(file.status_code, 200)
        book = load_workbook(io.BytesIO(file.content))
        text = " ".join(
            str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row
        )
        self.assertIn("Back in school.", text)

    def test_a_running_job_says_how_far_it_got(self) -> None:
        job = ReportJob.objects.create(
            owner=self.nina,
            country_id="NP",
            year=2025,
            fmt="pdf",
            status="running",
            done=3,
            total=7,
        )
        page = self.client.get(
            reverse("indicators-report-job", args=[job.id]), headers={"HX-Request": "true"}
        )
        self.assertContains(page, "Preparing: 3 of 7 indicators")
        self.assertContains(page, 'hx-trigger="every 2s"')
        self.assertEqual(
            self.client.get(reverse("indicators-report-file", args=[job.id])).status_code, 404
        )

    def test_nobody_else_sees_the_report(self) -> None:
        self.client.post(self.url, {"format": "pdf", "background": "1"})
        job = ReportJob.objects.get()
        for user in (self.alice, self.zoe, self.ana):
            self.client.force_login(user)
            for name in ("indicators-report-job", "indicators-report-file"):
                self.assertEqual(self.client.get(reverse(name, args=[job.id])).status_code, 404)

    @override_settings(REPORT_FILE_RETENTION_HOURS=1)
    def test_old_reports_are_deleted(self) -> None:
        self.client.post(self.url, {"format": "pdf", "background": "1"})
        job = ReportJob.objects.get()
        name = job.file.name
        ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=2))
        self.assertEqual(report_jobs.job_purge(), 1)
        self.assertFalse(ReportJob.objects.exists())
        from django.core.files.storage import default_storage

        self.assertFalse(default_storage.exists(name))

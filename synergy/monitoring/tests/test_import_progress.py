"""The progress of a running import is read from beside its upload, since the import's own
transaction hides the job's row until it ends; once ended, the job's row has the count."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.urls import reverse

from synergy.monitoring import importing
from synergy.monitoring.importing import jobs
from synergy.monitoring.tests import factories as f

CSV = b"hh,first,last,sex,age\nH1,Sita,Lama,F,12\nH1,Ram,Lama,M,9\nH2,Gita,Rai,F,11\n"
MAPPING = {
    "columns": {
        "household_ref": "hh",
        "first_name": "first",
        "last_name": "last",
        "sex": "sex",
        "age": "age",
    },
    "defaults": {"consent_given": True, "consent_by": "head"},
}


class ImportProgressTests(f.MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        f.use_temporary_media(self)
        self.job = importing.job_create(
            actor=self.alice, organisation=self.partner_a, filename="kobo.csv", data=CSV
        )
        importing.job_check(self.job, MAPPING)
        self.client.force_login(self.alice)

    def status_page(self) -> str:
        url = reverse("monitoring-import-status", args=[self.job.id])
        return self.client.get(url).content.decode()

    def test_the_page_shows_the_rows_a_running_import_has_written(self) -> None:
        self.job.status = "importing"
        importing.job_save(self.job)
        jobs._progress_write(self.job, 2)
        self.assertEqual(importing.job_progress(self.job), 2)
        self.assertIn("2 / 3", self.status_page())
        jobs._progress_write(self.job, 3)  # written again: replaced, not a second file
        self.assertIn("3 / 3", self.status_page())

    def test_a_finished_import_keeps_its_count_and_leaves_no_file(self) -> None:
        self.assertEqual(importing.job_execute(str(self.job.id)), "done")
        job = importing.job_get(self.job.id)
        assert job is not None
        self.assertEqual((job.rows_done, job.percent), (3, 100))
        self.assertFalse(default_storage.exists(f"monitoring/imports/{job.id}/progress"))
        self.assertFalse(default_storage.exists(f"monitoring/imports/{job.id}/source.enc"))

    def test_an_unknown_or_malformed_job_id_is_no_job(self) -> None:
        self.assertIsNone(importing.job_get("not-a-uuid"))
        self.assertIsNone(importing.job_get("00000000-0000-0000-0000-000000000000"))


class ImportListTests(f.MonitoringTestCase):
    def setUp(self) -> None:
        super().setUp()
        f.use_temporary_media(self)

    def test_the_upload_page_lists_the_users_own_imports_only(self) -> None:
        mine = importing.job_create(
            actor=self.alice, organisation=self.partner_a, filename="mine.csv", data=CSV
        )
        importing.job_create(
            actor=self.carol, organisation=self.partner_a, filename="carols.csv", data=CSV
        )
        self.client.force_login(self.alice)
        page = self.client.get(reverse("monitoring-import-upload"))
        self.assertEqual([j.pk for j in page.context["jobs"]], [mine.pk])
        self.assertContains(page, "mine.csv")
        self.assertNotContains(page, "carols.csv")

"""Survey pages: scope (404 for outsiders), the upload -> map -> import -> table flow, audit."""

from __future__ import annotations

import inspect
import io
import shutil
import tempfile
from unittest import mock

import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from synergy.core.models import AuditEvent, Role
from synergy.surveys import services, storage, views
from synergy.surveys.models import DatasetStatus, SurveyDataset
from synergy.surveys.tests.test_childlabour_cli import MAPPING
from synergy.testing import BaseTestCase, make_user


def survey_csv(bad_weight_row: int | None = None) -> bytes:
    rows = []
    for i in range(60):
        rows.append(
            {
                "HH1": i % 6 + 1,
                "stratum": i % 2 + 1,
                "HH7": "East" if i % 3 else "West",
                "CB3": 5 + i % 13,
                "HL4": 1 + i % 2,
                "CL3": (0, 20, 50)[i % 3] if i % 4 else 0,
                "fsweight": 1.0 + (i % 5) / 10,
            }
        )
    frame = pd.DataFrame(rows)
    if bad_weight_row is not None:
        frame["fsweight"] = frame["fsweight"].astype(object)
        frame.loc[bad_weight_row, "fsweight"] = "n/a"
    return frame.to_csv(index=False).encode()


MAPPING_POST = {
    "age": "CB3",
    "sex": "HL4",
    "econ_hours": "CL3",
    "weight": "fsweight",
    "strata": "stratum",
    "psu": "HH1",
    "domain_region": "HH7",
    "sex_male": "1",
    "sex_female": "2",
    "flag_yes": "1",
    "flag_no": "0",
    "framework": "icls-sna",
}


class SurveyViewTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.media = tempfile.mkdtemp(prefix="synergy-media-")
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=self.media)
        override.enable()
        self.addCleanup(override.disable)

    def upload(self, content: bytes | None = None, name: str = "mics.csv") -> SurveyDataset:
        return services.dataset_upload(
            actor=self.alice,
            organisation=self.partner_a,
            name="MICS Nepal 2019",
            country=self.country,
            year=2019,
            filename=name,
            chunks=[survey_csv() if content is None else content],
        )

    def ready_dataset(self, content: bytes | None = None) -> SurveyDataset:
        dataset = self.upload(content)
        with self.captureOnCommitCallbacks(execute=True):
            services.dataset_start_import(
                actor=self.alice, dataset=dataset, mapping=MAPPING, framework="icls-sna"
            )
        dataset.refresh_from_db()
        return dataset


class AccessTests(SurveyViewTestCase):
    def urls(self, dataset: SurveyDataset) -> list[str]:
        return [
            reverse("surveys-detail", args=[dataset.pk]),
            reverse("surveys-status", args=[dataset.pk]),
            reverse("surveys-table", args=[dataset.pk]),
            reverse("surveys-download", args=[dataset.pk, "csv"]),
            reverse("surveys-map", args=[dataset.pk]),
        ]

    def test_it_redirects_anonymous_users_to_sign_in(self) -> None:
        dataset = self.ready_dataset()
        for url in [reverse("surveys-list"), *self.urls(dataset)]:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertIn(reverse("core-login"), response["Location"])

    def test_it_gives_outsiders_404(self) -> None:
        dataset = self.ready_dataset()
        for user in (self.charlie, self.zoe):
            self.client.force_login(user)
            for url in self.urls(dataset):
                self.assertEqual(self.client.get(url).status_code, 404, (user, url))
            response = self.client.post(reverse("surveys-map", args=[dataset.pk]), MAPPING_POST)
            self.assertEqual(response.status_code, 404)
            self.assertNotContains(self.client.get(reverse("surveys-list")), dataset.name)
        self.assertFalse(
            AuditEvent.objects.filter(actor__in=[self.charlie, self.zoe], action="view").exists()
        )

    def test_it_lets_colleagues_read_but_only_managers_map(self) -> None:
        dataset = self.ready_dataset()
        self.client.force_login(self.bob)
        for url in self.urls(dataset)[:4]:
            self.assertEqual(self.client.get(url).status_code, 200, url)
        self.assertEqual(self.client.get(self.urls(dataset)[4]).status_code, 403)
        self.assertEqual(self.client.get(reverse("surveys-upload")).status_code, 403)

    def test_it_lets_the_national_coordinator_and_an_analyst_read(self) -> None:
        dataset = self.ready_dataset()
        analyst = make_user("ana", self.partner_a, Role.ANALYST)
        for user in (self.nina, analyst, self.root):
            self.client.force_login(user)
            response = self.client.get(reverse("surveys-table", args=[dataset.pk]))
            self.assertEqual(response.status_code, 200, user)
            self.assertContains(self.client.get(reverse("surveys-list")), dataset.name)

    def test_views_fetch_datasets_only_through_access(self) -> None:
        self.assertNotIn("SurveyDataset.objects", inspect.getsource(views))


class FlowTests(SurveyViewTestCase):
    def test_it_uploads_maps_imports_and_shows_the_table(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(reverse("surveys-upload")).status_code, 200)
        response = self.client.post(
            reverse("surveys-upload"),
            {
                "name": "MICS Nepal 2019",
                "country": "NP",
                "year": "2019",
                "organisation": self.partner_a.pk,
                "file": SimpleUploadedFile("mics.csv", survey_csv(), "text/csv"),
            },
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 204)
        dataset = SurveyDataset.objects.get()
        self.assertEqual(response["HX-Redirect"], reverse("surveys-map", args=[dataset.pk]))
        self.assertEqual(dataset.source_columns[:3], ["HH1", "stratum", "HH7"])

        page = self.client.get(reverse("surveys-map", args=[dataset.pk]))
        # Guessed from the MICS names.
        self.assertContains(page, '<option value="CB3" selected>', html=False)
        self.assertContains(page, '<option value="fsweight" selected>', html=False)

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("surveys-map", args=[dataset.pk]), MAPPING_POST)
        self.assertRedirects(response, reverse("surveys-detail", args=[dataset.pk]))
        dataset.refresh_from_db()
        self.assertEqual(dataset.status, DatasetStatus.READY)
        self.assertEqual(dataset.row_count, 60)
        self.assertTrue(storage.data_path(dataset.pk).exists())

        # The poll sends the browser on to the table once the import is done.
        poll = self.client.get(
            reverse("surveys-status", args=[dataset.pk]), headers={"HX-Request": "true"}
        )
        self.assertEqual(poll["HX-Redirect"], reverse("surveys-table", args=[dataset.pk]))

        table = self.client.get(reverse("surveys-table", args=[dataset.pk]))
        self.assertContains(table, 'id="chart-data"')
        self.assertContains(table, '<canvas id="cl-chart"', html=False)
        self.assertContains(table, "SL_TLF_CHLDEA")
        by_region = self.client.get(reverse("surveys-table", args=[dataset.pk]) + "?by=region")
        self.assertContains(by_region, "East")

        csv = self.client.get(reverse("surveys-download", args=[dataset.pk, "csv"]))
        self.assertEqual(csv["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(len(pd.read_csv(io.BytesIO(csv.content))), 12)
        xlsx = self.client.get(reverse("surveys-download", args=[dataset.pk, "xlsx"]))
        self.assertEqual(len(pd.read_excel(io.BytesIO(xlsx.content), sheet_name="8.7.1")), 12)
        sdmx = self.client.get(reverse("surveys-download", args=[dataset.pk, "sdmx"]))
        sdmx_frame = pd.read_csv(io.BytesIO(sdmx.content), dtype=str)
        self.assertEqual(set(sdmx_frame["REF_AREA"]), {"524"})  # Nepal, M49
        self.assertEqual(
            self.client.get(reverse("surveys-download", args=[dataset.pk, "pdf"])).status_code,
            404,
        )

        actions = list(
            AuditEvent.objects.filter(
                object_id=str(dataset.pk), object_type="surveys.surveydataset"
            )
            .order_by("id")
            .values_list("action", flat=True)
        )
        self.assertEqual(
            actions,
            ["upload", "import_start", "import", *["view"] * 3, *["export"] * 3],
        )

    def test_it_imports_nothing_from_a_file_with_a_bad_row(self) -> None:
        dataset = self.ready_dataset(survey_csv(bad_weight_row=7))
        self.assertEqual(dataset.status, DatasetStatus.FAILED)
        self.assertEqual(dataset.row_count, 0)
        self.assertFalse(storage.data_path(dataset.pk).exists())
        self.assertEqual(dataset.errors[0]["text"], "Row 9, column fsweight: not a number")
        self.client.force_login(self.alice)
        page = self.client.get(reverse("surveys-detail", args=[dataset.pk]))
        self.assertContains(page, "Row 9, column fsweight: not a number")
        self.assertContains(page, "Nothing was imported")
        # The table is not available; the page sends the user back to the dataset.
        table = self.client.get(reverse("surveys-table", args=[dataset.pk]))
        self.assertRedirects(table, reverse("surveys-detail", args=[dataset.pk]))

    def test_it_refuses_unsupported_empty_and_oversized_files(self) -> None:
        self.client.force_login(self.alice)
        data = {"name": "X", "country": "NP", "year": "2019", "organisation": self.partner_a.pk}
        url = reverse("surveys-upload")
        response = self.client.post(
            url, {**data, "file": SimpleUploadedFile("report.pdf", b"%PDF-1.4")}
        )
        self.assertContains(response, "Unsupported file type")
        with mock.patch("synergy.surveys.forms.MAX_UPLOAD_BYTES", 10):
            response = self.client.post(
                url, {**data, "file": SimpleUploadedFile("big.csv", survey_csv())}
            )
        self.assertContains(response, "larger than the limit")
        response = self.client.post(
            url,
            {**data, "file": SimpleUploadedFile("broken.xlsx", b"not a workbook")},
            headers={"HX-Request": "true"},
        )
        self.assertContains(response, "Cannot read this xlsx file")
        self.assertContains(response, 'id="upload-form"')
        self.assertNotContains(response, "<html")
        self.assertFalse(SurveyDataset.objects.exists())

    def test_it_polls_while_the_import_waits(self) -> None:
        dataset = self.upload()
        services.dataset_start_import(  # no on-commit: the task stays queued
            actor=self.alice,
            dataset=dataset,
            mapping={"age": "CB3", "sex": "HL4", "econ_hours": "CL3"},
            framework="mics",
        )
        self.client.force_login(self.alice)
        page = self.client.get(reverse("surveys-detail", args=[dataset.pk]))
        self.assertContains(page, 'hx-trigger="every 2s"')
        fragment = self.client.get(
            reverse("surveys-status", args=[dataset.pk]), headers={"HX-Request": "true"}
        )
        self.assertContains(fragment, 'hx-trigger="every 2s"')
        self.assertNotContains(fragment, "<html")


class LonelyPsuTests(SurveyViewTestCase):
    def test_it_asks_how_to_treat_a_single_psu_stratum(self) -> None:
        frame = pd.read_csv(io.BytesIO(survey_csv()))
        frame.loc[frame["stratum"] == 2, "HH1"] = 2
        dataset = self.ready_dataset(frame.to_csv(index=False).encode())
        self.assertEqual(dataset.status, DatasetStatus.READY)
        self.client.force_login(self.alice)
        url = reverse("surveys-table", args=[dataset.pk])
        response = self.client.get(url)
        self.assertContains(response, "has only one PSU")
        self.assertNotContains(response, 'id="table-871"')
        response = self.client.get(url + "?lonely_psu=adjust")
        self.assertContains(response, 'id="table-871"')
        download = reverse("surveys-download", args=[dataset.pk, "csv"])
        self.assertRedirects(self.client.get(download), url)
        self.assertEqual(self.client.get(download + "?lonely_psu=adjust").status_code, 200)


class ListTests(SurveyViewTestCase):
    def test_it_pins_the_query_count_of_the_list(self) -> None:
        for _ in range(3):
            self.upload()
        self.client.force_login(self.alice)
        url = reverse("surveys-list")
        self.client.get(url)
        # Session, user, memberships, role policy (two-factor), count, page, then the session
        # save (savepoint, update, release): independent of the number of datasets.
        with self.assertNumQueries(9):
            response = self.client.get(url)
        self.assertEqual(len(response.context["page"].object_list), 3)
        for _ in range(30):
            self.upload()
        with self.assertNumQueries(9):
            response = self.client.get(url)
        self.assertEqual(len(response.context["page"].object_list), 25)
        self.assertContains(self.client.get(url + "?page=2"), "Page 2 of 2")


class SdmxDownloadTests(SurveyViewTestCase):
    def test_a_year_the_sdg_database_cannot_take_is_said_not_crashed_on(self) -> None:
        dataset = self.ready_dataset()
        SurveyDataset.objects.filter(pk=dataset.pk).update(year=1985)
        self.client.force_login(self.alice)
        response = self.client.get(
            reverse("surveys-download", args=[dataset.pk, "sdmx"]), follow=True
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "TIME_PERIOD 1985 is outside 1990-")

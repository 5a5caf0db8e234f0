"""Survey API: datasets, their mapping and import, and the 8.7.1 table, with the pages' scope."""

from __future__ import annotations

from typing import Any

from synergy.core.models import AuditEvent, User
from synergy.core.services import api_token_create
from synergy.surveys import services
from synergy.surveys.models import DatasetStatus
from synergy.surveys.tests.test_childlabour_cli import MAPPING
from synergy.surveys.tests.test_views_surveys import SurveyViewTestCase


class SurveyApiTests(SurveyViewTestCase):
    def call(self, user: User, method: str, path: str, body: Any = None) -> Any:
        _token, plain = api_token_create(user=user, name="t")
        return getattr(self.client, method)(
            f"/api/v1/surveys{path}",
            body,
            content_type="application/json",
            headers={"authorization": f"Bearer {plain}"},
        )

    def test_it_lists_and_shows_datasets_to_their_readers_only(self) -> None:
        dataset = self.ready_dataset()
        listed = self.call(self.alice, "get", "/datasets").json()
        self.assertEqual([d["id"] for d in listed["items"]], [dataset.pk])
        self.assertEqual(listed["items"][0]["status"], "ready")
        self.assertEqual(self.call(self.nina, "get", "/datasets?country=np").json()["count"], 1)
        self.assertEqual(self.call(self.nina, "get", "/datasets?year=2018").json()["count"], 0)
        detail = self.call(self.alice, "get", f"/datasets/{dataset.pk}").json()
        self.assertEqual(detail["mapping"]["psu"], "HH1")
        self.assertEqual(detail["row_count"], 60)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="view", object_id=str(dataset.pk), detail__page="api"
            ).exists()
        )
        # Another partner, another country's coordinator: the dataset does not exist for them.
        for outsider in (self.charlie, self.zoe):
            self.assertEqual(self.call(outsider, "get", "/datasets").json()["count"], 0)
            self.assertEqual(self.call(outsider, "get", f"/datasets/{dataset.pk}").status_code, 404)
            self.assertEqual(
                self.call(outsider, "get", f"/datasets/{dataset.pk}/table").status_code, 404
            )

    def test_it_returns_the_table_the_page_shows(self) -> None:
        dataset = self.ready_dataset()
        response = self.call(self.nina, "get", f"/datasets/{dataset.pk}/table?by=region")
        self.assertEqual(response.status_code, 200, response.content)
        table = response.json()
        expected = services.dataset_table(dataset=dataset, by=["region"])
        self.assertEqual(table["by"], ["sex", "age_group", "region"])
        self.assertEqual(len(table["rows"]), len(expected.rows))
        total = expected.row()
        api_total = next(r for r in table["rows"] if r["domain"] == total.domain)
        self.assertAlmostEqual(
            api_total["child_labour"]["estimate"], total.child_labour.estimate, places=12
        )
        self.assertAlmostEqual(api_total["child_labour"]["se"], total.child_labour.se, places=12)
        self.assertTrue(AuditEvent.objects.filter(detail__page="api-table").exists())

    def test_it_names_a_bad_breakdown_and_refuses_an_unimported_table(self) -> None:
        dataset = self.ready_dataset()
        response = self.call(self.nina, "get", f"/datasets/{dataset.pk}/table?by=district")
        self.assertEqual(response.status_code, 422)
        self.assertIn("by", response.json()["detail"])
        response = self.call(self.nina, "get", f"/datasets/{dataset.pk}/table?framework=x")
        self.assertEqual(response.status_code, 422)
        waiting = self.upload()
        self.assertEqual(
            self.call(self.alice, "get", f"/datasets/{waiting.pk}/table").status_code, 409
        )

    def test_it_imports_with_a_mapping_for_the_uploaders_only(self) -> None:
        dataset = self.upload()
        body = {"mapping": MAPPING, "framework": "icls-sna"}
        # bob reads partner A's datasets but may not import them; charlie does not see them.
        self.assertEqual(
            self.call(self.bob, "post", f"/datasets/{dataset.pk}/import", body).status_code, 403
        )
        self.assertEqual(
            self.call(self.charlie, "post", f"/datasets/{dataset.pk}/import", body).status_code, 404
        )
        bad = self.call(
            self.alice,
            "post",
            f"/datasets/{dataset.pk}/import",
            {**body, "mapping": {**MAPPING, "weight": "nope"}},
        )
        self.assertEqual(bad.status_code, 422)
        self.assertIn("nope", str(bad.json()["detail"]))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.call(self.alice, "post", f"/datasets/{dataset.pk}/import", body)
        self.assertEqual(response.status_code, 202, response.content)
        dataset.refresh_from_db()
        self.assertEqual(dataset.status, DatasetStatus.READY)
        self.assertEqual(
            self.call(self.alice, "get", f"/datasets/{dataset.pk}/table").status_code, 200
        )

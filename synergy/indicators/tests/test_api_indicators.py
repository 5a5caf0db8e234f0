"""The indicators API gives the same access as the pages: another partner's figures are 404,
small counts are suppressed, and an approved figure answers 409 to a re-entry."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.utils import timezone

from synergy.indicators.models import Action, IndicatorValue, Roadmap
from synergy.indicators.tests.personas import IndicatorsCase

API = "/api/v1/indicators"


class ApiTests(IndicatorsCase):
    def post(self, url: str, body: dict[str, object]) -> tuple[int, dict[str, Any]]:
        response = self.client.post(url, json.dumps(body), content_type="application/json")
        return response.status_code, response.json()

    def test_enter_submit_approve_and_a_locked_figure(self) -> None:
        body = {
            "kind": "target",
            "period": "2026",
            "country": "NP",
            "organisation": self.partner_a.pk,
            "disaggregation": {"sex": "F"},
            "value": "5",
        }
        self.client.force_login(self.alice)
        status, value = self.post(f"{API}/indicators/np-bridge-schools/values", body)
        self.assertEqual(
            (status, value["status"], value["disaggregation"]), (201, "draft", {"sex": "F"})
        )
        self.assertEqual(self.post(f"{API}/values/{value['id']}/steps", {"step": "submit"})[0], 200)
        self.assertEqual(
            self.post(f"{API}/values/{value['id']}/steps", {"step": "approve"})[0], 403
        )
        self.client.force_login(self.nina)
        self.assertEqual(
            self.post(f"{API}/values/{value['id']}/steps", {"step": "approve"})[1]["status"],
            "approved",
        )
        self.client.force_login(self.alice)
        self.assertEqual(self.post(f"{API}/indicators/np-bridge-schools/values", body)[0], 409)
        status, correction = self.post(
            f"{API}/values/{value['id']}/corrections", {"value": "6", "reason": "Late report"}
        )
        self.assertEqual((status, correction["correction"], correction["current"]), (201, 2, False))

    def test_a_bad_figure_names_its_field(self) -> None:
        self.client.force_login(self.nina)
        status, body = self.post(
            f"{API}/indicators/np-bridge-schools/values",
            {"kind": "actual", "period": "2025-H1", "country": "NP", "value": "1"},
        )
        self.assertEqual(status, 422)
        self.assertIn("period", str(body["detail"]))

    def test_another_partners_figures_are_not_found(self) -> None:
        self.client.force_login(self.alice)
        status, value = self.post(
            f"{API}/indicators/np-bridge-schools/values",
            {
                "kind": "actual",
                "period": "2025",
                "country": "NP",
                "organisation": self.partner_a.pk,
                "value": "2",
            },
        )
        self.client.force_login(self.charlie)
        listed = self.client.get(
            f"{API}/indicators/np-bridge-schools/values", {"country": "NP"}
        ).json()
        self.assertEqual(listed["count"], 0)
        self.assertEqual(self.post(f"{API}/values/{value['id']}/steps", {"step": "submit"})[0], 404)
        figure = self.client.get(
            f"{API}/indicators/np-bridge-schools/figure",
            {"country": "NP", "period": "2025", "organisation": str(self.partner_a.pk)},
        )
        self.assertEqual(figure.status_code, 404)
        self.assertEqual(IndicatorValue.objects.get().status, "draft")

    def test_small_counts_are_suppressed_for_an_analyst(self) -> None:
        query = {"country": "NP", "period": "2025-S1", "sex": "M"}
        self.client.force_login(self.ana)
        self.assertEqual(
            self.client.get(f"{API}/indicators/clms-withdrawn/figure", query).json()["suppressed"],
            True,
        )
        self.client.force_login(self.nina)
        self.assertEqual(
            self.client.get(f"{API}/indicators/clms-withdrawn/figure", query).json()["value"], "1"
        )

    def test_roadmaps_and_an_actions_follow_up(self) -> None:
        roadmap = Roadmap.objects.create(country=self.country)
        action = Action.objects.create(
            roadmap=roadmap, title="Committees", due_on=timezone.localdate() - timedelta(days=1)
        )
        self.client.force_login(self.bob)
        body = self.client.get(f"{API}/roadmaps/np").json()
        self.assertEqual(
            [(a["title"], a["overdue"]) for a in body["actions"]], [("Committees", True)]
        )
        self.assertEqual(
            self.post(f"{API}/actions/{action.pk}/follow-up", {"version": 1, "status": "done"})[0],
            403,
        )
        self.client.force_login(self.nina)
        status, done = self.post(
            f"{API}/actions/{action.pk}/follow-up",
            {"version": 1, "status": "done", "note": "Met in May"},
        )
        self.assertEqual((status, done["status"], done["overdue"]), (200, "done", False))
        self.assertEqual(
            self.post(f"{API}/actions/{action.pk}/follow-up", {"version": 1, "status": "planned"})[
                0
            ],
            409,
        )

"""A save based on an old version is refused (service, page and API), never overwriting."""

from __future__ import annotations

import json

from django.urls import reverse

from synergy.core.errors import StaleVersionError
from synergy.partners import services
from synergy.partners.models import Activity, Project
from synergy.partners.tests.factories import make_activity, make_project
from synergy.testing import BaseTestCase


class StaleVersionTests(BaseTestCase):
    def test_it_refuses_a_stale_activity_save_in_the_service(self) -> None:
        activity = make_activity(self.partner_a, title="first")
        services.activity_update(actor=self.alice, activity=activity, version=1, title="second")
        stale = Activity.objects.get(pk=activity.pk)
        with self.assertRaises(StaleVersionError):
            services.activity_update(actor=self.nina, activity=stale, version=1, title="third")
        self.assertEqual(Activity.objects.get(pk=activity.pk).title, "second")

    def test_it_answers_409_to_a_stale_api_patch(self) -> None:
        project = make_project("P-1", self.country, implementing=[self.partner_a])
        self.client.force_login(self.alice)
        url = f"/api/v1/partners/projects/{project.pk}"
        ok = self.client.patch(url, json.dumps({"version": 1, "title": "A"}), "application/json")
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(ok.json()["version"], 2)
        stale = self.client.patch(url, json.dumps({"version": 1, "title": "B"}), "application/json")
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(Project.objects.get(pk=project.pk).title, "A")

    def test_it_shows_the_stale_message_on_the_project_form(self) -> None:
        project = make_project("P-2", self.country, implementing=[self.partner_a], status=2)
        Project.objects.filter(pk=project.pk).update(version=5)
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("partners-project-edit", args=[project.pk]),
            {
                "version": "4",
                "code": "P-2",
                "title": "Changed",
                "status": "2",
                "countries": ["NP"],
                "budget_currency": "USD",
                "participants-TOTAL_FORMS": "1",
                "participants-INITIAL_FORMS": "0",
                "participants-0-organisation": str(self.partner_a.pk),
                "participants-0-role": "implementing",
                "targets-TOTAL_FORMS": "0",
                "targets-INITIAL_FORMS": "0",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone else changed this record")
        self.assertEqual(Project.objects.get(pk=project.pk).title, "Project P-2")

from __future__ import annotations

from django.urls import reverse

from synergy.monitoring.models import Visit
from synergy.monitoring.tests import factories as f


class VisitPreviewTests(f.MonitoringTestCase):
    def test_it_shows_the_classification_before_saving(self) -> None:
        child = f.child(self.alice, self.partner_a)
        self.client.force_login(self.alice)
        url = reverse("monitoring-visit-preview", kwargs={"child_id": child.public_id})
        response = self.client.post(
            url,
            {
                "kind": "identification",
                "visit_date": "2026-01-10",
                "econ_hours": "20",
                "chore_hours": "0",
                "night_work": "on",
            },
            HTTP_HX_REQUEST="true",
        )
        self.assertContains(response, "Hazardous work")
        self.assertContains(response, "R2: night work")
        self.assertNotContains(response, "<html")
        self.assertFalse(Visit.objects.exists())

    def test_it_refuses_the_preview_to_outsiders_and_viewers(self) -> None:
        child = f.child(self.alice, self.partner_a)
        url = reverse("monitoring-visit-preview", kwargs={"child_id": child.public_id})
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(url, {}).status_code, 404)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post(url, {}).status_code, 403)

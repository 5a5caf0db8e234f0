from __future__ import annotations

from django.urls import reverse

from synergy.core.models import AuditEvent
from synergy.monitoring.models import Child
from synergy.monitoring.tests import factories as f


class AuditViewTests(f.MonitoringTestCase):
    child: Child

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.child = f.child(cls.alice, cls.partner_a)

    def events(self, action: str) -> list[AuditEvent]:
        return list(
            AuditEvent.objects.filter(
                object_type="monitoring.child", object_id=str(self.child.pk), action=action
            )
        )

    def test_it_audits_every_view_with_the_internal_id_and_no_name(self) -> None:
        self.client.force_login(self.bob)
        url = reverse("monitoring-child-detail", kwargs={"child_id": self.child.public_id})
        self.client.get(url)
        self.client.get(url + "?tab=history")
        views = self.events("view")
        self.assertEqual(len(views), 2)
        self.assertEqual({e.actor for e in views}, {self.bob})
        self.assertNotIn("Zanele", repr([e.detail for e in AuditEvent.objects.all()]))

    def test_it_does_not_audit_a_refused_view(self) -> None:
        self.client.force_login(self.charlie)
        url = reverse("monitoring-child-detail", kwargs={"child_id": self.child.public_id})
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.events("view"), [])

    def test_it_shows_the_access_log_to_coordinators_only(self) -> None:
        url = (
            reverse("monitoring-child-detail", kwargs={"child_id": self.child.public_id})
            + "?tab=access"
        )
        self.client.force_login(self.bob)
        self.client.get(url)
        self.client.force_login(self.alice)
        response = self.client.get(url)
        self.assertNotContains(response, "Access log")
        self.client.force_login(self.nina)
        response = self.client.get(url)
        self.assertContains(response, "Access log")
        self.assertContains(response, "<td>bob</td>", html=False)

    def test_it_audits_api_reads_and_updates(self) -> None:
        self.client.force_login(self.alice)
        url = f"/api/v1/monitoring/children/{self.child.public_id}"
        version = self.client.get(url).json()["version"]
        self.client.patch(url, {"version": version, "grade": "4"}, content_type="application/json")
        self.assertEqual(len(self.events("view")), 1)
        update = self.events("update")[0]
        self.assertEqual(update.detail["fields"], ["grade"])

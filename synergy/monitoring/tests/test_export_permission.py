from __future__ import annotations

from django.urls import reverse

from synergy.core.models import AuditEvent
from synergy.monitoring.tests import factories as f


class ExportTests(f.MonitoringTestCase):
    def test_it_exports_for_managers_and_logs_each_child(self) -> None:
        child = f.child(self.alice, self.partner_a)
        self.client.force_login(self.alice)
        response = self.client.get(reverse("monitoring-child-export"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("Zanele", response.content.decode())
        self.assertTrue(
            AuditEvent.objects.filter(
                action="export", object_type="monitoring.child", object_id=str(child.pk)
            ).exists()
        )

    def test_it_refuses_exports_to_case_workers_viewers_and_analysts(self) -> None:
        f.child(self.alice, self.partner_a)
        for user in (self.carol, self.bob, self.ana, self.pete):
            self.client.force_login(user)
            self.assertEqual(
                self.client.get(reverse("monitoring-child-export")).status_code, 403, user.username
            )
        self.assertFalse(AuditEvent.objects.filter(action="export").exists())

    def test_it_keeps_another_partners_manager_to_their_own_children(self) -> None:
        f.child(self.alice, self.partner_a)
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("monitoring-child-export"))
        self.assertNotIn("Zanele", response.content.decode())

    def test_it_neutralises_formulas(self) -> None:
        f.child(self.alice, self.partner_a, first_name="=HYPERLINK(1)")
        self.client.force_login(self.alice)
        self.assertIn(
            "'=HYPERLINK", self.client.get(reverse("monitoring-child-export")).content.decode()
        )

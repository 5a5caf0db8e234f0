from __future__ import annotations

from django.urls import reverse

from synergy.monitoring.models import Referral, ReferralStatus, ServiceDelivery, Status
from synergy.monitoring.tests import factories as f


class ReferralProviderFlowTests(f.MonitoringTestCase):
    def setUp(self) -> None:
        self.child = f.child(self.alice, self.partner_a)
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("monitoring-referral-create", kwargs={"child_id": self.child.public_id}),
            {
                "to_organisation": self.provider.pk,
                "service_type": "formal_education",
                "notes": "Grade 4 bridging",
                "consent_given": "on",
                "consent_by": "parent",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.referral = Referral.objects.get(child=self.child)
        self.url = reverse(
            "monitoring-referral-detail", kwargs={"referral_id": self.referral.public_id}
        )

    def test_it_refuses_a_referral_without_consent(self) -> None:
        response = self.client.post(
            reverse("monitoring-referral-create", kwargs={"child_id": self.child.public_id}),
            {"to_organisation": self.provider.pk, "service_type": "health", "consent_by": "parent"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Referral.objects.filter(child=self.child).count(), 1)

    def test_it_lets_the_provider_accept_and_record_a_service(self) -> None:
        self.child.refresh_from_db()
        self.assertEqual(self.child.status, Status.REFERRED)
        self.client.force_login(self.pete)
        inbox = self.client.get(reverse("monitoring-referral-inbox"))
        self.assertContains(inbox, "Zanele")
        self.assertNotContains(inbox, "Mthembu")
        self.client.post(self.url, {"action": "accept", "version": self.referral.version})
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ReferralStatus.ACCEPTED)
        self.child.refresh_from_db()
        self.assertEqual(self.child.status, Status.RECEIVING_SERVICES)
        self.client.post(
            self.url,
            {
                "action": "service",
                "start_date": "2026-01-05",
                "description": "Enrolled in grade 4",
                "completed": "on",
            },
        )
        self.assertEqual(
            ServiceDelivery.objects.get(referral=self.referral).description, "Enrolled in grade 4"
        )
        self.referral.refresh_from_db()
        self.assertEqual(self.referral.status, ReferralStatus.COMPLETED)

    def test_it_lets_the_provider_decline_with_a_reason(self) -> None:
        self.client.force_login(self.pete)
        self.client.post(
            self.url,
            {"action": "decline", "version": self.referral.version, "reason": "No places left"},
        )
        self.referral.refresh_from_db()
        self.assertEqual(
            (self.referral.status, self.referral.decline_reason), ("declined", "No places left")
        )
        self.child.refresh_from_db()
        self.assertEqual(self.child.status, Status.IDENTIFIED)

    def test_it_refuses_a_stale_accept(self) -> None:
        self.client.force_login(self.pete)
        self.client.post(self.url, {"action": "accept", "version": self.referral.version})
        response = self.client.post(
            self.url, {"action": "accept", "version": self.referral.version}, follow=True
        )
        self.assertContains(response, "Someone else changed this record")

    def test_it_gives_the_provider_the_limited_shape_in_the_api(self) -> None:
        self.client.force_login(self.pete)
        body = self.client.get(f"/api/v1/monitoring/referrals/{self.referral.public_id}").json()
        self.assertEqual(body["first_name"], "Zanele")
        self.assertNotIn("last_name", body)
        self.assertNotIn("child", body)
        self.assertEqual(
            self.client.get(f"/api/v1/monitoring/children/{self.child.public_id}").status_code, 404
        )
        received = self.client.get("/api/v1/monitoring/referrals/received").json()
        self.assertEqual(received["count"], 1)
        self.assertEqual(received["items"][0]["first_name"], "Zanele")
        self.assertNotIn("last_name", received["items"][0])
        self.client.force_login(self.charlie)
        self.assertEqual(
            self.client.get(f"/api/v1/monitoring/referrals/{self.referral.public_id}").status_code,
            404,
        )
        self.assertEqual(
            self.client.get("/api/v1/monitoring/referrals/received").json()["count"], 0
        )

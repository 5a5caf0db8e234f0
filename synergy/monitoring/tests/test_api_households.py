from __future__ import annotations

from synergy.monitoring.tests import factories as f


class ApiHouseholdTests(f.MonitoringTestCase):
    def test_it_creates_reads_and_updates_a_household_with_version_checks(self) -> None:
        self.client.force_login(self.carol)
        response = self.client.post(
            "/api/v1/monitoring/households",
            {"address": "Ward 9", "head_name": "Hari", "consent_given": True, "consent_by": "head"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        url = f"/api/v1/monitoring/households/{body['id']}"
        ok = self.client.patch(
            url, {"version": body["version"], "address": "Ward 10"}, content_type="application/json"
        )
        self.assertEqual(ok.json()["address"], "Ward 10")
        stale = self.client.patch(
            url, {"version": body["version"], "head_name": "Ram"}, content_type="application/json"
        )
        self.assertEqual(stale.status_code, 409)
        self.assertIn("address", str(stale.json()))

    def test_it_refuses_a_household_without_consent(self) -> None:
        self.client.force_login(self.carol)
        response = self.client.post(
            "/api/v1/monitoring/households",
            {"address": "Ward 9", "consent_given": False, "consent_by": "head"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 422)

    def test_it_hides_households_from_other_partners_and_blocks_viewers(self) -> None:
        household = f.household(self.alice, self.partner_a)
        url = f"/api/v1/monitoring/households/{household.public_id}"
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(url).status_code, 200)
        from synergy.core.models import AuditEvent

        self.assertTrue(
            AuditEvent.objects.filter(
                action="view", object_type="monitoring.household", actor=self.bob
            ).exists()
        )
        response = self.client.patch(
            url, {"version": 1, "address": "x"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)

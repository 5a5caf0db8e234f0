from __future__ import annotations

from django.urls import reverse

from synergy.monitoring.models import Child, Referral
from synergy.monitoring.tests import factories as f


class AccessRoleTests(f.MonitoringTestCase):
    child: Child
    referral: Referral

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.child = f.child(cls.alice, cls.partner_a)
        cls.referral = f.services.referral_create(
            actor=cls.alice,
            child=cls.child,
            to_organisation=cls.provider,
            service_type="psychosocial",
            consent_given=True,
            consent_by="parent",
            notes="Quiet, likes drawing",
        )

    def url(self, name: str = "monitoring-child-detail") -> str:
        return reverse(name, kwargs={"child_id": self.child.public_id})

    def test_it_shows_the_child_to_its_organisation(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(self.url())
        self.assertContains(response, "Zanele")

    def test_it_hides_the_child_from_another_partner(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.get(self.url("monitoring-visit-create")).status_code, 404)

    def test_it_lets_a_viewer_read_but_not_write(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.assertEqual(self.client.get(self.url("monitoring-visit-create")).status_code, 403)
        self.assertEqual(self.client.get(self.url("monitoring-child-edit")).status_code, 403)
        self.assertEqual(self.client.get(self.url("monitoring-referral-create")).status_code, 403)

    def test_it_gives_analysts_no_personal_record(self) -> None:
        self.client.force_login(self.ana)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        response = self.client.get(reverse("monitoring-child-list"))
        self.assertNotContains(response, "Zanele")

    def test_it_shows_the_provider_only_the_referral(self) -> None:
        self.client.force_login(self.pete)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        url = reverse("monitoring-referral-detail", kwargs={"referral_id": self.referral.public_id})
        response = self.client.get(url)
        self.assertContains(response, "Zanele")
        self.assertContains(response, "Quiet, likes drawing")
        self.assertContains(response, "Psychosocial counselling")
        # Never the last name, the household, the visits or other referrals.
        self.assertNotContains(response, "Mthembu")
        self.assertNotContains(response, "monitoring/children/")

    def test_it_lets_the_coordinator_of_the_country_in_but_not_another(self) -> None:
        self.client.force_login(self.nina)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.client.force_login(self.zoe)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_it_treats_a_malformed_or_unknown_id_as_not_found(self) -> None:
        self.client.force_login(self.root)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        response = self.client.get("/monitoring/children/00000000-0000-0000-0000-000000000000/")
        self.assertEqual(response.status_code, 404)

    def test_it_refuses_the_referring_organisation_acting_as_provider(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("monitoring-referral-detail", kwargs={"referral_id": self.referral.public_id})
        response = self.client.post(url, {"action": "accept", "version": self.referral.version})
        self.assertEqual(response.status_code, 403)

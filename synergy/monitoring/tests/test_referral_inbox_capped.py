"""A provider's inbox shows the newest referrals up to LIST_COUNT_CAP and says how to reach
older ones, instead of counting every referral it ever received."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from synergy.monitoring.tests import factories as f


@override_settings(LIST_COUNT_CAP=2)
class CappedInboxTests(f.MonitoringTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for name in ("Asha", "Bina", "Chandra"):
            child = f.child(cls.alice, cls.partner_a, first_name=name)
            f.services.referral_create(
                actor=cls.alice,
                child=child,
                to_organisation=cls.provider,
                service_type="health",
                consent_given=True,
                consent_by="parent",
            )

    def test_it_shows_the_newest_and_says_how_to_see_older_ones(self) -> None:
        self.client.force_login(self.pete)
        response = self.client.get(reverse("monitoring-referral-inbox"))
        self.assertContains(response, "These are the newest 2 referrals")
        self.assertContains(response, "Chandra")
        self.assertContains(response, "Bina")
        self.assertNotContains(response, "Asha")

    def test_a_status_filter_under_the_cap_lists_everything_without_the_note(self) -> None:
        self.client.force_login(self.pete)
        response = self.client.get(reverse("monitoring-referral-inbox"), {"status": "accepted"})
        self.assertNotContains(response, "These are the newest")
        self.assertContains(response, "No referral received.")

    def test_an_outsider_provider_sees_none_of_them(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("monitoring-referral-inbox"))
        self.assertNotContains(response, "Chandra")
        self.assertNotContains(response, "These are the newest")

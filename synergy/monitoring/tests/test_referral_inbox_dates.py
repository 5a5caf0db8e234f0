"""A provider's inbox lists the newest referral date first and filters by referral dates, so
that referrals older than the newest LIST_COUNT_CAP can be reached."""

from __future__ import annotations

from datetime import date
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from synergy.monitoring import views
from synergy.monitoring.tests import factories as f

INBOX = reverse("monitoring-referral-inbox")


@override_settings(LIST_COUNT_CAP=2)
class InboxDateTests(f.MonitoringTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # Registered in this order, referred on these dates (a referral may be entered late).
        for name, referred_on in (
            ("Asha", date(2025, 3, 10)),
            ("Bina", date(2025, 1, 5)),
            ("Chandra", date(2025, 6, 1)),
            ("Dipa", date(2025, 2, 20)),
        ):
            child = f.child(cls.alice, cls.partner_a, first_name=name)
            f.services.referral_create(
                actor=cls.alice,
                child=child,
                to_organisation=cls.provider,
                service_type="health",
                consent_given=True,
                consent_by="parent",
                referred_on=referred_on,
            )

    def names(self, **params: str) -> list[str]:
        response = self.client.get(INBOX, params)
        self.assertEqual(response.status_code, 200)
        return [r.first_name for _referral, r in response.context["rows"]]

    def test_it_lists_the_newest_referral_date_first(self) -> None:
        self.client.force_login(self.pete)
        self.assertEqual(self.names(), ["Chandra", "Asha"])  # the cap is 2

    def test_dates_reach_the_older_referrals(self) -> None:
        self.client.force_login(self.pete)
        self.assertEqual(self.names(referred_to="2025-02-20"), ["Dipa", "Bina"])
        self.assertEqual(
            self.names(referred_from="2025-02-20", referred_to="2025-03-10"), ["Asha", "Dipa"]
        )
        self.assertEqual(self.names(referred_from="2025-06-02"), [])

    def test_a_bad_date_is_named_and_the_list_is_not_filtered(self) -> None:
        self.client.force_login(self.pete)
        response = self.client.get(INBOX, {"referred_from": "2025-13-01"})
        self.assertContains(response, "Enter a valid date.")
        self.assertEqual(response.context["form"].errors.keys(), {"referred_from"})
        self.assertEqual(len(response.context["rows"]), 2)
        response = self.client.get(
            INBOX, {"referred_from": "2025-03-01", "referred_to": "2025-02-01"}
        )
        self.assertContains(response, "The end date is before the start date.")

    def test_the_pages_keep_the_filters(self) -> None:
        self.client.force_login(self.pete)
        with mock.patch.object(views, "PAGE_SIZE", 1):
            response = self.client.get(INBOX, {"referred_to": "2025-03-10", "status": ""})
        self.assertContains(response, "?referred_to=2025-03-10&amp;page=2")

    def test_an_outsider_sees_none_whatever_the_dates(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.names(referred_from="2000-01-01"), [])

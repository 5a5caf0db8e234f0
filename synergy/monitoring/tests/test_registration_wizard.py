from __future__ import annotations

from django.urls import reverse

from synergy.monitoring.models import Child, Household, StatusChange
from synergy.monitoring.tests import factories as f


class RegistrationWizardTests(f.MonitoringTestCase):
    def test_it_searches_before_creating_then_registers_with_a_household(self) -> None:
        f.child(self.alice, self.partner_a, first_name="Kamal", last_name="Rai", sex="M")
        self.client.force_login(self.carol)
        url = reverse("monitoring-child-register")
        response = self.client.post(
            url,
            {
                "step": "search",
                "first_name": "Kamal",
                "last_name": "Rai",
                "sex": "M",
                "estimated_age": 12,
            },
        )
        self.assertContains(response, "Possible duplicates you can see")
        self.assertEqual(Child.objects.count(), 1)  # nothing created by the search
        response = self.client.post(
            url,
            {
                "step": "create",
                "first_name": "Kamala",
                "last_name": "Rai",
                "sex": "F",
                "estimated_age": 9,
                "school_status": "dropped_out",
                "risk_factors": ["out_of_school"],
                "projects": [],
                "hh-address": "Ward 2",
                "hh-head_name": "Dil Rai",
                "hh-members_text": "Dil Rai, father, M, 41\nKamala Rai, daughter, F, 9",
                "hh-consent_given": "on",
                "hh-consent_by": "head",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        child = Child.objects.get(first_name__isnull=False, sex="F")
        self.assertTrue(child.dob_estimated)
        household = Household.objects.get()
        self.assertEqual(child.household, household)
        self.assertEqual(household.member_count, 2)
        self.assertEqual(
            household.members[0],
            {"name": "Dil Rai", "relationship": "father", "sex": "M", "age": 41},
        )
        page = self.client.get(
            reverse("monitoring-child-detail", kwargs={"child_id": child.public_id})
        )
        self.assertContains(page, "Dil Rai · Ward 2")
        self.assertEqual(StatusChange.objects.get(child=child).reason, "registered")

    def test_it_refuses_a_household_without_consent(self) -> None:
        self.client.force_login(self.carol)
        response = self.client.post(
            reverse("monitoring-child-register"),
            {
                "step": "create",
                "first_name": "Mina",
                "sex": "F",
                "estimated_age": 9,
                "hh-address": "Ward 2",
            },
        )
        self.assertContains(response, "consent")
        self.assertFalse(Child.objects.exists())

    def test_it_refuses_registration_to_viewers_and_analysts(self) -> None:
        for user in (self.bob, self.ana, self.pete):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("monitoring-child-register")).status_code, 403)

    def test_it_names_the_bad_line_of_the_member_list(self) -> None:
        self.client.force_login(self.carol)
        response = self.client.post(
            reverse("monitoring-child-register"),
            {
                "step": "create",
                "first_name": "Mina",
                "sex": "F",
                "estimated_age": 9,
                "hh-head_name": "Dil Rai",
                "hh-consent_given": "on",
                "hh-consent_by": "head",
                "hh-members_text": "Dil Rai, father, M, 41\nMina Rai, daughter, X, 9",
            },
        )
        self.assertContains(response, "Line 2: sex must be F or M.")
        self.assertFalse(Child.objects.exists())

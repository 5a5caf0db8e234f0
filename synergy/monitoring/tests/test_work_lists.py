from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from synergy.monitoring.tests import factories as f


class WorkListTests(f.MonitoringTestCase):
    def test_it_lists_due_and_overdue_followups_with_constant_queries(self) -> None:
        today = timezone.localdate()
        child = f.child(self.alice, self.partner_a, case_worker=self.carol)
        f.visit(self.carol, child, "identification", today - timedelta(days=100), **f.HAZARDOUS)
        child.refresh_from_db()
        self.assertEqual(child.next_followup_on, today - timedelta(days=10))
        self.client.force_login(self.carol)
        url = reverse("monitoring-work-list")
        with self.assertNumQueries(12):
            response = self.client.get(url)
        self.assertContains(response, "Overdue")
        self.assertContains(response, "Zanele")
        for i in range(3):
            c = f.child(self.alice, self.partner_a, first_name=f"Kid{i}", case_worker=self.carol)
            f.services.referral_create(
                actor=self.alice,
                child=c,
                to_organisation=self.provider,
                service_type="health",
                consent_given=True,
                consent_by="parent",
            )
        with self.assertNumQueries(12):
            response = self.client.get(url)
        self.assertContains(response, "Kid2")

    def test_it_filters_overdue_only(self) -> None:
        today = timezone.localdate()
        late = f.child(self.alice, self.partner_a, first_name="Late", case_worker=self.carol)
        f.visit(self.carol, late, "identification", today - timedelta(days=100), **f.HAZARDOUS)
        soon = f.child(self.alice, self.partner_a, first_name="Soon", case_worker=self.carol)
        f.visit(self.carol, soon, "identification", today - timedelta(days=85), **f.HAZARDOUS)
        self.client.force_login(self.carol)
        url = reverse("monitoring-work-list")
        names = [c.first_name for c in self.client.get(url).context["due"].object_list]
        self.assertEqual(names, ["Late", "Soon"])
        response = self.client.get(url, {"overdue": "1"})
        self.assertEqual([c.first_name for c in response.context["due"].object_list], ["Late"])

    def test_it_hides_other_workers_cases(self) -> None:
        f.child(self.alice, self.partner_a, case_worker=self.alice)
        self.client.force_login(self.carol)
        self.assertNotContains(self.client.get(reverse("monitoring-work-list")), "Zanele")

    def test_it_shows_the_manager_the_team_caseload(self) -> None:
        today = timezone.localdate()
        for i in range(2):
            c = f.child(self.alice, self.partner_a, first_name=f"Kid{i}", case_worker=self.carol)
            f.visit(self.carol, c, "identification", today - timedelta(days=120), **f.HAZARDOUS)
        f.child(
            self.alice,
            self.partner_a,
            first_name="Other",
            case_worker=self.alice,
            today=today,
        )
        self.client.force_login(self.alice)
        with self.assertNumQueries(8):
            response = self.client.get(reverse("monitoring-caseload"))
        rows = {r.case_worker: (r.open_cases, r.overdue) for r in response.context["rows"]}
        self.assertEqual(rows["carol"], (2, 2))
        self.assertEqual(rows["alice"], (1, 0))
        self.client.force_login(self.carol)
        self.assertEqual(self.client.get(reverse("monitoring-caseload")).status_code, 403)

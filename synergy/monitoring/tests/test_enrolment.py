from __future__ import annotations

from datetime import date

from django.urls import reverse

from synergy.monitoring.models import Outcome, ProjectEnrolment
from synergy.monitoring.tests import factories as f


class EnrolmentTests(f.MonitoringTestCase):
    def test_it_enrols_a_withdrawn_child_and_counts_it_at_once(self) -> None:
        child = f.child(self.alice, self.partner_a)
        f.visit(self.alice, child, "identification", date(2025, 5, 1), **f.HAZARDOUS)
        f.refer_and_accept(self.alice, child, self.pete, self.provider)
        f.visit(self.alice, child, "follow_up", date(2025, 6, 1), **f.CLEAN)
        self.assertFalse(Outcome.objects.exists())
        self.client.force_login(self.carol)
        url = reverse("monitoring-child-enrol", kwargs={"child_id": child.public_id})
        self.client.post(url, {"project": self.project.pk})
        self.assertEqual(ProjectEnrolment.objects.get(child=child).organisation, self.partner_a)
        self.assertEqual(Outcome.objects.get(child=child).kind, "withdrawn")
        # Twice changes nothing.
        self.client.post(url, {"project": self.project.pk})
        self.assertEqual(Outcome.objects.count(), 1)

    def test_it_refuses_projects_the_organisation_is_not_in_and_viewers(self) -> None:
        elsewhere = f.project("P-B", partners=(self.partner_b,))
        child = f.child(self.alice, self.partner_a)
        url = reverse("monitoring-child-enrol", kwargs={"child_id": child.public_id})
        self.client.force_login(self.alice)
        response = self.client.post(url, {"project": elsewhere.pk}, follow=True)
        self.assertContains(response, "does not take part in project P-B")
        self.assertFalse(ProjectEnrolment.objects.exists())
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post(url, {"project": self.project.pk}).status_code, 403)

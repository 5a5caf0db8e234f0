from __future__ import annotations

from django.urls import reverse

from synergy.monitoring.models import Child
from synergy.monitoring.tests import factories as f


class ConcurrentEditTests(f.MonitoringTestCase):
    def test_it_refuses_a_stale_save_and_names_the_changed_fields(self) -> None:
        child = f.child(self.alice, self.partner_a, grade="3")
        opened = child.version
        # Carol saves first.
        f.services.child_update(
            actor=self.carol, child=child, version=opened, grade="4", school_status="attending"
        )
        # Alice submits the form she opened earlier.
        self.client.force_login(self.alice)
        url = reverse("monitoring-child-edit", kwargs={"child_id": child.public_id})
        response = self.client.post(
            url,
            {
                "first_name": "Zanele",
                "last_name": "Mthembu-Xq",
                "sex": "F",
                "date_of_birth": "2013-03-01",
                "grade": "5",
                "version": opened,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone else changed this record")
        self.assertContains(response, "grade")
        self.assertContains(response, "school status")
        self.assertEqual(Child.objects.get(pk=child.pk).grade, "4")

    def test_it_keeps_a_status_change_made_while_the_form_was_open(self) -> None:
        child = f.child(self.alice, self.partner_a)
        opened = Child.objects.get(pk=child.pk)
        f.visit(self.alice, child, "identification", f.TODAY, **f.HAZARDOUS)
        f.refer_and_accept(self.alice, child, self.pete, self.provider)
        # The edit writes only the field it changed: the new status survives.
        f.services.child_update(actor=self.alice, child=opened, version=opened.version, grade="6")
        child.refresh_from_db()
        self.assertEqual((child.grade, child.status), ("6", "receiving_services"))

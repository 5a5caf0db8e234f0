"""A country's coordinators edit its roadmap: dates and summary, priorities, committees and
sub-committees; each write audited, a stale save refused; others cannot."""

from __future__ import annotations

from django.urls import reverse

from synergy.core.models import AuditEvent, Country
from synergy.indicators.models import Committee, Priority, Roadmap
from synergy.testing import BaseTestCase


class RoadmapEditingTest(BaseTestCase):
    def test_a_coordinator_starts_and_edits_the_roadmap(self) -> None:
        self.client.force_login(self.nina)
        listing = self.client.get(reverse("indicators-roadmaps"))
        self.assertEqual([c.iso2 for c in listing.context["startable"]], ["NP"])
        started = self.client.post(reverse("indicators-roadmap-start"), {"country": "NP"})
        self.assertRedirects(started, reverse("indicators-roadmap-edit", args=["NP"]))
        roadmap = Roadmap.objects.get(country_id="NP")
        url = reverse("indicators-roadmap-edit", args=["NP"])
        saved = self.client.post(
            url,
            {
                "form": "details",
                "version": 1,
                "pathfinder_since": "2019-02-01",
                "workshop_on": "2019-06-12",
                "summary": "Three national priorities.",
            },
        )
        self.assertRedirects(saved, url)
        roadmap.refresh_from_db()
        self.assertEqual((str(roadmap.pathfinder_since), roadmap.version), ("2019-02-01", 2))
        stale = self.client.post(url, {"form": "details", "version": 1, "summary": "Older"})
        self.assertEqual(stale.status_code, 200)
        self.assertTrue(stale.context["details"].non_field_errors())
        self.client.post(url, {"form": "priority", "area": "child_labour", "text": "Free schools"})
        self.client.post(
            url, {"form": "committee", "name": "Steering committee", "members": [self.unit.pk]}
        )
        steering = Committee.objects.get(name="Steering committee")
        self.client.post(url, {"form": "committee", "name": "Data group", "parent": steering.pk})
        self.assertEqual(Committee.objects.get(name="Data group").parent, steering)
        page = self.client.get(reverse("indicators-roadmap", args=["NP"]))
        self.assertContains(page, "Free schools")
        self.assertContains(page, "Data group")
        priority = Priority.objects.get()
        self.client.post(url, {"form": "remove_priority", "id": priority.pk})
        self.client.post(url, {"form": "remove_committee", "id": steering.pk})
        self.assertFalse(Priority.objects.exists())
        self.assertFalse(Committee.objects.exists())  # the sub-committee went with it
        actions = list(
            AuditEvent.objects.filter(actor=self.nina).values_list("action", "object_type")
        )
        self.assertIn(("update", "indicators.roadmap"), actions)
        self.assertIn(("delete", "indicators.committee"), actions)

    def test_others_cannot_edit(self) -> None:
        Roadmap.objects.create(country=Country.objects.get(pk="NP"))
        url = reverse("indicators-roadmap-edit", args=["NP"])
        for user in (self.zoe, self.alice, self.bob):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(url).status_code, 403)
                response = self.client.post(
                    url, {"form": "priority", "area": "child_labour", "text": "x"}
                )
                self.assertEqual(response.status_code, 403)
        self.assertFalse(Priority.objects.exists())
        self.client.force_login(self.zoe)
        self.assertEqual(
            self.client.post(reverse("indicators-roadmap-start"), {"country": "NP"}).status_code,
            403,
        )
        self.assertEqual(Roadmap.objects.count(), 1)

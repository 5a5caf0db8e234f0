"""Deduplication across partners: the scan finds a child registered by two organisations
under different spellings; the coordinator sees both records with the evidence; each partner
sees only its own child, flagged, and nothing of the other record."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from synergy.core.models import AdminArea, AuditEvent
from synergy.monitoring import dedup
from synergy.monitoring.models import PossibleDuplicate
from synergy.monitoring.tests import factories as f


class DedupAcrossPartnersTests(f.MonitoringTestCase):
    district: AdminArea
    village: AdminArea

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.district = AdminArea.objects.create(
            country=cls.country, code="NP-D1", name="Dhading", level=1
        )
        cls.village = AdminArea.objects.create(
            country=cls.country, code="NP-D1-V1", name="Kiln Ward", level=2, parent=cls.district
        )

    def _pair(self) -> tuple[f.Child, f.Child]:
        hh_a = f.household(self.alice, self.partner_a, head_name="Gopal Shrestha")
        alices = f.child(
            self.alice,
            self.partner_a,
            first_name="Lakshmi",
            last_name="Shrestha",
            date_of_birth=date(2013, 5, 4),
            household=hh_a,
            area=self.village,
        )
        hh_b = f.household(self.charlie, self.partner_b, head_name="Gopal Srestha")
        charlies = f.child(
            self.charlie,
            self.partner_b,
            first_name="Laxmi",
            last_name="Srestha",
            date_of_birth=date(2013, 5, 4),
            household=hh_b,
            area=self.village,
        )
        return alices, charlies

    def test_it_finds_the_pair_the_registration_check_missed(self) -> None:
        alices, charlies = self._pair()
        # The blind-index check at registration cannot see this one (other phonetic codes).
        self.assertFalse(PossibleDuplicate.objects.exists())
        result = dedup.dedup_scan(actor=self.nina, country=self.country)
        self.assertEqual(result.created, 1)
        flag = PossibleDuplicate.objects.get()
        self.assertEqual((flag.candidate, flag.child), (alices, charlies))
        self.assertTrue(flag.cross_organisation)
        self.assertEqual(flag.match, "scored")
        self.assertGreaterEqual(flag.score, dedup.THRESHOLD)
        # A second scan does not file the pair twice.
        self.assertEqual(dedup.dedup_scan(actor=self.nina, country=self.country).created, 0)

    def test_it_shows_the_coordinator_both_records_with_the_evidence(self) -> None:
        alices, charlies = self._pair()
        dedup.dedup_scan(actor=self.nina, country=self.country)
        self.client.force_login(self.nina)
        response = self.client.get(reverse("monitoring-dedup-list"))
        self.assertContains(response, "Lakshmi")
        self.assertContains(response, "Laxmi")
        self.assertContains(response, "same date")
        self.assertContains(response, "same area")
        viewed = set(
            AuditEvent.objects.filter(
                action="view", actor=self.nina, detail__what="duplicate_review"
            ).values_list("object_id", flat=True)
        )
        self.assertEqual(viewed, {str(alices.pk), str(charlies.pk)})

    def test_it_never_shows_charlie_anything_of_alices_child(self) -> None:
        alices, charlies = self._pair()
        dedup.dedup_scan(actor=self.nina, country=self.country)
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("monitoring-dedup-list"))
        body = response.content.decode()
        self.assertIn("Possible duplicate at another organisation", body)
        self.assertIn(str(charlies.public_id), body)
        for leaked in ("Lakshmi", "Shrestha", "Partner A", str(alices.public_id), "Gopal"):
            self.assertNotIn(leaked, body)
        # Nor can he open the other record or act on the pair.
        detail = reverse("monitoring-child-detail", args=[alices.public_id])
        self.assertEqual(self.client.get(detail).status_code, 404)
        flag = PossibleDuplicate.objects.get()
        merge = reverse("monitoring-dedup-merge", args=[flag.pk])
        self.assertEqual(self.client.post(merge, {"survivor": alices.pk}).status_code, 404)
        scan = reverse("monitoring-dedup-scan")
        self.assertEqual(self.client.post(scan, {"country": "NP"}).status_code, 404)
        self.assertTrue(dedup.has_duplicate_elsewhere(charlies))

    def test_it_flags_alices_child_for_alice_too(self) -> None:
        alices, charlies = self._pair()
        dedup.dedup_scan(actor=self.nina, country=self.country)
        self.client.force_login(self.bob)  # viewer of partner A
        response = self.client.get(reverse("monitoring-dedup-list"))
        self.assertContains(response, "Lakshmi")
        self.assertNotContains(response, "Laxmi")
        self.assertNotContains(response, "Partner B")

    def test_it_shows_another_country_nothing(self) -> None:
        self._pair()
        dedup.dedup_scan(actor=self.nina, country=self.country)
        self.client.force_login(self.zoe)
        response = self.client.get(reverse("monitoring-dedup-list"))
        self.assertContains(response, "No possible duplicate to review.")
        self.assertNotContains(response, "Lakshmi")

    def test_it_runs_the_scan_as_a_background_task(self) -> None:
        self._pair()
        self.client.force_login(self.nina)
        response = self.client.post(reverse("monitoring-dedup-scan"), {"country": "NP"})
        self.assertRedirects(response, reverse("monitoring-dedup-list"))
        self.assertEqual(PossibleDuplicate.objects.filter(match="scored").count(), 1)

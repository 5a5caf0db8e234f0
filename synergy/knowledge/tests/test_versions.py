"""Every save keeps a snapshot; stale saves are refused; editors mark practices verified."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from synergy.core.errors import StaleVersionError
from synergy.core.models import Country
from synergy.knowledge import services
from synergy.knowledge.models import PracticeVersion, Theme
from synergy.knowledge.tests.helpers import KnowledgeTestCase


class VersionTests(KnowledgeTestCase):
    def test_it_keeps_a_snapshot_of_each_saved_version(self) -> None:
        practice = self.practice(summary="First words")
        theme = Theme.objects.get(slug="labour-inspection")
        services.practice_update(
            actor=self.alice,
            practice=practice,
            version=1,
            summary="Second words",
            themes=[theme],
            countries=[(Country.objects.get(pk="NP"), "shared")],
        )
        versions = list(PracticeVersion.objects.filter(practice=practice).order_by("number"))
        self.assertEqual([v.number for v in versions], [1, 2])
        self.assertEqual(versions[0].snapshot["summary"], "First words")
        self.assertEqual(versions[1].snapshot["summary"], "Second words")
        self.assertEqual(versions[1].snapshot["themes"], ["labour-inspection"])
        self.assertEqual(versions[1].snapshot["countries"], [["NP", "shared"]])
        self.assertEqual(versions[1].saved_by, self.alice)

    def test_a_stale_save_is_refused(self) -> None:
        practice = self.practice()
        services.practice_update(actor=self.alice, practice=practice, version=1, summary="A")
        with self.assertRaises(StaleVersionError):
            services.practice_update(actor=self.kate, practice=practice, version=1, summary="B")
        practice.refresh_from_db()
        self.assertEqual((practice.summary, practice.version), ("A", 2))
        self.assertEqual(practice.versions.count(), 2)

    def test_the_versions_page_lists_them_for_those_who_see_the_practice(self) -> None:
        practice = self.practice()
        services.practice_update(actor=self.alice, practice=practice, version=1, title="New title")
        self.client.force_login(self.alice)
        response = self.client.get(reverse("knowledge-practice-versions", args=[practice.pk]))
        self.assertContains(response, "Version 2")
        self.assertContains(response, "Version 1")
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("knowledge-practice-versions", args=[practice.pk]))
        self.assertEqual(response.status_code, 404)

    def test_only_editors_record_the_last_verified_date(self) -> None:
        practice = self.practice()
        with self.assertRaises(PermissionDenied):
            services.practice_verify(actor=self.alice, practice=practice)
        services.practice_verify(actor=self.kate, practice=practice, on=date(2026, 5, 1))
        practice.refresh_from_db()
        self.assertEqual(practice.last_verified, date(2026, 5, 1))

"""Merging two records of one child: the survivor keeps one outcome per project, the
duplicate's visits, referrals and enrolments move to it, both records are audited, and the
merged record disappears from lists and counts."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from synergy.core.models import AuditEvent, Role
from synergy.monitoring import dedup, selectors
from synergy.monitoring.models import DuplicateStatus, Outcome, PossibleDuplicate, Referral, Visit
from synergy.monitoring.tests import factories as f
from synergy.partners.models import ProjectParticipant


class DedupMergeTests(f.MonitoringTestCase):
    def _withdrawn_twice(self) -> tuple[f.Child, f.Child]:
        ProjectParticipant.objects.create(
            project=self.project, organisation=self.partner_b, role="implementing"
        )
        dave = f.make_user("dave", self.partner_b, Role.CASE_WORKER)
        first = f.child(
            self.alice,
            self.partner_a,
            first_name="Lakshmi",
            last_name="Shrestha",
            projects=[self.project],
        )
        second = f.child(
            dave, self.partner_b, first_name="Laxmi", last_name="Srestha", projects=[self.project]
        )
        for actor, child in ((self.alice, first), (dave, second)):
            f.visit(actor, child, "identification", date(2025, 5, 1), **f.HAZARDOUS)
            f.refer_and_accept(actor, child, self.pete, self.provider)
            f.visit(actor, child, "follow_up", date(2025, 6, 1), **f.CLEAN)
        return first, second

    def test_it_counts_the_child_once_after_the_merge(self) -> None:
        first, second = self._withdrawn_twice()
        # Not caught at registration: both counted, once each.
        self.assertEqual(Outcome.objects.filter(project=self.project).count(), 2)
        dedup.dedup_scan(actor=self.nina, country=self.country)
        flag = PossibleDuplicate.objects.get()
        self.client.force_login(self.nina)
        response = self.client.post(
            reverse("monitoring-dedup-merge", args=[flag.pk]), {"survivor": first.pk}
        )
        self.assertRedirects(response, reverse("monitoring-dedup-list"))
        self.assertEqual(
            list(Outcome.objects.filter(project=self.project).values_list("child", flat=True)),
            [first.pk],
        )
        self.assertEqual(Visit.objects.filter(child=first).count(), 4)
        self.assertEqual(Visit.objects.filter(child=second).count(), 0)
        self.assertEqual(Referral.objects.filter(child=first).count(), 2)
        second.refresh_from_db()
        flag.refresh_from_db()
        self.assertEqual(second.merged_into_id, first.pk)
        self.assertEqual(flag.status, DuplicateStatus.MERGED)
        self.assertNotIn(second, list(selectors.children_for(self.nina)))
        trail = AuditEvent.objects.filter(action="merge_history")
        self.assertEqual(
            sorted(trail.values_list("object_id", flat=True)),
            sorted([str(first.pk), str(second.pk)]),
        )
        detail = trail.first().detail  # type: ignore[union-attr]
        self.assertEqual(
            (detail["visits"], detail["referrals"], detail["outcomes_dropped"]), (2, 1, 1)
        )
        # The merged pair leaves the review list.
        self.assertContains(
            self.client.get(reverse("monitoring-dedup-list")), "No possible duplicate to review."
        )

    def test_it_refuses_a_survivor_outside_the_pair(self) -> None:
        first, second = self._withdrawn_twice()
        dedup.dedup_scan(actor=self.nina, country=self.country)
        flag = PossibleDuplicate.objects.get()
        self.client.force_login(self.nina)
        self.client.post(reverse("monitoring-dedup-merge", args=[flag.pk]), {"survivor": 999999})
        second.refresh_from_db()
        self.assertIsNone(second.merged_into_id)
        self.assertEqual(Outcome.objects.filter(project=self.project).count(), 2)

    def test_it_lets_no_partner_merge(self) -> None:
        first, _second = self._withdrawn_twice()
        dedup.dedup_scan(actor=self.nina, country=self.country)
        flag = PossibleDuplicate.objects.get()
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("monitoring-dedup-merge", args=[flag.pk]), {"survivor": first.pk}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Outcome.objects.filter(project=self.project).count(), 2)

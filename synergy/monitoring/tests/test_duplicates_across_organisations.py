from __future__ import annotations

from datetime import date

from django.urls import reverse

from synergy.core.models import Role
from synergy.monitoring.models import Outcome, PossibleDuplicate
from synergy.monitoring.tests import factories as f
from synergy.partners.models import ProjectParticipant


class CrossOrganisationDuplicateTests(f.MonitoringTestCase):
    def test_it_flags_a_second_registration_and_tells_nothing_of_the_other(self) -> None:
        f.child(self.alice, self.partner_a, first_name="Zanele", last_name="Mthembu-Xq")
        self.client.force_login(self.charlie)
        response = self.client.post(
            reverse("monitoring-child-register"),
            {
                "step": "search",
                "first_name": "Zanelle",
                "last_name": "Mthembu Xq",
                "sex": "F",
                "date_of_birth": "2013-03-01",
            },
        )
        self.assertContains(response, "A possible duplicate exists at another organisation")
        self.assertNotContains(response, "Partner A")
        self.assertNotContains(response, "Zanele")  # the other record's spelling

    def test_it_counts_the_child_once_across_organisations(self) -> None:
        ProjectParticipant.objects.create(
            project=self.project, organisation=self.partner_b, role="implementing"
        )
        dave = f.make_user("dave", self.partner_b, Role.CASE_WORKER)
        first = f.child(self.alice, self.partner_a, projects=[self.project])
        second = f.child(
            dave,
            self.partner_b,
            first_name="Zanele",
            last_name="Mthembu Xq",
            projects=[self.project],
        )
        flag = PossibleDuplicate.objects.get(child=second)
        self.assertEqual(
            (flag.candidate, flag.cross_organisation, flag.match), (first, True, "exact")
        )
        for actor, child in ((self.alice, first), (dave, second)):
            f.visit(actor, child, "identification", date(2025, 5, 1), **f.HAZARDOUS)
            f.refer_and_accept(actor, child, self.pete, self.provider)
            f.visit(actor, child, "follow_up", date(2025, 6, 1), **f.CLEAN)
        self.assertEqual(Outcome.objects.filter(project=self.project).count(), 1)
        # The coordinator merges: still one outcome, kept by the survivor.
        f.services.child_merge(actor=self.nina, survivor=first, duplicate=second)
        self.assertEqual(
            list(Outcome.objects.filter(project=self.project).values_list("child", flat=True)),
            [first.pk],
        )

    def test_it_only_lets_the_coordinator_merge_across_organisations(self) -> None:
        first = f.child(self.alice, self.partner_a)
        second = f.child(self.charlie, self.partner_b)
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            f.services.child_merge(actor=self.charlie, survivor=second, duplicate=first)

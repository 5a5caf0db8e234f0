"""Events (forums, study tours…) and their outcomes with follow-up."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from synergy.core.errors import StaleVersionError
from synergy.core.models import AuditEvent
from synergy.knowledge import services
from synergy.knowledge.models import Event, FollowUpStatus, Outcome
from synergy.knowledge.tests.helpers import KnowledgeTestCase


class EventTests(KnowledgeTestCase):
    def event(self, **fields: object) -> Event:
        fields.setdefault("kind", "study_tour")
        fields.setdefault("title", "Study tour on ward committees")
        fields.setdefault("start_date", date(2026, 4, 1))
        return services.event_create(actor=self.alice, **fields)

    def test_it_records_an_event_with_participants(self) -> None:
        event = self.event(
            end_date=date(2026, 4, 5),
            place="Pokhara",
            country=self.country,
            host=self.unit,
            organisers=[self.partner_a],
            participating_organisations=[self.partner_a, self.partner_b],
            participating_countries=[self.country, self.other_country],
            agenda="Day 1: visits",
        )
        self.assertEqual(
            set(event.participating_countries.values_list("pk", flat=True)), {"NP", "MG"}
        )
        self.assertEqual(
            AuditEvent.objects.filter(
                action="create", object_id=str(event.pk), object_type="knowledge.event"
            ).count(),
            1,
        )
        with self.assertRaises(ValidationError):
            self.event(start_date=date(2026, 4, 5), end_date=date(2026, 4, 1))

    def test_outcomes_are_followed_up_by_their_owner(self) -> None:
        event = self.event()
        outcome = services.outcome_create(
            actor=self.alice,
            event=event,
            kind="commitment",
            title="Share the register template",
            owner_user=self.charlie,
            due_date=date(2026, 6, 30),
        )
        self.assertEqual(outcome.status, FollowUpStatus.OPEN)
        # The owner reports progress; someone unrelated may not.
        services.outcome_update(
            actor=self.charlie, outcome=outcome, version=1, status="in_progress"
        )
        with self.assertRaises(PermissionDenied):
            services.outcome_update(actor=self.bob, outcome=outcome, version=2, status="done")
        with self.assertRaises(StaleVersionError):
            services.outcome_update(actor=self.alice, outcome=outcome, version=1, status="done")
        services.outcome_update(actor=self.kate, outcome=outcome, version=2, status="done")
        outcome.refresh_from_db()
        self.assertEqual((outcome.status, outcome.version), ("done", 3))
        with self.assertRaises(ValidationError):
            services.outcome_update(actor=self.kate, outcome=outcome, version=3, status="forgotten")

    def test_an_organisation_can_own_an_outcome(self) -> None:
        event = self.event()
        outcome = services.outcome_create(
            actor=self.kate,
            event=event,
            kind="recommendation",
            title="Fund committees",
            owner_organisation=self.partner_b,
        )
        services.outcome_update(actor=self.charlie, outcome=outcome, version=1, status="dropped")
        self.assertEqual(Outcome.objects.get(pk=outcome.pk).status, "dropped")

    def test_only_editors_and_the_recorder_change_an_event(self) -> None:
        event = self.event()
        self.client.force_login(self.charlie)
        self.assertEqual(
            self.client.get(reverse("knowledge-event-detail", args=[event.pk])).status_code, 200
        )
        self.assertEqual(
            self.client.get(reverse("knowledge-event-edit", args=[event.pk])).status_code, 403
        )
        self.assertEqual(
            self.client.get(reverse("knowledge-outcome-create", args=[event.pk])).status_code, 403
        )
        self.client.force_login(self.kate)
        response = self.client.post(
            reverse("knowledge-outcome-create", args=[event.pk]),
            {"kind": "lesson", "title": "Visits must go on", "status": "open"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(event.outcomes.get().title, "Visits must go on")

    def test_the_event_page_shows_outcomes_with_owner_and_status(self) -> None:
        event = self.event(title="Partners forum")
        services.outcome_create(
            actor=self.alice,
            event=event,
            kind="success_story",
            title="Every child finished the year",
            status="done",
        )
        services.outcome_create(
            actor=self.alice,
            event=event,
            kind="commitment",
            title="Train two partners",
            owner_organisation=self.partner_b,
            due_date=date(2026, 6, 30),
        )
        self.client.force_login(self.bob)
        response = self.client.get(reverse("knowledge-event-detail", args=[event.pk]))
        self.assertContains(response, "Every child finished the year")
        self.assertContains(response, "Partner B")
        self.assertContains(response, "Success story")
        follow = self.client.get(reverse("knowledge-follow-up-list") + "?status=open")
        self.assertContains(follow, "Train two partners")
        self.assertNotContains(follow, "Every child finished the year")

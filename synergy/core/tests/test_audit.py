from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from synergy.core import services
from synergy.core.audit import audit_record
from synergy.core.errors import StaleVersionError
from synergy.core.models import AuditEvent, Organisation
from synergy.testing import PASSWORD, BaseTestCase


class AuditTransactionTests(BaseTestCase):
    def test_it_writes_the_event_with_the_change(self) -> None:
        services.organisation_update(
            actor=self.nina, organisation=self.partner_a, version=1, acronym="PA2"
        )
        event = AuditEvent.objects.get(action="update")
        self.assertEqual(
            (event.actor, event.object_type, event.object_id, event.organisation),
            (self.nina, "core.organisation", str(self.partner_a.pk), self.partner_a),
        )

    def test_it_writes_nothing_for_a_stale_save(self) -> None:
        services.organisation_update(
            actor=self.nina, organisation=self.partner_a, version=1, acronym="PA2"
        )
        stale = Organisation.objects.get(pk=self.partner_a.pk)
        with self.assertRaises(StaleVersionError):
            services.organisation_update(actor=self.nina, organisation=stale, version=1, name="X")
        self.assertEqual(AuditEvent.objects.filter(action="update").count(), 1)

    def test_it_writes_nothing_for_invalid_data(self) -> None:
        with self.assertRaises(ValidationError):
            services.organisation_create(actor=self.nina, name="", kind="ngo", country=self.country)
        self.assertFalse(AuditEvent.objects.exists())

    def test_it_rolls_back_the_event_with_the_transaction(self) -> None:
        # Two saves in one transaction, the second stale: the first save and its audit
        # event are undone together, because the event is written in the same transaction.
        with self.assertRaises(StaleVersionError), transaction.atomic():
            services.organisation_update(
                actor=self.nina, organisation=self.partner_a, version=1, acronym="PA2"
            )
            self.assertEqual(AuditEvent.objects.filter(action="update").count(), 1)
            services.organisation_update(
                actor=self.nina, organisation=self.partner_a, version=1, name="Again"
            )
        self.assertFalse(AuditEvent.objects.filter(action="update").exists())
        self.partner_a.refresh_from_db()
        self.assertEqual((self.partner_a.acronym, self.partner_a.version), ("PA", 1))


class AuditAppendOnlyTests(BaseTestCase):
    def setUp(self) -> None:
        self.event = audit_record(actor=self.nina, action="view", obj=self.partner_a)

    def test_it_refuses_to_save_an_existing_event(self) -> None:
        self.event.action = "tampered"
        with self.assertRaises(PermissionError):
            self.event.save()
        copy = AuditEvent(pk=self.event.pk, action="tampered", object_type="x")
        with self.assertRaises(PermissionError):
            copy.save()
        self.event.refresh_from_db()
        self.assertEqual(self.event.action, "view")

    def test_it_refuses_queryset_updates_and_deletes(self) -> None:
        # Each attempt in its own savepoint: bulk_update's failure would otherwise poison the
        # test's transaction.
        with self.assertRaises(PermissionError), transaction.atomic():
            AuditEvent.objects.filter(pk=self.event.pk).update(action="tampered")
        with self.assertRaises(PermissionError), transaction.atomic():
            AuditEvent.objects.all().delete()
        self.event.action = "tampered"
        with self.assertRaises(PermissionError), transaction.atomic():
            AuditEvent.objects.bulk_update([self.event], ["action"])
        self.assertEqual(AuditEvent.objects.get().action, "view")

    def test_it_refuses_to_delete_an_event(self) -> None:
        with self.assertRaises(PermissionError):
            self.event.delete()
        self.assertTrue(AuditEvent.objects.filter(pk=self.event.pk).exists())


class AuditDetailTests(BaseTestCase):
    def test_it_records_field_names_not_values(self) -> None:
        self.client.force_login(self.nina)
        secret_description = "Contact Ms Example at +977 1 555 0100, Ward 4"
        response = self.client.post(
            reverse("core-organisation-edit", args=[self.partner_a.pk]),
            {
                "name": "Partner A",
                "acronym": "PA",
                "kind": "ngo",
                "country": "NP",
                "description": secret_description,
                "website": "https://partner-a.example.org",
                "version": 1,
            },
        )
        self.assertEqual(response.status_code, 302)
        event = AuditEvent.objects.get(action="update")
        self.assertEqual(event.detail, {"fields": ["description", "website"]})
        stored = json.dumps(event.detail) + str(event)
        self.assertNotIn("555", stored)
        self.assertNotIn("partner-a.example.org", stored)

    def test_it_records_the_sign_in_without_the_password(self) -> None:
        self.client.post(reverse("core-login"), {"username": "alice", "password": "wrong-pass"})
        self.client.post(reverse("core-login"), {"username": "alice", "password": PASSWORD})
        for event in AuditEvent.objects.all():
            self.assertNotIn(PASSWORD, json.dumps(event.detail))
            self.assertNotIn("wrong-pass", json.dumps(event.detail))


class AuditBaseManagerTests(BaseTestCase):
    def test_it_refuses_updates_through_the_base_manager(self) -> None:
        event = audit_record(actor=self.alice, action="view", object_type="x", object_id=1)
        with self.assertRaises(PermissionError):
            AuditEvent._base_manager.filter(pk=event.pk).update(action="changed")

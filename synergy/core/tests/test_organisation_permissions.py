from __future__ import annotations

from django.urls import reverse

from synergy.core.models import AuditEvent, Organisation
from synergy.testing import BaseTestCase


class OrganisationWritePermissionTests(BaseTestCase):
    def edit_url(self, organisation: Organisation) -> str:
        return reverse("core-organisation-edit", args=[organisation.pk])

    def post_edit(self, organisation: Organisation, **changes: str) -> int:
        data = {
            "name": organisation.name,
            "acronym": organisation.acronym,
            "kind": organisation.kind,
            "country": organisation.country_id or "",
            "version": organisation.version,
            **changes,
        }
        return self.client.post(self.edit_url(organisation), data).status_code

    def test_it_gives_outsider_404_on_every_write(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.edit_url(self.partner_a)).status_code, 404)
        self.assertEqual(self.post_edit(self.partner_a, name="Hijacked"), 404)
        self.partner_a.refresh_from_db()
        self.assertEqual(self.partner_a.name, "Partner A")

    def test_it_gives_coordinator_of_another_country_404(self) -> None:
        self.client.force_login(self.zoe)
        self.assertEqual(self.post_edit(self.partner_a, name="Hijacked"), 404)

    def test_it_gives_read_only_member_403(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.edit_url(self.partner_a)).status_code, 403)
        self.assertEqual(self.post_edit(self.partner_a, name="Renamed"), 403)
        # A partner manager does not edit the directory either: that is the coordinator's job.
        self.client.force_login(self.alice)
        self.assertEqual(self.post_edit(self.partner_a, name="Renamed"), 403)
        self.partner_a.refresh_from_db()
        self.assertEqual(self.partner_a.name, "Partner A")

    def test_it_forbids_creation_to_partners(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("core-organisation-create")
        self.assertEqual(self.client.get(url).status_code, 403)
        response = self.client.post(url, {"name": "New", "kind": "ngo", "country": "NP"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Organisation.objects.filter(name="New").exists())

    def test_it_lets_the_national_coordinator_edit_with_audit(self) -> None:
        self.client.force_login(self.nina)
        self.assertEqual(self.post_edit(self.partner_a, name="Partner A Renamed"), 302)
        self.partner_a.refresh_from_db()
        self.assertEqual(self.partner_a.name, "Partner A Renamed")
        self.assertEqual(self.partner_a.version, 2)
        event = AuditEvent.objects.get(action="update", object_id=str(self.partner_a.pk))
        self.assertEqual(event.actor, self.nina)
        self.assertEqual(event.detail, {"fields": ["name"]})
        self.assertEqual(event.ip, "127.0.0.1")

    def test_it_refuses_a_stale_save(self) -> None:
        self.client.force_login(self.nina)
        stale = Organisation.objects.get(pk=self.partner_a.pk)
        self.assertEqual(self.post_edit(self.partner_a, name="First save"), 302)
        response = self.client.post(
            self.edit_url(stale),
            {"name": "Second save", "kind": "ngo", "country": "NP", "version": stale.version},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone else changed this record")
        self.partner_a.refresh_from_db()
        self.assertEqual(self.partner_a.name, "First save")

    def test_it_keeps_coordinators_in_their_country(self) -> None:
        self.client.force_login(self.nina)
        self.assertEqual(self.post_edit(self.partner_a, country="MG"), 200)
        self.partner_a.refresh_from_db()
        self.assertEqual(self.partner_a.country_id, "NP")

    def test_it_lets_coordinator_create_in_own_country(self) -> None:
        self.client.force_login(self.nina)
        url = reverse("core-organisation-create")
        response = self.client.post(url, {"name": "New NGO", "kind": "ngo", "country": "NP"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Organisation.objects.filter(name="New NGO", country="NP").exists())

"""The admin shows records that the services write, and never saves them itself."""

from __future__ import annotations

from django.urls import reverse

from synergy.partners.tests.factories import make_project
from synergy.testing import BaseTestCase


class AdminThroughServicesTests(BaseTestCase):
    def setUp(self) -> None:
        self.root.is_staff = True
        self.root.is_superuser = True
        self.root.save()
        self.client.force_login(self.root)

    def test_it_shows_a_project_but_does_not_save_or_delete_it(self) -> None:
        project = make_project("P-ADMIN", self.country, implementing=[self.partner_a])
        change = reverse("admin:partners_project_change", args=[project.pk])
        self.assertEqual(self.client.get(change).status_code, 200)
        response = self.client.post(change, {"code": "P-CHANGED", "title": "Changed"})
        self.assertEqual(response.status_code, 403)
        delete = reverse("admin:partners_project_delete", args=[project.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        project.refresh_from_db()
        self.assertEqual((project.code, project.version), ("P-ADMIN", 1))

    def test_it_does_not_add_organisations(self) -> None:
        add = reverse("admin:core_organisation_add")
        self.assertEqual(self.client.get(add).status_code, 403)
        # Reference data without services stays editable in the admin.
        self.assertEqual(self.client.get(reverse("admin:core_country_add")).status_code, 200)

"""The project and activity lists link to the interop exports (for everyone signed in) and to
the import page (for those who may import that table)."""

from __future__ import annotations

from django.urls import reverse

from synergy.testing import BaseTestCase


class InteropLinkTests(BaseTestCase):
    def test_it_links_the_project_list_to_its_exports_for_the_filtered_country(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("partners-project-list") + "?country=np")
        for url in (
            reverse("interop-export", args=["projects", "csv"]),
            reverse("interop-export", args=["projects", "xlsx"]),
            reverse("interop-export-iati"),
        ):
            self.assertContains(response, f'href="{url}?country=NP"')
        # A viewer may not import.
        self.assertNotContains(response, "data-import")

    def test_it_links_the_exports_of_every_country_without_a_country_filter(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("partners-activity-list"))
        csv = reverse("interop-export", args=["activities", "csv"])
        xlsx = reverse("interop-export", args=["activities", "xlsx"])
        self.assertContains(response, f'href="{csv}" data-export="csv"')
        self.assertContains(response, f'href="{xlsx}" data-export="xlsx"')
        response = self.client.get(reverse("partners-project-list"))
        self.assertContains(response, f'href="{reverse("interop-export-iati")}" data-export')

    def test_it_links_the_activity_list_to_its_exports_and_to_the_import(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.get(reverse("partners-activity-list") + "?country=NP")
        for fmt in ("csv", "xlsx"):
            url = reverse("interop-export", args=["activities", fmt])
            self.assertContains(response, f'href="{url}?country=NP"')
        self.assertContains(response, f'href="{reverse("interop-home")}?country=NP" data-import')

    def test_it_offers_the_import_to_whoever_may_import_the_table(self) -> None:
        home = reverse("interop-home")
        projects = reverse("partners-project-list")
        activities = reverse("partners-activity-list")
        # A partner manager imports activities of their organisation, not projects.
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(activities), f'href="{home}" data-import')
        self.assertNotContains(self.client.get(projects), "data-import")
        # National coordinators and system administrators import both.
        for user in (self.nina, self.root):
            self.client.force_login(user)
            self.assertContains(self.client.get(projects), f'href="{home}" data-import')
            self.assertContains(self.client.get(activities), f'href="{home}" data-import')
        # A viewer imports nothing.
        self.client.force_login(self.bob)
        self.assertNotContains(self.client.get(activities), "data-import")

    def test_the_export_links_answer(self) -> None:
        self.client.force_login(self.bob)
        for url in (
            reverse("interop-export", args=["projects", "csv"]) + "?country=NP",
            reverse("interop-export", args=["activities", "xlsx"]) + "?country=NP",
            reverse("interop-export-iati") + "?country=NP",
        ):
            self.assertEqual(self.client.get(url).status_code, 200, url)

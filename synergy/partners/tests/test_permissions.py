"""The permission matrix, on pages and on the API: everyone signed in reads; partner managers
write their own organisation's activities and the projects it leads or implements; national
coordinators write everything in their country; outsiders get 404 on writes, members without
the right role 403."""

from __future__ import annotations

import json

from django.urls import reverse

from synergy.core.models import Organisation
from synergy.partners.models import Activity, Partnership, Project
from synergy.partners.tests.factories import make_activity, make_partnership, make_project
from synergy.testing import BaseTestCase


class PermissionMatrixTests(BaseTestCase):
    activity: Activity
    project: Project
    partnership: Partnership

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.activity = make_activity(cls.partner_a, title="A's outreach")
        cls.project = make_project("P-A", cls.country, lead=cls.unit, implementing=[cls.partner_a])
        cls.partnership = make_partnership(
            "MoU", cls.country, [(cls.partner_a, "lead"), (cls.unit, "implementing")]
        )

    # -- helpers ---------------------------------------------------------------------------

    def page_edit_status(self, user: object, name: str, pk: int) -> int:
        self.client.force_login(user)  # type: ignore[arg-type]
        return self.client.get(reverse(name, args=[pk])).status_code

    def api_patch(self, user: object, path: str, body: dict[str, object]) -> int:
        self.client.force_login(user)  # type: ignore[arg-type]
        response = self.client.patch(
            f"/api/v1/partners/{path}", json.dumps(body), content_type="application/json"
        )
        return response.status_code

    def refreshed_version(self, model: type[Activity | Project | Partnership], pk: int) -> int:
        return model.objects.get(pk=pk).version

    # -- reads -----------------------------------------------------------------------------

    def test_it_lets_every_member_read(self) -> None:
        for user in (self.alice, self.bob, self.charlie, self.nina, self.zoe, self.root):
            self.client.force_login(user)
            for url in (
                reverse("partners-activity-detail", args=[self.activity.pk]),
                reverse("partners-project-detail", args=[self.project.pk]),
                reverse("partners-partnership-detail", args=[self.partnership.pk]),
                f"/api/v1/partners/activities/{self.activity.pk}",
                f"/api/v1/partners/projects/{self.project.pk}",
                f"/api/v1/partners/partnerships/{self.partnership.pk}",
            ):
                self.assertEqual(self.client.get(url).status_code, 200, (user, url))

    def test_it_sends_anonymous_visitors_away(self) -> None:
        response = self.client.get(reverse("partners-matrix"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            self.client.get(f"/api/v1/partners/activities/{self.activity.pk}").status_code, 401
        )

    # -- activities ------------------------------------------------------------------------

    def test_it_gives_charlie_404_on_partner_a_activity_writes(self) -> None:
        self.assertEqual(
            self.page_edit_status(self.charlie, "partners-activity-edit", self.activity.pk), 404
        )
        body = {"version": 1, "title": "taken over"}
        self.assertEqual(self.api_patch(self.charlie, f"activities/{self.activity.pk}", body), 404)
        self.assertEqual(Activity.objects.get(pk=self.activity.pk).title, "A's outreach")

    def test_it_gives_bob_403_on_his_organisation_activity(self) -> None:
        self.assertEqual(
            self.page_edit_status(self.bob, "partners-activity-edit", self.activity.pk), 403
        )
        body = {"version": 1, "title": "viewer edit"}
        self.assertEqual(self.api_patch(self.bob, f"activities/{self.activity.pk}", body), 403)

    def test_it_gives_zoe_404_in_another_country(self) -> None:
        self.assertEqual(
            self.page_edit_status(self.zoe, "partners-activity-edit", self.activity.pk), 404
        )
        self.assertEqual(
            self.page_edit_status(self.zoe, "partners-project-edit", self.project.pk), 404
        )
        self.assertEqual(
            self.page_edit_status(self.zoe, "partners-partnership-edit", self.partnership.pk), 404
        )
        for path in (
            f"activities/{self.activity.pk}",
            f"projects/{self.project.pk}",
            f"partnerships/{self.partnership.pk}",
        ):
            self.assertEqual(self.api_patch(self.zoe, path, {"version": 1, "title": "x"}), 404)

    def test_it_lets_alice_edit_her_activity_and_the_project_she_implements(self) -> None:
        self.assertEqual(
            self.page_edit_status(self.alice, "partners-activity-edit", self.activity.pk), 200
        )
        self.assertEqual(
            self.api_patch(
                self.alice, f"activities/{self.activity.pk}", {"version": 1, "title": "ok"}
            ),
            200,
        )
        self.assertEqual(
            self.api_patch(
                self.alice, f"projects/{self.project.pk}", {"version": 1, "title": "ok"}
            ),
            200,
        )
        self.assertEqual(Project.objects.get(pk=self.project.pk).title, "ok")

    def test_it_lets_nina_edit_everything_in_nepal(self) -> None:
        other = Organisation.objects.create(name="Third", kind="ngo", country=self.country)
        foreign = make_activity(other)
        for name, pk in (
            ("partners-activity-edit", foreign.pk),
            ("partners-project-edit", self.project.pk),
            ("partners-partnership-edit", self.partnership.pk),
        ):
            self.assertEqual(self.page_edit_status(self.nina, name, pk), 200, name)
        for path in (
            f"activities/{foreign.pk}",
            f"projects/{self.project.pk}",
            f"partnerships/{self.partnership.pk}",
        ):
            self.assertEqual(self.api_patch(self.nina, path, {"version": 1, "title": "nina"}), 200)

    def test_it_lets_root_edit_anything(self) -> None:
        self.assertEqual(
            self.api_patch(
                self.root, f"activities/{self.activity.pk}", {"version": 1, "title": "r"}
            ),
            200,
        )

    # -- projects and partnerships -------------------------------------------------------------

    def test_it_refuses_charlie_and_bob_on_the_project(self) -> None:
        # Charlie's organisation has nothing to do with the project: 404.
        self.assertEqual(
            self.page_edit_status(self.charlie, "partners-project-edit", self.project.pk), 404
        )
        # Bob belongs to an implementing partner but is a viewer: 403.
        self.assertEqual(
            self.page_edit_status(self.bob, "partners-project-edit", self.project.pk), 403
        )
        self.assertEqual(
            self.api_patch(self.bob, f"projects/{self.project.pk}", {"version": 1, "title": "b"}),
            403,
        )

    def test_it_lets_only_the_lead_party_manager_edit_a_partnership(self) -> None:
        self.assertEqual(
            self.page_edit_status(self.alice, "partners-partnership-edit", self.partnership.pk), 200
        )
        self.assertEqual(
            self.page_edit_status(self.charlie, "partners-partnership-edit", self.partnership.pk),
            404,
        )
        self.assertEqual(
            self.page_edit_status(self.bob, "partners-partnership-edit", self.partnership.pk), 403
        )

    def test_it_stops_a_manager_recording_an_activity_for_another_organisation(self) -> None:
        self.client.force_login(self.charlie)
        body = {
            "organisation": self.partner_a.pk,
            "intervention_type": "prevention",
            "level": "outreach",
            "country": "NP",
            "migration_stage": "source",
            "exploitation_form": "child_labour",
            "start_date": "2026-01-01",
        }
        response = self.client.post(
            "/api/v1/partners/activities", json.dumps(body), content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        body["organisation"] = self.partner_b.pk
        response = self.client.post(
            "/api/v1/partners/activities", json.dumps(body), content_type="application/json"
        )
        self.assertEqual(response.status_code, 201, response.content)
        # The page form offers only the organisations charlie manages.
        page = self.client.get(reverse("partners-activity-create"))
        self.assertContains(page, "Partner B")
        self.assertNotContains(page, "Partner A")

    def test_it_hides_create_buttons_from_viewers(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("partners-activity-create")).status_code, 403)
        self.assertNotContains(
            self.client.get(reverse("partners-activity-list")),
            reverse("partners-activity-create"),
        )

"""Reading published practices without signing in, only when an administrator allows it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from synergy.knowledge import services
from synergy.knowledge.models import KnowledgeSettings
from synergy.knowledge.tests.helpers import KnowledgeTestCase


class PublicAccessTests(KnowledgeTestCase):
    def setUp(self) -> None:
        self.published_practice = self.published(title="Open practice")
        self.draft = self.practice(title="Hidden draft")

    def test_it_is_off_by_default(self) -> None:
        self.assertFalse(KnowledgeSettings.load().public_access)
        list_url = reverse("knowledge-practice-list")
        self.assertEqual(self.client.get(list_url).status_code, 302)
        detail = reverse("knowledge-practice-detail", args=[self.published_practice.pk])
        self.assertEqual(self.client.get(detail).status_code, 302)
        self.assertEqual(self.client.get("/api/v1/knowledge/practices").status_code, 401)
        api_detail = f"/api/v1/knowledge/practices/{self.published_practice.pk}"
        self.assertEqual(self.client.get(api_detail).status_code, 401)

    def test_when_allowed_anyone_reads_published_practices_but_not_drafts(self) -> None:
        services.settings_set_public_access(actor=self.root, public_access=True)
        response = self.client.get(reverse("knowledge-practice-list"))
        self.assertContains(response, "Open practice")
        self.assertNotContains(response, "Hidden draft")
        detail = reverse("knowledge-practice-detail", args=[self.published_practice.pk])
        self.assertContains(self.client.get(detail), "Open practice")
        pdf = self.client.get(reverse("knowledge-practice-pdf", args=[self.published_practice.pk]))
        self.assertEqual(pdf["Content-Type"], "application/pdf")
        draft_url = reverse("knowledge-practice-detail", args=[self.draft.pk])
        self.assertEqual(self.client.get(draft_url).status_code, 404)
        api = self.client.get("/api/v1/knowledge/practices")
        self.assertEqual(api.status_code, 200)
        self.assertEqual([p["title"] for p in api.json()["items"]], ["Open practice"])
        self.assertEqual(
            self.client.get(f"/api/v1/knowledge/practices/{self.draft.pk}").status_code, 404
        )
        # Writing still needs an account, and events stay private.
        self.assertEqual(
            self.client.post(
                "/api/v1/knowledge/practices", {"title": "x"}, content_type="application/json"
            ).status_code,
            401,
        )
        self.assertEqual(self.client.get(reverse("knowledge-event-list")).status_code, 302)
        self.assertEqual(self.client.get("/api/v1/knowledge/events").status_code, 401)

    def test_only_system_admins_change_the_setting(self) -> None:
        with self.assertRaises(PermissionDenied):
            services.settings_set_public_access(actor=self.kate, public_access=True)
        self.assertFalse(KnowledgeSettings.load().public_access)

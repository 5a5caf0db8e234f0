from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from synergy.core.models import Organisation
from synergy.testing import PASSWORD, BaseTestCase


class SecurityHeaderTests(BaseTestCase):
    def test_it_sends_a_strict_content_security_policy(self) -> None:
        self.client.force_login(self.alice)
        for url in (reverse("core-login"), reverse("core-home"), "/api/v1/docs"):
            with self.subTest(url=url):
                response = self.client.get(url)
                policy = response.headers["Content-Security-Policy"]
                directives = dict((part.split(" ", 1) + [""])[:2] for part in policy.split("; "))
                self.assertEqual(directives["script-src"], "'self'")
                self.assertNotIn("unsafe-inline", policy)
                self.assertNotIn("unsafe-eval", policy)
                self.assertEqual(directives["frame-ancestors"], "'none'")

    def test_it_sends_the_other_security_headers(self) -> None:
        response = self.client.get(reverse("core-login"))
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response.headers["Referrer-Policy"], "same-origin")
        self.assertEqual(response.headers["Cross-Origin-Opener-Policy"], "same-origin")

    def test_it_enforces_csrf_on_the_organisation_form(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.nina)
        url = reverse("core-organisation-edit", args=[self.partner_a.pk])
        data = {"name": "Forged", "kind": "ngo", "country": "NP", "version": 1}
        self.assertEqual(client.post(url, data).status_code, 403)
        self.assertEqual(client.post(reverse("core-organisation-create"), data).status_code, 403)
        self.assertFalse(Organisation.objects.filter(name="Forged").exists())
        # With the token from the form, the same post goes through.
        client.get(url)
        data["csrfmiddlewaretoken"] = client.cookies[settings.CSRF_COOKIE_NAME].value
        self.assertEqual(client.post(url, data).status_code, 302)

    def test_it_enforces_csrf_on_the_api_session(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.nina)
        response = client.patch(
            f"/api/v1/organisations/{self.partner_a.pk}",
            data={"version": 1, "name": "Forged"},
            content_type="application/json",
        )
        self.assertIn(response.status_code, (401, 403))
        self.partner_a.refresh_from_db()
        self.assertEqual(self.partner_a.name, "Partner A")

    def test_it_sets_an_http_only_session_cookie(self) -> None:
        response = self.client.post(
            reverse("core-login"), {"username": "alice", "password": PASSWORD}
        )
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")

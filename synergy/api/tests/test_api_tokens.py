from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from synergy.core.models import ApiToken, AuditEvent
from synergy.testing import BaseTestCase

LIST_URL = "/api/v1/organisations/"


class ApiTokenTests(BaseTestCase):
    def create_token(self, name: str = "reporting script") -> tuple[ApiToken, str]:
        self.client.force_login(self.alice)
        response = self.client.post(reverse("core-token-create"), {"name": name})
        self.assertEqual(response.status_code, 200)
        match = re.search(r"data-token>(syn_[A-Za-z0-9_-]+)<", response.content.decode())
        assert match is not None, "the plain token is shown on the page"
        self.client.logout()
        return ApiToken.objects.get(user=self.alice, name=name), match.group(1)

    def api_get(self, token: str) -> int:
        return self.client.get(LIST_URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code

    def test_it_shows_the_token_once_and_stores_only_its_digest(self) -> None:
        token, plain = self.create_token()
        self.assertEqual(token.digest, hashlib.sha256(plain.encode()).hexdigest())
        self.assertNotIn(plain, str(ApiToken.objects.filter(pk=token.pk).values().get()))
        self.assertTrue(plain.startswith(f"syn_{token.prefix}_"))
        self.client.force_login(self.alice)
        account = self.client.get(reverse("core-account"))
        self.assertContains(account, token.prefix)
        self.assertNotContains(account, plain)
        self.assertTrue(AuditEvent.objects.filter(action="token_create").exists())

    def test_it_requires_a_name(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(reverse("core-token-create"), {"name": ""})
        self.assertRedirects(response, reverse("core-account"), fetch_redirect_response=False)
        self.assertFalse(ApiToken.objects.exists())

    def test_it_authenticates_a_bearer_token_and_records_its_use(self) -> None:
        token, plain = self.create_token()
        self.assertIsNone(token.last_used_at)
        self.assertEqual(self.api_get(plain), 200)
        token.refresh_from_db()
        assert token.last_used_at is not None
        self.assertLess(timezone.now() - token.last_used_at, timedelta(seconds=10))

    def test_it_refuses_a_revoked_token(self) -> None:
        token, plain = self.create_token()
        self.client.force_login(self.alice)
        response = self.client.post(reverse("core-token-revoke", args=[token.pk]))
        self.assertRedirects(response, reverse("core-account"), fetch_redirect_response=False)
        self.client.logout()
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertEqual(self.api_get(plain), 401)
        self.assertTrue(AuditEvent.objects.filter(action="token_revoke").exists())

    def test_it_refuses_to_revoke_someone_elses_token(self) -> None:
        token, plain = self.create_token()
        self.client.force_login(self.charlie)
        response = self.client.post(reverse("core-token-revoke", args=[token.pk]))
        self.assertEqual(response.status_code, 404)
        self.client.logout()
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)
        self.assertEqual(self.api_get(plain), 200)

    def test_it_refuses_a_token_of_an_inactive_user(self) -> None:
        _token, plain = self.create_token()
        self.alice.is_active = False
        self.alice.save()
        self.assertEqual(self.api_get(plain), 401)

    def test_it_refuses_garbage(self) -> None:
        _token, plain = self.create_token()
        for bad in ("", "nonsense", "syn_", plain[:-1], plain + "x", plain.upper()):
            with self.subTest(token=bad):
                self.assertEqual(self.api_get(bad), 401)
        self.assertEqual(
            self.client.get(LIST_URL, HTTP_AUTHORIZATION=f"Token {plain}").status_code, 401
        )
        self.assertEqual(self.client.get(LIST_URL).status_code, 401)

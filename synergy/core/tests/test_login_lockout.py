from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from synergy.core.models import AuditEvent
from synergy.testing import PASSWORD, BaseTestCase


class LoginTests(BaseTestCase):
    def sign_in(self, username: str, password: str) -> Any:
        return self.client.post(reverse("core-login"), {"username": username, "password": password})

    def signed_in_user_id(self) -> object:
        return self.client.session.get("_auth_user_id")

    def test_it_signs_in_and_audits(self) -> None:
        response = self.sign_in("alice", PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.signed_in_user_id(), str(self.alice.pk))
        event = AuditEvent.objects.get(action="login")
        self.assertEqual(event.actor, self.alice)
        self.assertEqual(event.object_id, str(self.alice.pk))

    def test_it_follows_a_safe_next_url_only(self) -> None:
        response = self.client.post(
            reverse("core-login") + "?next=/organisations/",
            {"username": "alice", "password": PASSWORD, "next": "/organisations/"},
        )
        self.assertRedirects(response, "/organisations/", fetch_redirect_response=False)
        self.client.logout()
        response = self.client.post(
            reverse("core-login"),
            {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_refuses_a_wrong_password(self) -> None:
        response = self.sign_in("alice", "wrong-password")
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(self.signed_in_user_id())
        self.assertFalse(AuditEvent.objects.filter(action="login").exists())

    def test_it_locks_the_account_after_five_failures(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.sign_in("alice", "wrong-password")
        response = self.sign_in("alice", PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Too many failed sign-ins", status_code=429)
        self.assertIsNone(self.signed_in_user_id())
        self.assertFalse(AuditEvent.objects.filter(action="login").exists())

    def test_it_does_not_lock_other_users(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            self.sign_in("alice", "wrong-password")
        response = self.sign_in("bob", PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.signed_in_user_id(), str(self.bob.pk))

    def test_it_forgets_failures_after_a_success(self) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.sign_in("alice", "wrong-password")
        self.assertEqual(self.sign_in("alice", PASSWORD).status_code, 302)
        self.client.logout()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.sign_in("alice", "wrong-password")
        self.assertEqual(self.sign_in("alice", PASSWORD).status_code, 302)

    def test_it_signs_out_with_post_and_audits(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(reverse("core-logout")).status_code, 405)
        response = self.client.post(reverse("core-logout"))
        self.assertRedirects(response, reverse("core-login"), fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_user_id())
        self.assertTrue(AuditEvent.objects.filter(action="logout", actor=self.alice).exists())


class PasswordHashingTests(BaseTestCase):
    def test_it_hashes_with_argon2(self) -> None:
        # The test settings put a fast hasher first; production uses Argon2 (test_settings
        # checks the order), so Argon2 itself must work here.
        self.assertIn("django.contrib.auth.hashers.Argon2PasswordHasher", settings.PASSWORD_HASHERS)
        encoded = make_password("a long passphrase", hasher="argon2")
        self.assertTrue(encoded.startswith("argon2$argon2id$"))
        self.assertTrue(check_password("a long passphrase", encoded))
        self.assertFalse(check_password("another passphrase", encoded))


class SessionTimeoutTests(BaseTestCase):
    def test_it_renews_the_session_on_every_request(self) -> None:
        self.assertTrue(settings.SESSION_SAVE_EVERY_REQUEST)
        self.assertLessEqual(settings.SESSION_COOKIE_AGE, 60 * 60)
        self.client.force_login(self.alice)
        session = Session.objects.get(session_key=self.client.session.session_key)
        session.expire_date = timezone.now() + timedelta(seconds=30)
        session.save()
        self.assertEqual(self.client.get(reverse("core-home")).status_code, 200)
        session.refresh_from_db()
        remaining = session.expire_date - timezone.now()
        self.assertGreater(remaining, timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))

    def test_it_signs_out_an_idle_session(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(reverse("core-home")).status_code, 200)
        session = Session.objects.get(session_key=self.client.session.session_key)
        # The last request was longer ago than the idle limit.
        session.expire_date = timezone.now() - timedelta(seconds=1)
        session.save()
        response = self.client.get(reverse("core-home"))
        self.assertRedirects(
            response, reverse("core-login") + "?next=/", fetch_redirect_response=False
        )

"""A user turns two-factor sign-in off only with the password and a current code, never where
a role requires it; the change is audited."""

from __future__ import annotations

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from synergy.core.models import AuditEvent, Role, RolePolicy
from synergy.core.tests.test_two_factor import code_for, wrong_code_for
from synergy.testing import PASSWORD, BaseTestCase

OFF = reverse("core-two-factor-disable")


class TwoFactorOffTests(BaseTestCase):
    def setUp(self) -> None:
        self.device = TOTPDevice.objects.create(user=self.alice, name="phone", confirmed=True)
        self.client.force_login(self.alice)

    def test_the_password_and_a_current_code_turn_it_off(self) -> None:
        page = self.client.get(reverse("core-account"))
        self.assertContains(page, "Turn off two-factor sign-in")
        response = self.client.post(OFF, {"password": PASSWORD, "token": code_for(self.device)})
        self.assertRedirects(response, reverse("core-account"), fetch_redirect_response=False)
        self.assertFalse(TOTPDevice.objects.filter(user=self.alice).exists())
        event = AuditEvent.objects.get(action="two_factor_disable")
        self.assertEqual((event.actor, event.object_id), (self.alice, str(self.alice.pk)))
        self.assertContains(self.client.get(reverse("core-account")), "Turn on two-factor")

    def test_a_wrong_password_or_code_is_named_and_changes_nothing(self) -> None:
        for data, field in (
            ({"password": "not-the-password", "token": code_for(self.device)}, "password"),
            ({"password": PASSWORD, "token": wrong_code_for(self.device)}, "token"),
            ({"password": PASSWORD, "token": ""}, "token"),
        ):
            with self.subTest(field=field):
                response = self.client.post(OFF, data)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.context["disable_form"].errors)
        self.assertTrue(TOTPDevice.objects.filter(user=self.alice, confirmed=True).exists())
        self.assertFalse(AuditEvent.objects.filter(action="two_factor_disable").exists())

    def test_a_role_that_requires_it_keeps_it_on(self) -> None:
        RolePolicy.objects.update_or_create(
            role=Role.PARTNER_MANAGER, defaults={"require_two_factor": True}
        )
        # Signed in with both factors, as the role requires.
        self.client.logout()
        self.client.post(reverse("core-login"), {"username": "alice", "password": PASSWORD})
        self.client.post(reverse("core-login-token"), {"token": code_for(self.device)})
        page = self.client.get(reverse("core-account"))
        self.assertNotContains(page, "Turn off two-factor sign-in")
        self.assertContains(page, "it cannot be turned off")
        response = self.client.post(OFF, {"password": PASSWORD, "token": code_for(self.device)})
        self.assertRedirects(response, reverse("core-account"), fetch_redirect_response=False)
        self.assertTrue(TOTPDevice.objects.filter(user=self.alice).exists())

    def test_it_needs_a_post_from_a_signed_in_user(self) -> None:
        self.assertEqual(self.client.get(OFF).status_code, 405)
        self.client.logout()
        response = self.client.post(OFF, {"password": PASSWORD, "token": code_for(self.device)})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(TOTPDevice.objects.filter(user=self.alice).exists())

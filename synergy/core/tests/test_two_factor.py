from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from synergy.core.models import AuditEvent, Role, RolePolicy
from synergy.testing import PASSWORD, BaseTestCase


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"


class TwoFactorSignInTests(BaseTestCase):
    def setUp(self) -> None:
        self.device = TOTPDevice.objects.create(user=self.alice, name="phone", confirmed=True)

    def sign_in(self) -> Any:
        return self.client.post(reverse("core-login"), {"username": "alice", "password": PASSWORD})

    def signed_in_user_id(self) -> object:
        return self.client.session.get("_auth_user_id")

    def test_it_asks_for_a_code_after_the_password(self) -> None:
        response = self.sign_in()
        self.assertRedirects(response, reverse("core-login-token"), fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_user_id())
        # Not signed in yet: the pages still send to the sign-in page.
        self.assertEqual(self.client.get(reverse("core-home")).status_code, 302)
        response = self.client.post(reverse("core-login-token"), {"token": code_for(self.device)})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.signed_in_user_id(), str(self.alice.pk))
        event = AuditEvent.objects.get(action="login")
        self.assertEqual(event.detail, {"second_factor": True})
        self.assertEqual(self.client.get(reverse("core-home")).status_code, 200)

    def test_it_keeps_a_wrong_code_signed_out(self) -> None:
        self.sign_in()
        response = self.client.post(
            reverse("core-login-token"), {"token": wrong_code_for(self.device)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "That code is not valid")
        self.assertIsNone(self.signed_in_user_id())
        self.assertFalse(AuditEvent.objects.filter(action="login").exists())

    def test_it_refuses_the_code_page_without_a_password(self) -> None:
        response = self.client.post(reverse("core-login-token"), {"token": code_for(self.device)})
        self.assertRedirects(response, reverse("core-login"), fetch_redirect_response=False)
        self.assertIsNone(self.signed_in_user_id())

    def test_it_does_not_ask_users_without_a_device(self) -> None:
        response = self.client.post(
            reverse("core-login"), {"username": "bob", "password": PASSWORD}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)


class TwoFactorEnrolmentTests(BaseTestCase):
    def test_it_confirms_a_device_with_a_valid_code(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("core-two-factor-setup"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "data:image/svg+xml")
        device = TOTPDevice.objects.get(user=self.bob)
        self.assertFalse(device.confirmed)

        response = self.client.post(reverse("core-two-factor-setup"), {"token": code_for(device)})
        self.assertRedirects(response, reverse("core-account"), fetch_redirect_response=False)
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertTrue(AuditEvent.objects.filter(action="two_factor_enable").exists())

    def test_it_refuses_a_wrong_enrolment_code(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(reverse("core-two-factor-setup"))
        device = TOTPDevice.objects.get(user=self.bob)
        response = self.client.post(
            reverse("core-two-factor-setup"), {"token": wrong_code_for(device)}
        )
        self.assertContains(response, "That code is not valid")
        device.refresh_from_db()
        self.assertFalse(device.confirmed)

    def test_it_reuses_the_pending_device(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(reverse("core-two-factor-setup"))
        self.client.get(reverse("core-two-factor-setup"))
        self.assertEqual(TOTPDevice.objects.filter(user=self.bob).count(), 1)


class TwoFactorPolicyTests(BaseTestCase):
    def test_it_sends_members_of_a_strict_role_to_enrol(self) -> None:
        RolePolicy.objects.create(role=Role.PARTNER_MANAGER, require_two_factor=True)
        self.client.force_login(self.alice)
        setup = reverse("core-two-factor-setup")
        for url in (
            reverse("core-home"),
            reverse("core-organisation-list"),
            reverse("core-account"),
            reverse("core-organisation-detail", args=[self.partner_a.pk]),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertRedirects(response, setup, fetch_redirect_response=False)
        self.assertEqual(self.client.get(setup).status_code, 200)
        # Signing out stays possible.
        self.assertEqual(self.client.post(reverse("core-logout")).status_code, 302)

    def test_it_lets_the_member_in_after_enrolling(self) -> None:
        RolePolicy.objects.create(role=Role.PARTNER_MANAGER, require_two_factor=True)
        self.client.force_login(self.alice)
        self.client.get(reverse("core-two-factor-setup"))
        device = TOTPDevice.objects.get(user=self.alice)
        self.client.post(reverse("core-two-factor-setup"), {"token": code_for(device)})
        self.assertEqual(self.client.get(reverse("core-home")).status_code, 200)

    def test_it_lets_an_enrolled_member_in_after_the_code(self) -> None:
        RolePolicy.objects.create(role=Role.PARTNER_MANAGER, require_two_factor=True)
        device = TOTPDevice.objects.create(user=self.alice, name="phone", confirmed=True)
        self.client.post(reverse("core-login"), {"username": "alice", "password": PASSWORD})
        self.client.post(reverse("core-login-token"), {"token": code_for(device)})
        self.assertEqual(self.client.get(reverse("core-home")).status_code, 200)
        self.assertEqual(self.client.get("/api/v1/organisations/").status_code, 200)

    def test_it_leaves_other_roles_alone(self) -> None:
        RolePolicy.objects.create(role=Role.PARTNER_MANAGER, require_two_factor=True)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("core-home")).status_code, 200)

    def test_it_ignores_a_policy_that_is_off(self) -> None:
        RolePolicy.objects.create(role=Role.PARTNER_MANAGER, require_two_factor=False)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(reverse("core-home")).status_code, 200)

    def test_it_signs_out_an_unverified_session_of_an_enrolled_user(self) -> None:
        # Enrolled in another browser while this session was open: the session never passed
        # the second factor, and must not bounce between the setup and account pages.
        RolePolicy.objects.create(role=Role.PARTNER_MANAGER, require_two_factor=True)
        TOTPDevice.objects.create(user=self.alice, name="phone", confirmed=True)
        self.client.force_login(self.alice)
        response = self.client.get(reverse("core-home"), follow=True)
        self.assertEqual(response.redirect_chain[-1][0], reverse("core-login"))
        self.assertIsNone(self.client.session.get("_auth_user_id"))

    def test_it_refuses_the_api_session_until_enrolled(self) -> None:
        RolePolicy.objects.create(role=Role.PARTNER_MANAGER, require_two_factor=True)
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/api/v1/organisations/").status_code, 401)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get("/api/v1/organisations/").status_code, 200)

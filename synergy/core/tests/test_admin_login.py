from __future__ import annotations

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from synergy.testing import PASSWORD, BaseTestCase


class AdminSignInTests(BaseTestCase):
    def setUp(self) -> None:
        self.root.is_staff = True
        self.root.is_superuser = True
        self.root.save()

    def test_it_sends_the_admin_sign_in_to_the_site_sign_in(self) -> None:
        response = self.client.get(reverse("admin:login") + "?next=/admin/core/organisation/")
        self.assertRedirects(
            response,
            reverse("core-login") + "?next=/admin/core/organisation/",
            fetch_redirect_response=False,
        )

    def test_it_does_not_skip_the_second_factor(self) -> None:
        TOTPDevice.objects.create(user=self.root, name="phone", confirmed=True)
        self.client.post(
            reverse("admin:login"),
            {"username": "root", "password": PASSWORD, "next": "/admin/"},
        )
        self.assertIsNone(self.client.session.get("_auth_user_id"))
        self.assertEqual(self.client.get("/admin/").status_code, 302)

    def test_it_lets_a_signed_in_administrator_in(self) -> None:
        self.client.force_login(self.root)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.client.force_login(self.alice)
        response = self.client.get("/admin/", follow=True)
        self.assertEqual(response.status_code, 403)

from __future__ import annotations

import re

from django.urls import reverse

from synergy.core.models import Organisation
from synergy.testing import BaseTestCase, make_user


class DashboardTests(BaseTestCase):
    def counts(self) -> dict[str, int]:
        response = self.client.get(reverse("core-home"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">\s*(\d+)\s*<', html)}

    def test_it_sends_anonymous_users_to_sign_in(self) -> None:
        response = self.client.get(reverse("core-home"))
        self.assertRedirects(
            response, reverse("core-login") + "?next=/", fetch_redirect_response=False
        )

    def test_it_shows_real_counts(self) -> None:
        self.client.force_login(self.bob)
        self.assertEqual(self.counts(), {"organisations": 4, "countries": 2, "users": 6})
        Organisation.objects.create(name="Jordan NGO", kind="ngo", country_id="JO")
        Organisation.objects.create(name="Global Donor", kind="donor")
        make_user("yann")
        self.charlie.is_active = False
        self.charlie.save()
        self.assertEqual(self.counts(), {"organisations": 6, "countries": 3, "users": 6})

    def test_it_shows_partners_by_kind(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("core-home"))
        self.assertContains(response, "<td>NGO / civil society</td>", html=False)
        self.assertEqual(
            [(label, n) for label, n in response.context["counts"].partners_by_kind],
            [("Government", 2), ("NGO / civil society", 2)],
        )

    def test_it_renders_in_constant_queries(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(reverse("core-home"))
        # session, user, memberships, two-factor policy, the apps' counts (overdue roadmap
        # actions and open cooperation needs, offers and exchanges among them), the country
        # dashboard section of a viewer (areas, the activities' state token, under which the
        # grouped who-does-what-where counts are cached, the headline indicators, the latest
        # survey, the roadmap, coming events, open commitments, the country), and the session
        # renewal (savepoint, update, release) that enforces the idle timeout
        with self.assertNumQueries(30):
            self.client.get(reverse("core-home"))
        for i in range(20):
            Organisation.objects.create(name=f"Extra {i}", kind="media", country_id="BR")
        with self.assertNumQueries(30):
            self.client.get(reverse("core-home"))

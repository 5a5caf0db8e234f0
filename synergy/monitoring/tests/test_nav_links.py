"""The CLMS navigation links to duplicate review, import and reports only for the users
whom those pages serve (same rules as the pages' own access checks)."""

from __future__ import annotations

from django.urls import reverse

from synergy.core.models import Role, User
from synergy.testing import BaseTestCase, make_user

DEDUP = reverse("monitoring-dedup-list")
IMPORT = reverse("monitoring-import-upload")
REPORTS = reverse("monitoring-reports-index")


class NavLinkTests(BaseTestCase):
    def links(self, user: User) -> dict[str, bool]:
        self.client.force_login(user)
        response = self.client.get(REPORTS)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('class="nav nav-pills', html)
        return {
            "duplicates": f'href="{DEDUP}"' in html,
            "import": f'href="{IMPORT}"' in html,
            "reports": f'href="{REPORTS}"' in html,
        }

    def test_it_shows_each_role_the_links_it_may_use(self) -> None:
        worker = make_user("walter", self.partner_a, Role.CASE_WORKER)
        analyst = make_user("ana", self.partner_a, Role.ANALYST)
        provider = make_user("paul", self.partner_b, Role.SERVICE_PROVIDER)
        expected = {
            "alice": (self.alice, {"duplicates": True, "import": True, "reports": True}),
            "walter": (worker, {"duplicates": True, "import": True, "reports": False}),
            "bob": (self.bob, {"duplicates": True, "import": False, "reports": False}),
            "ana": (analyst, {"duplicates": False, "import": False, "reports": True}),
            "paul": (provider, {"duplicates": False, "import": False, "reports": False}),
            "nina": (self.nina, {"duplicates": True, "import": False, "reports": True}),
            "root": (self.root, {"duplicates": True, "import": False, "reports": True}),
        }
        for name, (user, links) in expected.items():
            with self.subTest(user=name):
                self.assertEqual(self.links(user), links)

    def test_it_marks_the_current_section_active(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(DEDUP).content.decode()
        self.assertIn(f'class="nav-link active" href="{DEDUP}"', html)
        self.assertIn(f'class="nav-link" href="{REPORTS}"', html)

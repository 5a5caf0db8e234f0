from __future__ import annotations

import io

from django.core.management import call_command

from synergy.core.demo import DEMO_PASSWORD, DEMO_USERS
from synergy.core.models import AdminArea, AuditEvent, Membership, Organisation, User
from synergy.testing import BaseTestCase


def snapshot() -> dict[str, object]:
    return {
        "users": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "memberships": Membership.objects.count(),
        "areas": AdminArea.objects.count(),
        "audit": AuditEvent.objects.count(),
        "passwords": dict(User.objects.values_list("username", "password")),
    }


class DemoCommandTests(BaseTestCase):
    def run_demo(self) -> str:
        out = io.StringIO()
        call_command("demo", stdout=out)
        return out.getvalue()

    def test_it_loads_the_demo_and_lists_the_accounts(self) -> None:
        output = self.run_demo()
        for username, _name, _org, role in DEMO_USERS:
            with self.subTest(username=username):
                self.assertIn(username, output)
                self.assertIn(str(role.label), output)
                user = User.objects.get(username=username)
                self.assertTrue(user.check_password(DEMO_PASSWORD))
                self.assertEqual(user.memberships.get().role, role)
        self.assertIn(DEMO_PASSWORD, output)
        self.assertEqual(AdminArea.objects.filter(country="NP", level=1).count(), 7)

    def test_it_changes_nothing_the_second_time(self) -> None:
        first_output = self.run_demo()
        before = snapshot()
        second_output = self.run_demo()
        self.assertEqual(snapshot(), before)
        self.assertEqual(second_output, first_output)

    def test_it_keeps_a_changed_demo_password(self) -> None:
        self.run_demo()
        user = User.objects.get(username="manager")
        user.set_password("a-password-the-user-chose")
        user.save()
        self.run_demo()
        user.refresh_from_db()
        self.assertTrue(user.check_password("a-password-the-user-chose"))

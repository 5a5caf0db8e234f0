from __future__ import annotations

from django.urls import reverse

from synergy.monitoring.services import child_register
from synergy.testing import BaseTestCase


class DashboardCardsTests(BaseTestCase):
    def test_it_counts_only_the_children_the_user_may_see(self) -> None:
        for name in ("Asha", "Bina"):
            child_register(
                actor=self.alice,
                organisation=self.partner_a,
                first_name=name,
                sex="F",
                estimated_age=10,
            )
        child_register(
            actor=self.charlie,
            organisation=self.partner_b,
            first_name="Chandra",
            sex="M",
            estimated_age=12,
        )

        def followed(user: object) -> str:
            self.client.force_login(user)  # type: ignore[arg-type]
            html = self.client.get(reverse("core-home")).content.decode()
            label = html.index("Children followed")
            return html[label : label + 200].split('class="display-6">')[1].split("<")[0]

        self.assertEqual(followed(self.alice), "2")
        self.assertEqual(followed(self.charlie), "1")
        self.assertEqual(followed(self.nina), "3")  # coordinator of the whole country
        self.assertEqual(followed(self.zoe), "0")  # another country's coordinator

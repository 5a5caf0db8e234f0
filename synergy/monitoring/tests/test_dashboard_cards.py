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

    def test_a_partners_counts_are_fresh_a_countrys_are_kept_a_while(self) -> None:
        from django.test import override_settings

        from synergy.monitoring.dashboard import counted

        def register(name: str) -> None:
            child_register(
                actor=self.alice,
                organisation=self.partner_a,
                first_name=name,
                sex="F",
                estimated_age=10,
            )

        register("Asha")
        self.assertEqual((counted(self.alice)["total"], counted(self.nina)["total"]), (1, 1))
        register("Bina")
        # The partner's own count at once; the coordinator's (a whole country, costly at scale)
        # as counted within REPORT_CACHE_SECONDS.
        self.assertEqual((counted(self.alice)["total"], counted(self.nina)["total"]), (2, 1))
        with override_settings(REPORT_CACHE_SECONDS=0):
            from django.core.cache import cache

            cache.clear()
            self.assertEqual(counted(self.nina)["total"], 2)
            register("Chitra")
            self.assertEqual(counted(self.nina)["total"], 3)

"""A confidential need is seen only by its country's national coordinators and the
administrators (and, once an exchange names it, the provider country's coordinators):
everyone else gets 404 on its page, its matches and the API, and does not find it in lists."""

from __future__ import annotations

from django.urls import reverse

from synergy.cooperation import selectors, services
from synergy.cooperation.tests.personas import CooperationCase
from synergy.core.models import Country


class ConfidentialNeedTest(CooperationCase):
    def setUp(self) -> None:
        self.secret = self.need(title="Reform of the cash transfer", confidential=True)
        self.open_need = self.need(title="Open need")

    def test_outsiders_get_404_on_the_page_and_the_api(self) -> None:
        urls = [
            reverse("cooperation-need", args=[self.secret.pk]),
            f"/api/v1/cooperation/needs/{self.secret.pk}",
            f"/api/v1/cooperation/needs/{self.secret.pk}/matches",
        ]
        for user in (self.alice, self.bob, self.charlie, self.zoe, self.bruno, self.kate):
            self.client.force_login(user)
            for url in urls:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_country_coordinator_and_the_administrator_see_it(self) -> None:
        for user in (self.nina, self.root):
            self.client.force_login(user)
            page = self.client.get(reverse("cooperation-need", args=[self.secret.pk]))
            self.assertContains(page, "Reform of the cash transfer")
            api = self.client.get(f"/api/v1/cooperation/needs/{self.secret.pk}/matches")
            self.assertEqual(api.status_code, 200)

    def test_lists_leave_it_out_for_outsiders(self) -> None:
        self.assertNotIn(self.secret, selectors.needs_for(self.alice))
        self.assertIn(self.open_need, selectors.needs_for(self.alice))
        self.assertIn(self.secret, selectors.needs_for(self.nina))
        self.client.force_login(self.zoe)
        listed = self.client.get("/api/v1/cooperation/needs").json()["items"]
        self.assertEqual([n["title"] for n in listed], ["Open need"])
        page = self.client.get(reverse("cooperation-needs"))
        self.assertNotContains(page, "Reform of the cash transfer")
        self.assertContains(page, "Open need")

    def test_the_provider_coordinators_see_it_once_an_exchange_names_them(self) -> None:
        self.client.force_login(self.bruno)
        url = reverse("cooperation-need", args=[self.secret.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        exchange = services.exchange_propose(
            actor=self.nina, need=self.secret, provider=Country.objects.get(pk="BR")
        )
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(
            self.client.get(reverse("cooperation-exchange", args=[exchange.pk])).status_code, 200
        )
        self.client.force_login(self.zoe)
        self.assertEqual(
            self.client.get(reverse("cooperation-exchange", args=[exchange.pk])).status_code, 404
        )

    def test_an_outsider_cannot_propose_an_exchange_on_it(self) -> None:
        self.client.force_login(self.zoe)
        response = self.client.post(
            "/api/v1/cooperation/exchanges",
            {"need": self.secret.pk, "provider": "MG"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("need", response.json()["detail"])
        self.assertFalse(self.secret.exchanges.exists())

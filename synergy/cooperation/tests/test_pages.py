"""The cooperation pages as a coordinator and as a reader: lists with their filters and
pages, a need with its ranked providers, forms that create through the services, the matrix,
and the weights on the query string."""

from __future__ import annotations

from django.urls import reverse

from synergy.cooperation import services
from synergy.cooperation.models import Need, Offer
from synergy.cooperation.tests.personas import CooperationCase
from synergy.core.models import Country
from synergy.knowledge.models import Theme


class PagesTest(CooperationCase):
    def test_every_page_answers_a_reader(self) -> None:
        need = self.need()
        offer = services.offer_create(
            actor=self.bruno,
            country=Country.objects.get(pk="BR"),
            title="Visit our municipal networks",
            theme=Theme.objects.get(slug="child-labour-monitoring"),
            practices=[self.practices["clms"]],
        )
        exchange = services.exchange_propose(
            actor=self.nina, need=need, provider=Country.objects.get(pk="BR")
        )
        self.client.force_login(self.bob)
        for url in (
            reverse("cooperation-needs"),
            reverse("cooperation-offers"),
            reverse("cooperation-exchanges"),
            reverse("cooperation-profiles"),
            reverse("cooperation-matrix"),
            reverse("cooperation-need", args=[need.pk]),
            reverse("cooperation-offer", args=[offer.pk]),
            reverse("cooperation-exchange", args=[exchange.pk]),
            reverse("cooperation-profile", args=["BR"]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)
        # A reader sees no button to write.
        page = self.client.get(reverse("cooperation-need", args=[need.pk]))
        self.assertNotContains(page, "Propose an exchange")
        self.assertEqual(self.client.get(reverse("cooperation-need-create")).status_code, 403)

    def test_the_need_page_ranks_and_explains(self) -> None:
        need = self.need()
        self.client.force_login(self.nina)
        page = self.client.get(reverse("cooperation-need", args=[need.pk]))
        matches = page.context["matches"]
        self.assertEqual({card["m"].country for card in matches[:2]}, {"BR", "PT"})
        self.assertContains(page, self.practices["clms"].title)
        self.assertContains(page, "Why this score")
        self.assertContains(page, 'id="match-scores"')
        self.assertContains(page, "Propose an exchange with")
        heavy = self.client.get(
            reverse("cooperation-need", args=[need.pk]), {"w_development": "10", "w_theme": "x"}
        )
        first = heavy.context["matches"][0]["m"]
        self.assertEqual(first.dimensions["development"]["weight"], 10)
        self.assertEqual(first.dimensions["theme"]["weight"], 4)  # "x" ignored

    def test_a_coordinator_records_a_need_from_a_roadmap_action_and_proposes(self) -> None:
        from synergy.indicators.models import Action, Roadmap

        roadmap = Roadmap.objects.create(country_id="NP")
        action = Action.objects.create(roadmap=roadmap, title="Set up district referral")
        self.client.force_login(self.nina)
        form = self.client.get(reverse("cooperation-need-create"), {"action": action.pk})
        self.assertContains(form, "Set up district referral")
        response = self.client.post(
            reverse("cooperation-need-create"),
            {
                "country": "NP",
                "title": "Set up district referral",
                "description": "A monitoring system that refers children.",
                "theme": Theme.objects.get(slug="child-labour-monitoring").pk,
                "form": "study_tour",
                "action": action.pk,
            },
        )
        need = Need.objects.get(title="Set up district referral")
        self.assertRedirects(response, reverse("cooperation-need", args=[need.pk]))
        self.assertEqual(need.action, action)
        proposed = self.client.post(
            reverse("cooperation-propose", args=[need.pk]), {"provider": "BR"}
        )
        exchange = need.exchanges.get()
        self.assertRedirects(proposed, reverse("cooperation-exchange", args=[exchange.pk]))

    def test_a_need_without_theme_or_description_is_refused_with_its_field(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.post(
            reverse("cooperation-need-create"), {"country": "NP", "title": "Help"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("description", response.context["form"].errors)
        self.assertFalse(Need.objects.exists())

    def test_a_coordinator_cannot_file_for_another_country(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.post(
            reverse("cooperation-offer-create"),
            {"country": "MG", "title": "Not ours", "description": "x"},
        )
        self.assertIn("country", response.context["form"].errors)
        self.assertFalse(Offer.objects.exists())

    def test_the_exchange_page_moves_it_along(self) -> None:
        need = self.need(organisations=[self.unit])
        exchange = services.exchange_propose(
            actor=self.nina, need=need, provider=Country.objects.get(pk="BR")
        )
        self.client.force_login(self.bruno)
        url = reverse("cooperation-exchange", args=[exchange.pk])
        response = self.client.post(url, {"version": 1, "to_status": "agreed", "note": "Signed"})
        self.assertRedirects(response, url)
        exchange.refresh_from_db()
        self.assertEqual(exchange.status, "agreed")
        page = self.client.get(url)
        self.assertContains(page, exchange.partnership.title)  # type: ignore[union-attr]
        self.client.force_login(self.zoe)
        self.assertEqual(
            self.client.post(url, {"version": 2, "to_status": "carried_out"}).status_code, 403
        )

    def test_the_matrix_shows_offers_needs_and_filters_by_region(self) -> None:
        self.need(theme=Theme.objects.get(slug="child-labour-monitoring"))
        self.client.force_login(self.bob)
        page = self.client.get(reverse("cooperation-matrix"))
        rows = {country.iso2: cells for country, cells in page.context["matrix"].rows}
        column = [t.slug for t in page.context["matrix"].themes].index("child-labour-monitoring")
        self.assertEqual(rows["NP"][column].needs, 1)
        self.assertEqual(rows["BR"][column].shared, 1)
        americas = self.client.get(reverse("cooperation-matrix"), {"region": "americas"})
        self.assertEqual([c.iso2 for c, _cells in americas.context["matrix"].rows], ["BR"])

    def test_lists_filter_and_page(self) -> None:
        monitoring = Theme.objects.get(slug="child-labour-monitoring")
        for n in range(30):
            self.need(title=f"Need number {n}", theme=monitoring if n % 2 else None)
        self.client.force_login(self.bob)
        first = self.client.get(reverse("cooperation-needs"))
        self.assertEqual(len(first.context["page"].object_list), 25)
        second = self.client.get(reverse("cooperation-needs"), {"page": 2})
        self.assertEqual(len(second.context["page"].object_list), 5)
        themed = self.client.get(reverse("cooperation-needs"), {"theme": monitoring.slug})
        self.assertEqual(themed.context["page"].paginator.count, 15)
        searched = self.client.get(reverse("cooperation-needs"), {"q": "number 7"})
        self.assertEqual(searched.context["page"].paginator.count, 1)
        profiles = self.client.get(reverse("cooperation-profiles"), {"region": "africa"})
        self.assertEqual({p.country_id for p in profiles.context["page"].object_list}, {"MG", "SN"})


class EditTest(CooperationCase):
    def test_a_coordinator_closes_a_need_and_edits_an_offer(self) -> None:
        need = self.need()
        self.client.force_login(self.nina)
        url = reverse("cooperation-need-edit", args=[need.pk])
        self.assertContains(self.client.get(url), need.title)
        response = self.client.post(
            url,
            {
                "version": 1,
                "title": "Follow up, revised",
                "description": "A monitoring system.",
                "status": "closed",
                "confidential": "on",
            },
        )
        self.assertRedirects(response, reverse("cooperation-need", args=[need.pk]))
        need.refresh_from_db()
        self.assertEqual(
            (need.title, need.status, need.confidential, need.version),
            ("Follow up, revised", "closed", True, 2),
        )
        stale = self.client.post(
            url, {"version": 1, "title": "Again", "status": "open", "description": "x"}
        )
        self.assertEqual(stale.status_code, 200)
        self.assertTrue(stale.context["form"].non_field_errors())
        offer = services.offer_create(
            actor=self.bruno,
            country=Country.objects.get(pk="BR"),
            title="Visits",
            description="Study visits to municipal networks.",
        )
        self.assertEqual(
            self.client.get(reverse("cooperation-offer-edit", args=[offer.pk])).status_code, 403
        )
        self.client.force_login(self.bruno)
        response = self.client.post(
            reverse("cooperation-offer-edit", args=[offer.pk]),
            {
                "version": 1,
                "title": "Visits",
                "description": "Study visits.",
                "status": "open",
                "practices": [self.practices["clms"].pk],
            },
        )
        self.assertRedirects(response, reverse("cooperation-offer", args=[offer.pk]))
        self.assertEqual(list(offer.practices.all()), [self.practices["clms"]])
        patched = self.client.patch(
            f"/api/v1/cooperation/offers/{offer.pk}",
            {"version": 2, "status": "closed"},
            content_type="application/json",
        )
        self.assertEqual(patched.json()["status"], "closed")
        self.client.force_login(self.zoe)
        self.assertEqual(
            self.client.get(reverse("cooperation-need-edit", args=[need.pk])).status_code, 404
        )


class ThemeClearedTest(CooperationCase):
    def test_clearing_a_needs_theme_writes_no_theme(self) -> None:
        # PostgreSQL refused the update that assigned the theme twice; SQLite took it.
        need = self.need(theme=Theme.objects.get(slug="child-labour-monitoring"))
        services.need_update(actor=self.nina, need=need, version=1, theme=None)
        need.refresh_from_db()
        self.assertIsNone(need.theme)
        self.assertEqual(need.version, 2)


class HomeCardsTest(CooperationCase):
    def test_the_home_page_counts_what_the_user_may_see(self) -> None:
        self.need(title="Secret", confidential=True)
        self.need(title="Public")
        self.client.force_login(self.alice)
        cards = {str(c.label): c.value for c in self.client.get("/").context["cards"]}
        self.assertEqual(cards["Open cooperation needs"], 1)  # the confidential one is not hers
        self.client.force_login(self.nina)
        cards = {str(c.label): c.value for c in self.client.get("/").context["cards"]}
        self.assertEqual(cards["Open cooperation needs"], 2)
        self.assertEqual(cards["Exchanges under way"], 0)

from __future__ import annotations

from django.urls import reverse

from synergy.core.models import Organisation
from synergy.core.views import PAGE_SIZE
from synergy.testing import BaseTestCase

URL = reverse("core-organisation-list")


class OrganisationListTests(BaseTestCase):
    def names(self, query: str = "", **headers: str) -> list[str]:
        response = self.client.get(URL + query, headers=headers)
        self.assertEqual(response.status_code, 200)
        return [org.name for org in response.context["page"].object_list]

    def test_it_sends_anonymous_users_to_sign_in(self) -> None:
        response = self.client.get(URL)
        self.assertRedirects(
            response, reverse("core-login") + f"?next={URL}", fetch_redirect_response=False
        )

    def test_it_lists_searches_and_filters(self) -> None:
        self.client.force_login(self.charlie)
        self.assertEqual(
            self.names(), ["Child Labour Unit", "Other Unit", "Partner A", "Partner B"]
        )
        self.assertEqual(self.names("?q=partner"), ["Partner A", "Partner B"])
        self.assertEqual(self.names("?q=PB"), ["Partner B"])
        self.assertEqual(self.names("?kind=government"), ["Child Labour Unit", "Other Unit"])
        self.assertEqual(self.names("?country=MG"), ["Other Unit"])
        self.assertEqual(self.names("?q=unit&country=np"), ["Child Labour Unit"])
        self.assertEqual(self.names("?q=nothing-matches"), [])

    def test_it_paginates(self) -> None:
        for i in range(PAGE_SIZE + 5):
            Organisation.objects.create(name=f"Zeta {i:03d}", kind="ngo", country=self.country)
        self.client.force_login(self.bob)
        first = self.names("?q=zeta")
        self.assertEqual(len(first), PAGE_SIZE)
        self.assertEqual(self.names("?q=zeta&page=2"), [f"Zeta {i:03d}" for i in range(25, 30)])
        # An out-of-range or garbled page number shows a page rather than an error.
        self.assertEqual(len(self.names("?q=zeta&page=99")), 5)
        self.assertEqual(self.names("?q=zeta&page=abc"), first)
        response = self.client.get(URL + "?q=zeta&page=2")
        self.assertContains(response, "Page 2 of 2")
        self.assertContains(response, "page=1")

    def test_it_serves_only_the_table_to_htmx(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(
            URL + "?q=partner", headers={"HX-Request": "true", "HX-Target": "results"}
        )
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertNotIn("<html", html)
        self.assertNotIn('<nav class="navbar', html)
        self.assertIn("<table", html)
        self.assertIn("Partner A", html)
        self.assertNotIn("Child Labour Unit", html)
        self.assertIn("HX-Request", response.headers["Vary"])
        # Another target gets the whole page.
        response = self.client.get(URL, headers={"HX-Request": "true", "HX-Target": "other"})
        self.assertIn("<html", response.content.decode())

    def test_it_offers_creation_only_to_directory_editors(self) -> None:
        create = reverse("core-organisation-create")
        self.client.force_login(self.bob)
        self.assertNotContains(self.client.get(URL), create)
        self.client.force_login(self.nina)
        self.assertContains(self.client.get(URL), create)

    def test_it_renders_in_constant_queries(self) -> None:
        self.client.force_login(self.bob)
        self.client.get(URL)
        # session, user, memberships, two-factor policy, count, page, countries for the filter,
        # and the session renewal (savepoint, update, release) that enforces the idle timeout
        with self.assertNumQueries(10):
            self.client.get(URL)
        for i in range(40):
            Organisation.objects.create(name=f"Extra {i}", kind="ngo", country_id="BR")
        with self.assertNumQueries(10):
            self.client.get(URL)
        with self.assertNumQueries(10):
            self.client.get(URL + "?page=2")
        # The fragment has no filter form, so the country list is not fetched.
        with self.assertNumQueries(9):
            self.client.get(URL, headers={"HX-Request": "true", "HX-Target": "results"})

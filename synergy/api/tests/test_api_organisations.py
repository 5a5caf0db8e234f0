from __future__ import annotations

import json
from typing import Any

from synergy.core.models import AuditEvent, Organisation, User
from synergy.core.services import api_token_create
from synergy.testing import BaseTestCase

URL = "/api/v1/organisations/"


class ApiOrganisationTests(BaseTestCase):
    def call(
        self, method: str, user: User | None, url: str = URL, body: dict[str, Any] | None = None
    ) -> Any:
        headers = {}
        if user is not None:
            _token, plain = api_token_create(user=user, name="test")
            headers["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
        data = json.dumps(body) if body is not None else None
        return getattr(self.client, method)(
            url, data=data, content_type="application/json", **headers
        )

    def detail_url(self, organisation: Organisation) -> str:
        return f"{URL}{organisation.pk}"

    def names(self, response: Any) -> list[str]:
        return [item["name"] for item in response.json()["items"]]

    # --- reading --------------------------------------------------------------------------

    def test_it_lists_with_search_filters_and_pagination(self) -> None:
        response = self.call("get", self.bob)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["count"], 4)
        self.assertEqual(
            self.names(response), ["Child Labour Unit", "Other Unit", "Partner A", "Partner B"]
        )
        self.assertEqual(self.names(self.call("get", self.bob, URL + "?q=pb")), ["Partner B"])
        self.assertEqual(
            self.names(self.call("get", self.bob, URL + "?kind=government")),
            ["Child Labour Unit", "Other Unit"],
        )
        self.assertEqual(
            self.names(self.call("get", self.bob, URL + "?country=mg")), ["Other Unit"]
        )
        page = self.call("get", self.bob, URL + "?limit=2&offset=1").json()
        self.assertEqual(page["count"], 4)
        self.assertEqual([i["name"] for i in page["items"]], ["Other Unit", "Partner A"])

    def test_it_shows_one_organisation(self) -> None:
        response = self.call("get", self.charlie, self.detail_url(self.partner_a))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["name"], "Partner A")
        self.assertEqual(body["country"], "NP")
        self.assertEqual(body["iati_organisation_type"], "22")
        self.assertEqual(body["version"], 1)
        self.assertEqual(self.call("get", self.bob, f"{URL}999999").status_code, 404)

    def test_it_requires_authentication(self) -> None:
        self.assertEqual(self.call("get", None).status_code, 401)
        self.assertEqual(self.call("get", None, self.detail_url(self.partner_a)).status_code, 401)
        body = {"name": "Anon", "kind": "ngo", "country": "NP"}
        self.assertEqual(self.call("post", None, body=body).status_code, 401)
        self.assertFalse(Organisation.objects.filter(name="Anon").exists())

    # --- creating -------------------------------------------------------------------------

    def test_it_lets_admins_and_coordinators_create(self) -> None:
        response = self.call("post", self.root, body={"name": "Global Fund", "kind": "donor"})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertIsNone(response.json()["country"])
        response = self.call(
            "post", self.nina, body={"name": "New NGO", "kind": "ngo", "country": "np"}
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["country"], "NP")
        created = Organisation.objects.get(name="New NGO")
        self.assertTrue(
            AuditEvent.objects.filter(
                action="create", actor=self.nina, object_id=str(created.pk)
            ).exists()
        )

    def test_it_forbids_creation_to_partners(self) -> None:
        body = {"name": "Sneaky", "kind": "ngo", "country": "NP"}
        self.assertEqual(self.call("post", self.alice, body=body).status_code, 403)
        self.assertEqual(self.call("post", self.bob, body=body).status_code, 403)
        # A coordinator files organisations only in its own country.
        self.assertEqual(self.call("post", self.zoe, body=body).status_code, 403)
        self.assertFalse(Organisation.objects.filter(name="Sneaky").exists())

    def test_it_names_a_bad_country(self) -> None:
        response = self.call(
            "post", self.root, body={"name": "Nowhere", "kind": "ngo", "country": "XX"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("country", response.json()["detail"])
        self.assertFalse(Organisation.objects.filter(name="Nowhere").exists())

    def test_it_names_a_bad_kind(self) -> None:
        response = self.call("post", self.root, body={"name": "Odd", "kind": "club"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("kind", json.dumps(response.json()["detail"]))

    def test_it_refuses_a_duplicate_name(self) -> None:
        response = self.call(
            "post", self.nina, body={"name": "Partner A", "kind": "ngo", "country": "NP"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Organisation.objects.filter(name="Partner A").count(), 1)

    # --- changing -------------------------------------------------------------------------

    def test_it_lets_the_coordinator_patch(self) -> None:
        response = self.call(
            "patch",
            self.nina,
            self.detail_url(self.partner_a),
            {"version": 1, "acronym": "PA2", "website": "https://a.example.org"},
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["acronym"], "PA2")
        self.assertEqual(response.json()["version"], 2)
        self.partner_a.refresh_from_db()
        self.assertEqual(self.partner_a.acronym, "PA2")
        event = AuditEvent.objects.get(action="update")
        self.assertEqual(event.detail, {"fields": ["acronym", "website"]})

    def test_it_gives_outsiders_404_and_read_only_members_403(self) -> None:
        url = self.detail_url(self.partner_a)
        body = {"version": 1, "name": "Hijacked"}
        self.assertEqual(self.call("patch", self.charlie, url, body).status_code, 404)
        self.assertEqual(self.call("patch", self.zoe, url, body).status_code, 404)
        self.assertEqual(self.call("patch", self.bob, url, body).status_code, 403)
        self.assertEqual(self.call("patch", self.alice, url, body).status_code, 403)
        self.partner_a.refresh_from_db()
        self.assertEqual(self.partner_a.name, "Partner A")
        self.assertEqual(self.partner_a.version, 1)

    def test_it_refuses_a_stale_version(self) -> None:
        url = self.detail_url(self.partner_a)
        self.assertEqual(
            self.call("patch", self.nina, url, {"version": 1, "name": "One"}).status_code, 200
        )
        response = self.call("patch", self.nina, url, {"version": 1, "name": "Two"})
        self.assertEqual(response.status_code, 409)
        self.assertIn("Someone else changed this record", json.dumps(response.json()))
        self.partner_a.refresh_from_db()
        self.assertEqual(self.partner_a.name, "One")

    def test_it_keeps_a_coordinator_in_its_country(self) -> None:
        url = self.detail_url(self.partner_a)
        response = self.call("patch", self.nina, url, {"version": 1, "country": "MG"})
        self.assertEqual(response.status_code, 403)
        response = self.call("patch", self.nina, url, {"version": 1, "country": "ZZ"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("country", response.json()["detail"])
        self.partner_a.refresh_from_db()
        self.assertEqual(self.partner_a.country_id, "NP")

    def test_it_requires_the_version(self) -> None:
        response = self.call("patch", self.nina, self.detail_url(self.partner_a), {"name": "X"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("version", json.dumps(response.json()))

    # --- cost -----------------------------------------------------------------------------

    def assert_list_queries(self, expected: int) -> None:
        _token, plain = api_token_create(user=self.bob, name="counting")
        # The first use records last_used_at; later uses within a minute do not write.
        self.client.get(URL, HTTP_AUTHORIZATION=f"Bearer {plain}")
        with self.assertNumQueries(expected):
            response = self.client.get(URL, HTTP_AUTHORIZATION=f"Bearer {plain}")
        self.assertEqual(response.status_code, 200)

    def test_it_lists_in_constant_queries(self) -> None:
        # token lookup, count, one page of organisations with their countries
        self.assert_list_queries(3)
        for i in range(30):
            Organisation.objects.create(name=f"Extra {i}", kind="ngo", country=self.country)
        self.assert_list_queries(3)

    def test_it_caps_the_page_size(self) -> None:
        for i in range(60):
            Organisation.objects.create(name=f"Extra {i:02d}", kind="ngo", country=self.country)
        self.assertEqual(len(self.call("get", self.bob).json()["items"]), 50)
        self.assertEqual(self.call("get", self.bob, URL + "?limit=100000").status_code, 422)
        self.assertEqual(self.call("get", self.bob, URL + "?limit=0").status_code, 422)

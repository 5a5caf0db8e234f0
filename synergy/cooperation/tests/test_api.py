"""/api/v1/cooperation/: the same rules as the pages, through a token or a session."""

from __future__ import annotations

from synergy.cooperation.models import Need, Offer
from synergy.cooperation.tests.personas import CooperationCase


class ApiTest(CooperationCase):
    def post(self, url: str, body: dict[str, object]) -> object:
        return self.client.post(url, body, content_type="application/json")

    def test_a_coordinator_records_a_need_and_reads_its_matches(self) -> None:
        self.client.force_login(self.nina)
        created = self.client.post(
            "/api/v1/cooperation/needs",
            {
                "country": "NP",
                "title": "Monitoring of working children",
                "description": "Un système de suivi du travail des enfants.",
                "theme": "child-labour-monitoring",
                "form": "study_tour",
                "organisations": [self.unit.pk],
            },
            content_type="application/json",
        )
        self.assertEqual(created.status_code, 201, created.content)
        need = created.json()
        self.assertEqual(need["theme"], "child-labour-monitoring")
        matches = self.client.get(
            f"/api/v1/cooperation/needs/{need['id']}/matches",
            {"weight_development": 8, "top": 3},
        ).json()
        self.assertLessEqual(len(matches), 3)
        self.assertIn(matches[0]["country"], {"BR", "PT", "SN"})
        self.assertEqual(matches[0]["explanation"]["development"]["weight"], 8)
        self.assertTrue(matches[0]["drivers"])
        patched = self.client.patch(
            f"/api/v1/cooperation/needs/{need['id']}",
            {"version": 1, "status": "closed"},
            content_type="application/json",
        )
        self.assertEqual(patched.json()["status"], "closed")
        self.assertEqual(patched.json()["version"], 2)

    def test_the_ad_hoc_ranking_is_the_commands(self) -> None:
        self.client.force_login(self.bob)
        found = self.client.get(
            "/api/v1/cooperation/matches",
            {"country": "MG", "need": "zones libres de travail des enfants", "top": "1"},
        ).json()
        self.assertEqual([m["country"] for m in found], ["IN"])
        missing = self.client.get("/api/v1/cooperation/matches", {"country": "QQ", "need": "x"})
        self.assertEqual(missing.status_code, 404)
        bad = self.client.get(
            "/api/v1/cooperation/matches", {"country": "MG", "need": "x", "theme": "nope"}
        )
        self.assertEqual(bad.status_code, 422)
        self.assertIn("theme", bad.json()["detail"])

    def test_offers_need_published_practices_and_their_own_country(self) -> None:
        self.client.force_login(self.bruno)
        draft = self.practice(author=self.kate, title="A draft")
        refused = self.client.post(
            "/api/v1/cooperation/offers",
            {
                "country": "BR",
                "title": "Our networks",
                "theme": "child-labour-monitoring",
                "practices": [draft.pk],
            },
            content_type="application/json",
        )
        self.assertEqual(refused.status_code, 422)
        self.assertIn("practices", refused.json()["detail"])
        other = self.client.post(
            "/api/v1/cooperation/offers",
            {"country": "NP", "title": "Not ours", "description": "x"},
            content_type="application/json",
        )
        self.assertEqual(other.status_code, 403)
        created = self.client.post(
            "/api/v1/cooperation/offers",
            {
                "country": "BR",
                "title": "Our networks",
                "theme": "child-labour-monitoring",
                "practices": [self.practices["clms"].pk],
            },
            content_type="application/json",
        )
        self.assertEqual(created.status_code, 201)
        self.assertEqual(Offer.objects.count(), 1)

    def test_profiles_list_and_save(self) -> None:
        self.client.force_login(self.bob)
        listed = self.client.get("/api/v1/cooperation/profiles", {"region": "africa"}).json()
        self.assertEqual({p["country"] for p in listed["items"]}, {"MG", "SN"})
        brazil = self.client.get("/api/v1/cooperation/profiles/BR").json()
        self.assertEqual(brazil["languages"], ["pt"])
        self.assertEqual({m["kind"] for m in brazil["measures"]}, {"clms", "cct"})
        self.client.force_login(self.bruno)
        saved = self.client.patch(
            "/api/v1/cooperation/profiles/BR",
            {"version": 1, "minimum_age": 16, "measures": [{"kind": "clms", "since": 2005}]},
            content_type="application/json",
        )
        self.assertEqual(saved.status_code, 200, saved.content)
        self.assertEqual(saved.json()["measures"], [{"kind": "clms", "since": 2005}])
        twice = self.client.patch(
            "/api/v1/cooperation/profiles/BR",
            {"version": 2, "measures": [{"kind": "clms"}, {"kind": "clms"}]},
            content_type="application/json",
        )
        self.assertEqual(twice.status_code, 422)

    def test_a_need_with_another_countrys_roadmap_action_is_refused(self) -> None:
        from synergy.indicators.models import Action, Roadmap

        action = Action.objects.create(
            roadmap=Roadmap.objects.create(country_id="MG"), title="Elsewhere"
        )
        self.client.force_login(self.nina)
        response = self.client.post(
            "/api/v1/cooperation/needs",
            {"country": "NP", "title": "x", "description": "y", "action": action.pk},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("action", response.json()["detail"])
        self.assertFalse(Need.objects.exists())

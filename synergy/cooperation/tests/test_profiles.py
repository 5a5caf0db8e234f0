"""Country profiles: libraries give the region and languages; coordinators of the country
edit the rest, each save is a version in the history and in the audit trail; a stale save
is refused; a survey's 8.7.1 wins over a typed figure."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from synergy.cooperation import services
from synergy.cooperation.models import CountryProfile
from synergy.cooperation.profiles import official_languages, un_subregion
from synergy.cooperation.tests.personas import CooperationCase
from synergy.core.models import AuditEvent, Country


class ProfileTest(CooperationCase):
    def test_languages_and_sub_region_come_from_the_libraries(self) -> None:
        self.assertEqual(official_languages("NP"), ("ne",))
        self.assertIn("fr", official_languages("MG"))
        self.assertEqual(un_subregion(Country.objects.get(pk="KE")), "Eastern Africa")
        self.client.force_login(self.alice)
        page = self.client.get(reverse("cooperation-profile", args=["MG"]))
        self.assertContains(page, "Malagasy")
        self.assertContains(page, "Eastern Africa")

    def test_a_coordinator_edits_and_the_history_keeps_each_version(self) -> None:
        profile = CountryProfile.objects.get(country_id="NP")
        services.profile_save(
            actor=self.nina,
            country=profile.country,
            version=profile.version,
            fields={
                "minimum_age": 14,
                "prevalence_percent": Decimal("15.3"),
                "prevalence_year": 2018,
            },
            measures={"national_action_plan": 2004, "clms": None},
        )
        profile.refresh_from_db()
        self.assertEqual(profile.version, 2)
        latest = profile.versions.first()
        assert latest is not None
        self.assertEqual(latest.actor, self.nina)
        self.assertEqual(
            latest.changed, ["measures", "minimum_age", "prevalence_percent", "prevalence_year"]
        )
        self.assertEqual(latest.snapshot["measures"], {"clms": None, "national_action_plan": 2004})
        self.assertEqual(profile.versions.count(), 2)
        self.assertTrue(
            AuditEvent.objects.filter(
                actor=self.nina, object_id=str(profile.pk), action="update"
            ).exists()
        )

    def test_a_stale_version_is_refused_and_nothing_is_written(self) -> None:
        profile = CountryProfile.objects.get(country_id="NP")
        with self.assertRaises(ValidationError):
            services.profile_save(
                actor=self.nina,
                country=profile.country,
                version=profile.version + 5,
                fields={"minimum_age": 15},
                measures={},
            )
        profile.refresh_from_db()
        self.assertIsNone(profile.minimum_age)
        self.assertEqual(profile.measures.count(), 1)

    def test_only_the_countrys_coordinators_and_administrators_edit(self) -> None:
        nepal = Country.objects.get(pk="NP")
        for user in (self.zoe, self.alice, self.kate):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.profile_save(actor=user, country=nepal, version=1, fields={})
        self.client.force_login(self.zoe)
        edit = reverse("cooperation-profile-edit", args=["NP"])
        self.assertEqual(self.client.get(edit).status_code, 403)
        response = self.client.patch(
            "/api/v1/cooperation/profiles/NP",
            {"version": 1, "minimum_age": 16},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 403)

    def test_bad_values_name_their_field(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.patch(
            "/api/v1/cooperation/profiles/NP",
            {"version": 1, "prevalence_percent": "12.5"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("__all__", response.json()["detail"])
        response = self.client.patch(
            "/api/v1/cooperation/profiles/NP",
            {"version": 1, "minimum_age": 9},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(CountryProfile.objects.get(country_id="NP").version, 1)

    def test_the_edit_page_saves_measures_with_their_years(self) -> None:
        self.client.force_login(self.nina)
        response = self.client.post(
            reverse("cooperation-profile-edit", args=["NP"]),
            {
                "version": 1,
                "legal_tradition": "mixed",
                "income_group": "lower_middle",
                "minimum_age": "14",
                "has_clms": "on",
                "since_clms": "2019",
                "has_national_action_plan": "on",
            },
        )
        self.assertRedirects(response, reverse("cooperation-profile", args=["NP"]))
        profile = CountryProfile.objects.get(country_id="NP")
        self.assertEqual(
            {m.kind: m.since for m in profile.measures.all()},
            {"clms": 2019, "national_action_plan": None},
        )
        page = self.client.get(reverse("cooperation-profile", args=["NP"]))
        self.assertContains(page, "since 2019")

    def test_a_country_without_a_profile_still_shows_what_libraries_know(self) -> None:
        self.client.force_login(self.bob)
        page = self.client.get(reverse("cooperation-profile", args=["KE"]))
        self.assertContains(page, "Swahili")
        self.assertEqual(self.client.get("/api/v1/cooperation/profiles/KE").status_code, 404)
        self.assertEqual(
            self.client.get(reverse("cooperation-profile", args=["QQ"])).status_code, 404
        )

from __future__ import annotations

from django.urls import reverse

from synergy.monitoring.tests import factories as f


class ChildListSearchTests(f.MonitoringTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        f.child(cls.alice, cls.partner_a, first_name="Zanele", last_name="Mthembu-Xq")
        f.child(cls.alice, cls.partner_a, first_name="Ramesh", last_name="Thapa", sex="M")

    def names(self, **params: str) -> list[str]:
        response = self.client.get(reverse("monitoring-child-list"), params)
        return [c.first_name for c in response.context["page"].object_list]

    def test_it_finds_a_name_exactly_and_by_sound(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.names(q="zanele"), ["Zanele"])
        self.assertEqual(self.names(q="Mthembu"), ["Zanele"])
        self.assertEqual(self.names(q="Zanelle"), ["Zanele"])  # sounds alike
        self.assertEqual(self.names(q="Ramesh Thappa"), ["Ramesh"])
        self.assertEqual(self.names(q="Zan"), [])  # no partial matching on a blind index

    def test_a_name_search_lists_the_newest_registration_first(self) -> None:
        self.client.force_login(self.alice)
        for i in range(3):
            f.child(self.alice, self.partner_a, first_name="Zanele", last_name=f"Later{i}")
        response = self.client.get(reverse("monitoring-child-list"), {"q": "Zanelle"})
        last_names = [c.last_name for c in response.context["page"].object_list]
        self.assertEqual(last_names, ["Later2", "Later1", "Later0", "Mthembu-Xq"])

    def test_a_coordinator_searches_the_whole_country_by_name(self) -> None:
        # The country-wide search reads the blind index another way (an array on
        # PostgreSQL): the same children, newest first, with the other filters applied.
        f.child(self.charlie, self.partner_b, first_name="Zanelle", last_name="Dube")
        f.child(self.charlie, self.partner_b, first_name="Zanele", last_name="Moyo", sex="M")
        self.client.force_login(self.nina)
        response = self.client.get(reverse("monitoring-child-list"), {"q": "Zanele"})
        last_names = [c.last_name for c in response.context["page"].object_list]
        self.assertEqual(last_names, ["Moyo", "Dube", "Mthembu-Xq"])
        response = self.client.get(reverse("monitoring-child-list"), {"q": "zanele", "sex": "M"})
        self.assertEqual([c.last_name for c in response.context["page"].object_list], ["Moyo"])
        self.assertEqual(self.names(q="Zanele Mthembu"), ["Zanele"])

    def test_it_filters_by_status_and_sex(self) -> None:
        self.client.force_login(self.alice)
        self.assertEqual(self.names(sex="M"), ["Ramesh"])
        self.assertEqual(sorted(self.names(status="identified")), ["Ramesh", "Zanele"])
        self.assertEqual(self.names(status="withdrawn"), [])

    def test_it_pins_the_query_count(self) -> None:
        self.client.force_login(self.alice)
        with self.assertNumQueries(11):
            self.client.get(reverse("monitoring-child-list"), {"q": "zanele"})
        for i in range(5):
            f.child(self.alice, self.partner_a, first_name="Zanele", last_name=f"Other{i}")
        with self.assertNumQueries(11):
            response = self.client.get(reverse("monitoring-child-list"), {"q": "zanele"})
        self.assertEqual(response.context["page"].paginator.count, 6)

    def test_it_returns_the_results_fragment_to_htmx(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(
            reverse("monitoring-child-list"),
            {"q": "Ramesh"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="results",
        )
        self.assertContains(response, "Ramesh")
        self.assertNotContains(response, "<html")

"""Past LIST_COUNT_CAP matches, the child list says "more than N" instead of counting them all,
and still pages through the first N newest first."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from synergy.monitoring.tests import factories as f


@override_settings(LIST_COUNT_CAP=3)
class CappedChildCountTests(f.MonitoringTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for name in ("Asha", "Bina", "Chandra", "Dipa", "Esha"):
            f.child(cls.alice, cls.partner_a, first_name=name, last_name="Rai", sex="F")
        f.child(cls.alice, cls.partner_a, first_name="Ramesh", last_name="Thapa", sex="M")

    def test_it_says_more_than_the_cap_when_there_are_more(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(reverse("monitoring-child-list"), {"sex": "F"})
        self.assertContains(response, "More than 3 children")
        paginator = response.context["page"].paginator
        self.assertTrue(paginator.capped)
        self.assertEqual(paginator.count, 3)

    def test_it_counts_exactly_up_to_the_cap(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(reverse("monitoring-child-list"), {"sex": "M"})
        self.assertContains(response, "1 child")
        self.assertNotContains(response, "More than")
        self.assertFalse(response.context["page"].paginator.capped)

    def test_a_capped_list_still_shows_the_newest_first(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(reverse("monitoring-child-list"), {"sex": "F"})
        names = [c.first_name for c in response.context["page"].object_list]
        self.assertEqual(names[:3], ["Esha", "Dipa", "Chandra"])

    def test_an_outsider_gets_no_count_of_anothers_children(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(reverse("monitoring-child-list"), {"sex": "F"})
        self.assertContains(response, "0 children")
        self.assertFalse(response.context["page"].paginator.capped)

from __future__ import annotations

from datetime import date

from django.db import connection
from django.urls import reverse

from synergy.core.models import AuditEvent
from synergy.monitoring import dedup
from synergy.monitoring.tests import factories as f

NAMES = [
    ("Lakshmi", "Shrestha", "Laxmi", "Srestha"),
    ("Parbati", "Chaudhary", "Parvati", "Choudhary"),
    ("Kabita", "Poudel", "Kavita", "Paudel"),
]


class DedupListQueryTests(f.MonitoringTestCase):
    def _pairs(self, n: int) -> None:
        for first_a, last_a, first_b, last_b in NAMES[:n]:
            f.child(
                self.alice,
                self.partner_a,
                first_name=first_a,
                last_name=last_a,
                date_of_birth=date(2012, 2, 2),
            )
            f.child(
                self.charlie,
                self.partner_b,
                first_name=first_b,
                last_name=last_b,
                date_of_birth=date(2012, 2, 2),
            )
        dedup.dedup_scan(actor=self.nina, country=self.country)

    def _count(self, user: f.User) -> int:
        self.client.force_login(user)
        url = reverse("monitoring-dedup-list")
        self.client.get(url)  # warm the session and caches
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def test_it_pins_the_coordinators_list_whatever_the_number_of_pairs(self) -> None:
        self._pairs(1)
        one = self._count(self.nina)
        # The reviewer's view events are one bulk write: an INSERT on SQLite, a COPY on
        # PostgreSQL, which Django's query log does not see.
        self.assertEqual(one, 10 if connection.vendor == "postgresql" else 11)
        views = AuditEvent.objects.filter(action="view", detail__what="duplicate_review")
        self.assertEqual(views.count(), 4)  # two records seen, twice (warm-up and counted)
        self._pairs(3)
        self.assertEqual(self._count(self.nina), one)
        with self.assertNumQueries(one):
            self.client.get(reverse("monitoring-dedup-list"))

    def test_it_pins_the_partners_list_whatever_the_number_of_flags(self) -> None:
        self._pairs(1)
        one = self._count(self.charlie)
        self.assertEqual(one, 9)
        self._pairs(3)
        self.assertEqual(self._count(self.charlie), one)

"""The provider inbox and the API lists take the same number of queries for 1 or 4 rows."""

from __future__ import annotations

from django.urls import reverse

from synergy.monitoring.tests import factories as f


class ListQueryCountTests(f.MonitoringTestCase):
    def make(self, n: int) -> None:
        for i in range(n):
            child = f.child(
                self.alice,
                self.partner_a,
                first_name=f"Kid{i}",
                household=f.household(self.alice, self.partner_a),
            )
            f.refer_and_accept(self.alice, child, self.pete, self.provider)

    def count(self, user_name: str, url: str) -> int:
        self.client.force_login(getattr(self, user_name))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def test_it_keeps_query_counts_constant(self) -> None:
        urls = [
            ("pete", reverse("monitoring-referral-inbox")),
            ("pete", "/api/v1/monitoring/referrals/received"),
            ("alice", "/api/v1/monitoring/referrals"),
            ("alice", "/api/v1/monitoring/households"),
            ("alice", reverse("monitoring-work-list")),
        ]
        self.make(1)
        before = [self.count(user, url) for user, url in urls]
        self.make(3)
        after = [self.count(user, url) for user, url in urls]
        self.assertEqual(before, after)
        self.assertEqual(before, [10, 10, 9, 9, 12])

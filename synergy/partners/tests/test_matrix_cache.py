"""The matrix page caches its grouped counts under the activities' state token: every write to
the activities (services, the interop import, plain deletes) changes the token, so the page
never shows a stale matrix or map."""

from __future__ import annotations

import io
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from synergy.interop import services as interop_services
from synergy.interop.tabular import read_table
from synergy.partners import services
from synergy.partners.models import Activity, ActivityState
from synergy.partners.selectors import activity_state_token
from synergy.partners.tests.factories import make_activity, make_area
from synergy.partners.tests.test_matrix import MATRIX_QUERIES
from synergy.testing import BaseTestCase

URL = reverse("partners-matrix") + "?country=NP"
# The map's and the cells' grouped queries are skipped when cached.
CACHED_QUERIES = MATRIX_QUERIES - 2


class MatrixCacheTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.client.force_login(self.nina)
        self.area = make_area(self.country, "NP-C1", name="Hills")
        self.activity = make_activity(self.partner_a, admin_area=self.area)

    def page(self) -> str:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def content(self, html: str) -> str:
        """The matrix tables and the map."""
        return html.split('<div class="col-xl-8">', 1)[1].split("</table>\n  </div>", 1)[0]

    def cell(self, itype: str, stage: str) -> str:
        """The HTML of one outreach-level cell."""
        html = self.page()
        table = html.split('data-level="outreach"', 1)[1]
        row = table.split(f'data-type="{itype}"', 1)[1].split("</tr>", 1)[0]
        return row.split(f'data-stage="{stage}"', 1)[1].split("</td>", 1)[0]

    def test_it_answers_a_repeated_request_from_the_cache_with_the_same_page(self) -> None:
        with CaptureQueriesContext(connection) as first:
            html = self.page()
        with CaptureQueriesContext(connection) as second:
            again = self.page()
        self.assertEqual(len(first.captured_queries), MATRIX_QUERIES)
        self.assertEqual(len(second.captured_queries), CACHED_QUERIES)
        # The same matrix and map (the page differs elsewhere by its nonce and CSRF tokens).
        self.assertEqual(self.content(html), self.content(again))
        self.assertIn(">PA</a>", self.content(html))
        self.assertIn('data-area="NP-C1" data-organisations="1"', self.content(html))

    def test_it_shows_an_activity_created_by_the_service(self) -> None:
        self.assertNotIn(">PB</a>", self.cell("prevention", "source"))
        before = activity_state_token()
        services.activity_create(
            actor=self.nina,
            organisation=self.partner_b,
            country=self.country,
            intervention_type="prevention",
            level="outreach",
            migration_stage="source",
            exploitation_form="child_labour",
            start_date=date(2026, 2, 1),
        )
        self.assertNotEqual(activity_state_token(), before)
        self.assertIn(">PB</a>", self.cell("prevention", "source"))

    def test_it_moves_an_activity_updated_by_the_service(self) -> None:
        self.assertIn(">PA</a>", self.cell("prevention", "source"))
        self.assertIn("matrix-gap", self.cell("research", "transit"))
        services.activity_update(
            actor=self.nina,
            activity=self.activity,
            version=self.activity.version,
            intervention_type="research",
            migration_stage="transit",
        )
        self.assertIn("matrix-gap", self.cell("prevention", "source"))
        self.assertIn(">PA</a>", self.cell("research", "transit"))

    def test_it_drops_a_deleted_activity_from_the_matrix_and_the_map(self) -> None:
        html = self.page()
        self.assertIn('data-area="NP-C1" data-organisations="1"', html)
        Activity.objects.filter(pk=self.activity.pk).delete()
        html = self.page()
        self.assertIn('data-area="NP-C1" data-organisations="0"', html)
        self.assertIn("matrix-gap", self.cell("prevention", "source"))

    def test_it_shows_activities_written_by_the_interop_import(self) -> None:
        self.assertIn("matrix-gap", self.cell("victim_assistance", "destination"))
        text = (
            "Organisation,Country,Type,Level,Sector,Stage,Start\r\n"
            "#org+name,#country+code,#activity+type,#activity+level,#sector,#activity+stage,"
            "#date+start\r\n"
            "Partner B,NPL,victim_assistance,outreach,trafficking,destination,2026-03-01\r\n"
        )
        interop_services.import_table(
            actor=self.nina,
            kind="activities",
            table=read_table(io.BytesIO(text.encode()), "4w.csv"),
            file_format="csv",
        )
        self.assertIn(">PB</a>", self.cell("victim_assistance", "destination"))

    def test_it_shows_an_import_that_only_changes_an_end_date(self) -> None:
        """Imports update end dates in place: the period filter must see the new one."""
        url = URL + "&from=2027-01-01&to=2027-12-31"
        self.activity.end_date = date(2026, 6, 30)
        Activity.objects.filter(pk=self.activity.pk).update(end_date=date(2026, 6, 30))
        self.assertNotContains(self.client.get(url), ">PA</a>")
        text = (
            "Organisation,Country,Type,Level,Sector,Stage,Start,End,P-code\r\n"
            "#org+name,#country+code,#activity+type,#activity+level,#sector,#activity+stage,"
            "#date+start,#date+end,#adm1+code\r\n"
            "Partner A,NPL,prevention,outreach,child_labour,source,2026-01-01,2028-12-31,NP-C1\r\n"
        )
        summary = interop_services.import_table(
            actor=self.nina,
            kind="activities",
            table=read_table(io.BytesIO(text.encode()), "4w.csv"),
            file_format="csv",
        )
        self.assertEqual(summary.updated, 1)
        self.assertContains(self.client.get(url), ">PA</a>")

    def test_it_caches_nothing_without_the_state_row(self) -> None:
        ActivityState.objects.all().delete()
        self.assertIsNone(activity_state_token())
        with CaptureQueriesContext(connection) as first:
            self.page()
        with CaptureQueriesContext(connection) as second:
            self.page()
        self.assertEqual(len(first.captured_queries), MATRIX_QUERIES)
        self.assertEqual(len(second.captured_queries), MATRIX_QUERIES)

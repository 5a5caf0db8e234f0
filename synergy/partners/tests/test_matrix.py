"""The who-does-what-where matrix on a small known dataset: cells, gaps, filters, queries."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from synergy.core.models import AdminArea, Organisation
from synergy.partners.selectors import ActivityFilters, MatrixTable, coverage_matrix
from synergy.partners.tests.factories import make_activity, make_area
from synergy.testing import BaseTestCase

# Seven per signed-in request, then the country list, the country, its areas, the activities'
# state token, the (area, organisation) counts of the map, the cells of the matrix and the names
# of their organisations. Once cached under the token, the map and cells queries are skipped.
MATRIX_QUERIES = 14


def cells(tables: list[MatrixTable]) -> dict[tuple[str, str, str], list[str]]:
    """Non-empty cells as (level, intervention type, stage) → organisation acronyms."""
    return {
        (t.level, row.intervention_type, cell.stage): [o.acronym for o in cell.organisations]
        for t in tables
        for row in t.rows
        for cell in row.cells
        if not cell.is_gap
    }


class MatrixTests(BaseTestCase):
    province: AdminArea
    district: AdminArea
    other: AdminArea
    ngo_c: Organisation

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.province = make_area(cls.country, "NP-T1", name="Hills")
        cls.district = make_area(cls.country, "NP-T1-D", level=2, parent=cls.province)
        cls.other = make_area(cls.country, "NP-T2", name="Plains")
        cls.ngo_c = Organisation.objects.create(
            name="Partner C", acronym="PC", kind="ngo", country=cls.country
        )
        A, B, C = cls.partner_a, cls.partner_b, cls.ngo_c
        # Outreach, prevention at source: A (district, so also the province) and B (plains).
        make_activity(
            A, admin_area=cls.district, start_date=date(2025, 1, 1), end_date=date(2025, 6, 30)
        )
        make_activity(A, admin_area=cls.district)  # a second row for the same cell: counted once
        make_activity(B, admin_area=cls.other, exploitation_form="trafficking")
        # Outreach, safe migration in transit: C only, ongoing since 2024.
        make_activity(
            C,
            intervention_type="safe_migration",
            migration_stage="transit",
            admin_area=cls.other,
            start_date=date(2024, 3, 1),
            exploitation_form="trafficking",
        )
        # Policy level, legislation at destination: the unit, no area.
        make_activity(
            cls.unit, intervention_type="policy", level="policy", migration_stage="destination"
        )
        # Another country: never in Nepal's matrix.
        make_activity(cls.foreign_unit, intervention_type="research", level="policy")

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # every test starts without cached matrix counts

    def test_it_lists_organisations_per_cell_and_marks_gaps(self) -> None:
        tables = coverage_matrix(country="NP", filters=ActivityFilters())
        self.assertEqual([t.level for t in tables], ["policy", "outreach"])
        self.assertEqual(
            cells(tables),
            {
                ("outreach", "prevention", "source"): ["PA", "PB"],
                ("outreach", "safe_migration", "transit"): ["PC"],
                ("policy", "policy", "destination"): [""],
            },
        )
        # 8 intervention types × 3 stages per level, minus the filled cells.
        self.assertEqual([t.gap_count for t in tables], [24 - 1, 24 - 2])

    def test_it_filters_by_area_including_the_areas_below(self) -> None:
        tables = coverage_matrix(country="NP", filters=ActivityFilters(area=self.province.pk))
        self.assertEqual(cells(tables), {("outreach", "prevention", "source"): ["PA"]})
        tables = coverage_matrix(country="NP", filters=ActivityFilters(area=self.other.pk))
        self.assertEqual(
            cells(tables),
            {
                ("outreach", "prevention", "source"): ["PB"],
                ("outreach", "safe_migration", "transit"): ["PC"],
            },
        )

    def test_it_keeps_activities_overlapping_the_period(self) -> None:
        # Only A's first activity ended; the rest are ongoing from 2026 (C from 2024).
        tables = coverage_matrix(
            country="NP",
            filters=ActivityFilters(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)),
        )
        self.assertEqual(
            cells(tables),
            {
                ("outreach", "prevention", "source"): ["PA"],
                ("outreach", "safe_migration", "transit"): ["PC"],
            },
        )
        tables = coverage_matrix(
            country="NP",
            filters=ActivityFilters(date_from=date(2025, 7, 1), date_to=date(2025, 12, 31)),
        )
        self.assertEqual(cells(tables), {("outreach", "safe_migration", "transit"): ["PC"]})

    def test_it_filters_by_form_of_exploitation(self) -> None:
        tables = coverage_matrix(
            country="NP", filters=ActivityFilters(exploitation_form="trafficking")
        )
        self.assertEqual(
            cells(tables),
            {
                ("outreach", "prevention", "source"): ["PB"],
                ("outreach", "safe_migration", "transit"): ["PC"],
            },
        )

    def test_it_renders_gaps_with_a_visible_label_in_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.charlie)
        url = reverse("partners-matrix") + f"?country=NP&area={self.province.pk}&from=2025-01-01"
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(ctx.captured_queries), MATRIX_QUERIES)
        html = response.content.decode()
        self.assertEqual(html.count('class="matrix-gap"'), 48 - 1)
        self.assertEqual(html.count('<span class="matrix-gap-label">gap</span>'), 48 - 1 + 0)
        self.assertIn('data-type="prevention"', html)
        self.assertContains(response, ">PA</a>")
        self.assertNotContains(response, ">PB</a>")

    def test_it_keeps_its_query_count_with_more_activities(self) -> None:
        self.client.force_login(self.nina)
        url = reverse("partners-matrix") + "?country=NP"
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        for i in range(20):
            org = Organisation.objects.create(name=f"Org {i}", kind="ngo", country=self.country)
            make_activity(org, admin_area=self.other, intervention_type="research")
        with CaptureQueriesContext(connection) as large:
            response = self.client.get(url)
        self.assertEqual(len(small.captured_queries), len(large.captured_queries))
        # Twenty organisations in one cell: the first eight by name, then a link to the rest.
        self.assertContains(response, 'data-organisations="20"')
        self.assertContains(response, "Org 15")
        self.assertNotContains(response, "Org 19")
        self.assertContains(
            response,
            "/partners/activities/?country=NP&amp;level=outreach&amp;type=research"
            '&amp;stage=source">and 12 more</a>',
        )

"""The coverage map: organisations per area, shades, SVG from GeoJSON, tiles without it."""

from __future__ import annotations

import re

from django.urls import reverse

from synergy.core.models import AdminArea, Organisation
from synergy.partners.maps import coverage_map
from synergy.partners.selectors import ActivityFilters, area_coverage
from synergy.partners.tests.factories import make_activity, make_area
from synergy.testing import BaseTestCase


def square(lon: float, lat: float, size: float = 1.0) -> dict[str, object]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


class CoverageMapTests(BaseTestCase):
    west: AdminArea
    middle: AdminArea
    east: AdminArea
    district: AdminArea

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.west = make_area(cls.country, "NP-W", name="West", geometry=square(80, 28))
        cls.middle = make_area(cls.country, "NP-M", name="Middle", geometry=square(82, 27.5))
        cls.east = make_area(
            cls.country,
            "NP-E",
            name="East",
            geometry={"type": "MultiPolygon", "coordinates": [square(86, 27)["coordinates"]]},
        )
        cls.district = make_area(cls.country, "NP-W-1", level=2, parent=cls.west)
        orgs = [
            Organisation.objects.create(name=f"NGO {i}", kind="ngo", country=cls.country)
            for i in range(4)
        ]
        # West: four organisations (one through a district); middle: one; east: none.
        for org in orgs[:3]:
            make_activity(org, admin_area=cls.west)
        make_activity(orgs[3], admin_area=cls.district)
        make_activity(orgs[0], admin_area=cls.middle)
        make_activity(orgs[0], admin_area=cls.middle, intervention_type="research")
        make_activity(cls.unit)  # country-wide

    def test_it_counts_organisations_per_top_level_area_and_shades_them(self) -> None:
        coverage, nationwide = area_coverage(country="NP", filters=ActivityFilters())
        self.assertEqual(
            [(c.area.code, c.organisations, c.shade) for c in coverage],
            [("NP-E", 0, 0), ("NP-M", 1, 2), ("NP-W", 4, 5)],
        )
        self.assertEqual(nationwide, 1)

    def test_it_maps_the_children_of_the_filtered_area(self) -> None:
        coverage, _ = area_coverage(country="NP", filters=ActivityFilters(area=self.west.pk))
        self.assertEqual([(c.area.code, c.organisations) for c in coverage], [("NP-W-1", 1)])

    def test_it_draws_an_svg_choropleth_projected_into_the_box(self) -> None:
        coverage, _ = area_coverage(country="NP", filters=ActivityFilters())
        drawn = coverage_map(coverage)
        assert drawn is not None
        self.assertEqual(drawn.kind, "svg")
        self.assertEqual(drawn.width, 600.0)
        numbers = [float(n) for s in drawn.shapes for n in re.findall(r"-?\d+\.\d", s.path)]
        xs, ys = numbers[0::2], numbers[1::2]
        # The westernmost point lands on the left padding, the easternmost on the right one;
        # north is up.
        self.assertEqual((min(xs), max(xs)), (10.0, 590.0))
        self.assertEqual(min(ys), 10.0)
        self.assertLessEqual(max(ys), drawn.height - 10 + 0.1)
        west = next(s for s in drawn.shapes if s.code == "NP-W")
        self.assertTrue(west.path.startswith("M10.0,"))
        self.assertTrue(west.path.endswith("Z"))

    def test_it_falls_back_to_a_tile_grid_without_geometry(self) -> None:
        make_area(self.country, "NP-X", name="Unmapped")
        coverage, _ = area_coverage(country="NP", filters=ActivityFilters())
        drawn = coverage_map(coverage)
        assert drawn is not None
        self.assertEqual(drawn.kind, "grid")
        self.assertEqual(len(drawn.shapes), 4)
        # Two columns of squares for four areas, none overlapping.
        positions = {(s.x, s.y) for s in drawn.shapes}
        self.assertEqual(len(positions), 4)
        self.assertEqual(len({x for x, _ in positions}), 2)

    def test_it_renders_the_map_with_shade_classes_and_gap_labels(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(reverse("partners-matrix") + "?country=NP")
        html = response.content.decode()
        self.assertIn('data-kind="svg"', html)
        self.assertRegex(html, r'<g data-area="NP-W" data-organisations="4">')
        self.assertRegex(html, r'<path class="area shade-5" d="M')
        self.assertRegex(html, r'<path class="area shade-0" d="M')
        self.assertIn(">gap</text>", html)
        self.assertNotIn("style=", html.split("<main", 1)[1])

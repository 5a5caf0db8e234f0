"""Server-side coverage maps: an SVG choropleth from GeoJSON, or a tile grid without it.

No tiles, no JavaScript mapping library: the page must work offline on a LAN. Coordinates are
lon/lat; they are projected to the SVG box with an equirectangular projection whose x axis is
scaled by cos(mean latitude), which is close enough for one country.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from synergy.partners.selectors import AreaCoverage

WIDTH = 600.0
PADDING = 10.0
TILE = 140.0
TILE_GAP = 6.0


@dataclass(frozen=True)
class Shape:
    """One area drawn on the map: an SVG path, or a square of the tile grid."""

    code: str
    name: str
    organisations: int
    shade: int
    path: str = ""
    x: float = 0.0
    y: float = 0.0
    size: float = 0.0
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass(frozen=True)
class CoverageMap:
    kind: str  # "svg" (areas have geometry) or "grid" (they do not)
    width: float
    height: float
    shapes: list[Shape]


def _rings(geometry: Any) -> list[list[list[tuple[float, float]]]]:
    """Polygons (each a list of rings of (lon, lat)) of a GeoJSON Polygon/MultiPolygon."""
    if not isinstance(geometry, dict):
        return []
    coords = geometry.get("coordinates")
    try:
        polygons: list[Any]
        if geometry.get("type") == "Polygon":
            polygons = [coords]
        elif geometry.get("type") == "MultiPolygon":
            polygons = list(coords or [])
        else:
            return []
        return [
            [[(float(p[0]), float(p[1])) for p in ring] for ring in polygon] for polygon in polygons
        ]
    except (TypeError, ValueError, IndexError):
        return []


def coverage_map(coverage: list[AreaCoverage]) -> CoverageMap | None:
    if not coverage:
        return None
    geometries = {c.area.pk: _rings(c.area.geometry) for c in coverage}
    if all(geometries.values()):
        return _svg_map(coverage, geometries)
    return _tile_grid(coverage)


def _svg_map(
    coverage: list[AreaCoverage], geometries: dict[int, list[list[list[tuple[float, float]]]]]
) -> CoverageMap:
    points = [pt for polys in geometries.values() for poly in polys for ring in poly for pt in ring]
    min_lon = min(p[0] for p in points)
    max_lon = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * kx, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = (WIDTH - 2 * PADDING) / span_x
    height = span_y * scale + 2 * PADDING

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (
            PADDING + (lon - min_lon) * kx * scale,
            PADDING + (max_lat - lat) * scale,
        )

    shapes = []
    for c in coverage:
        parts = []
        xs: list[float] = []
        ys: list[float] = []
        for polygon in geometries[c.area.pk]:
            for ring in polygon:
                projected = [project(lon, lat) for lon, lat in ring]
                xs += [p[0] for p in projected]
                ys += [p[1] for p in projected]
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in projected) + "Z")
        shapes.append(
            Shape(
                code=c.area.code,
                name=c.area.name,
                organisations=c.organisations,
                shade=c.shade,
                path="".join(parts),
                # The label sits at the centre of the area's outer box: good enough for
                # schematic or compact shapes, and it never needs a geometry library.
                label_x=round((min(xs) + max(xs)) / 2, 1),
                label_y=round((min(ys) + max(ys)) / 2, 1),
            )
        )
    return CoverageMap("svg", WIDTH, round(height, 1), shapes)


def _tile_grid(coverage: list[AreaCoverage]) -> CoverageMap:
    columns = max(1, math.ceil(math.sqrt(len(coverage))))
    rows = math.ceil(len(coverage) / columns)
    step = TILE + TILE_GAP
    shapes = []
    for i, c in enumerate(coverage):
        x = PADDING + (i % columns) * step
        y = PADDING + (i // columns) * step
        shapes.append(
            Shape(
                code=c.area.code,
                name=c.area.name,
                organisations=c.organisations,
                shade=c.shade,
                x=x,
                y=y,
                size=TILE,
                label_x=x + TILE / 2,
                label_y=y + TILE / 2,
            )
        )
    return CoverageMap(
        "grid",
        2 * PADDING + columns * step - TILE_GAP,
        2 * PADDING + rows * step - TILE_GAP,
        shapes,
    )

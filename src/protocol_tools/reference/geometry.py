"""The face and zone geometry of ``data/zones.yaml``, mirrored.

The geometry is written once, for the client's right half (the left of the
picture, x < 100); this module mirrors it for the client's left half::

    >>> geometry = zone_geometry()
    >>> geometry["zones"]["jawline"]["left"]["outline"][0]
    [101, 207]

Every view draws from here: the SVG face map, the designer's path chart, the
JavaScript timer and the PDF sheet.
"""

from __future__ import annotations

import copy
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..core.paths import data_dir
from .data import zones_file
from .loader import file_key
from .models import ZoneEntry

__all__ = ["MIDLINE", "Point", "face_geometry", "zone_geometry"]

MIDLINE = 100

Point = list[float]


# ---------------------------------------------------------------------------
# Mirroring zones.yaml (checked by the loader: points, right halves, outlines)


def _copy(points: list[Point]) -> list[Point]:
    """Fresh ``[x, y]`` lists: the geometry never shares a list with the cached model."""
    return [[x, y] for x, y in points]


def _mirror(points: list[Point]) -> list[Point]:
    return [[2 * MIDLINE - x, y] for x, y in points]


def _centroid(points: list[Point]) -> list[float]:
    """The area centroid of a polygon (the vertex mean if it has no area)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        n = len(points)
        return [round(sum(p[0] for p in points) / n, 2), round(sum(p[1] for p in points) / n, 2)]
    return [round(cx / (3 * area), 2), round(cy / (3 * area), 2)]


def _inside(point: Point, polygon: list[Point]) -> bool:
    """Whether ``point`` lies inside ``polygon`` (even-odd ray casting)."""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _midway(line: list[Point]) -> list[float]:
    """The point halfway along a polyline."""
    lengths = [((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 for (x0, y0), (x1, y1) in pairwise(line)]
    remaining = sum(lengths) / 2
    for ((x0, y0), (x1, y1)), length in zip(pairwise(line), lengths, strict=True):
        if remaining <= length and length > 0:
            t = remaining / length
            return [round(x0 + t * (x1 - x0), 2), round(y0 + t * (y1 - y0), 2)]
        remaining -= length
    return [float(line[-1][0]), float(line[-1][1])]


def _label_point(outline: list[Point], strokes: list[list[Point]]) -> list[float]:
    """Where a number goes: the centroid, or midway along a stroke for a curved zone."""
    centroid = _centroid(outline)
    if _inside(centroid, outline):
        return centroid
    for stroke in strokes:
        point = _midway(stroke)
        if _inside(point, outline):
            return point
    return centroid


def _zone(zone: ZoneEntry) -> dict[str, Any]:
    """One zone's words and both halves, the left mirrored from the right."""
    right_outline = _copy(zone.outline)
    right_strokes = [_copy(stroke) for stroke in zone.strokes]
    label = _label_point(right_outline, right_strokes)
    return {
        "name": zone.name,
        "muscles": list(zone.muscles or []),
        "direction": zone.direction,
        "max_current_uA": zone.max_current_uA,
        "current_source": zone.current_source,
        "notes": zone.notes or "",
        "right": {"outline": right_outline, "strokes": right_strokes, "label_point": label},
        "left": {
            "outline": _mirror(right_outline),
            "strokes": [_mirror(stroke) for stroke in right_strokes],
            "label_point": _mirror([label])[0],
        },
    }


@cache
def _geometry_at(folder: Path, key: Any) -> dict[str, Any]:
    """The mirrored geometry; cached until zones.yaml changes."""
    del folder, key  # the cache key only; the reference loader reads and checks the file
    doc = zones_file()
    features = {}
    for name, line in doc.face.features.items():
        right = _copy(line)
        features[name] = {"right": right, "left": _mirror(right)}
    midline = {name: _copy(line) for name, line in doc.face.midline_features.items()}
    lines = [half for pair in features.values() for half in (pair["right"], pair["left"])]
    lines.extend(midline.values())
    return {
        "canvas": {"width": doc.canvas.width, "height": doc.canvas.height, "midline_x": MIDLINE},
        "face": {
            "outline": _copy(doc.face.outline),
            "features": features,
            "midline_features": midline,
            "lines": lines,
        },
        "zones": {zone.id: _zone(zone) for zone in doc.zones},
    }


def face_geometry() -> dict[str, Any]:
    """The face and zone geometry, mirrored and cached (do not change it: see zone_geometry)."""
    folder = data_dir()
    return _geometry_at(folder, file_key(folder / "zones.yaml"))


def zone_geometry() -> dict[str, Any]:
    """The face and zone geometry with the left halves already mirrored.

    Plain JSON-ready data, read by the JavaScript timer and the PDF sheet::

        {"canvas": {"width": 200, "height": 260, "midline_x": 100},
         "face": {"outline": [[x, y], ...],            # closed polygon, both halves
                  "features": {name: {"right": [...], "left": [...]}},
                  "midline_features": {name: [...]},
                  "lines": [[[x, y], ...], ...]},      # every feature polyline
         "zones": {zone_id: {"name", "muscles", "direction", "max_current_uA",
                             "current_source", "notes",
                             "right": {"outline", "strokes", "label_point"},
                             "left": {...}}}}

    "right" and "left" are the client's sides; the client's right is drawn on the
    left of the picture (x < 100).
    """
    return copy.deepcopy(face_geometry())

"""The face and zone geometry of ``data/zones.yaml``, checked and mirrored.

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

from ..core.errors import ReferenceDataError
from ..core.paths import data_dir
from ..core.safe_yaml import YamlProblem, read_yaml_file

__all__ = ["MIDLINE", "Point", "face_geometry", "zone_geometry"]

MIDLINE = 100

Point = list[float]


# ---------------------------------------------------------------------------
# Reading and checking zones.yaml


def _points(value: Any, where: str, minimum: int) -> list[Point]:
    if not isinstance(value, list) or len(value) < minimum:
        raise ReferenceDataError(
            f"zones.yaml {where}: expected a list of at least {minimum} [x, y] points"
        )
    points = []
    for point in value:
        if (
            not isinstance(point, list)
            or len(point) != 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point)
        ):
            raise ReferenceDataError(f"zones.yaml {where}: {point!r} is not an [x, y] point")
        points.append([point[0], point[1]])
    return points


def _right_half(points: list[Point], where: str) -> list[Point]:
    for x, _ in points:
        if x > MIDLINE:
            raise ReferenceDataError(
                f"zones.yaml {where}: x = {x} lies on the client's left; "
                f"draw the client's right half only (x <= {MIDLINE})"
            )
    return points


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


@cache
def _load(path: Path, mtime_ns: int) -> dict[str, Any]:
    """Parse and mirror zones.yaml; cached until the file changes."""
    del mtime_ns  # part of the cache key only
    try:
        raw = read_yaml_file(path).data
    except YamlProblem as problem:
        raise ReferenceDataError(f"{path}: cannot read the zones ({problem})") from None
    if not isinstance(raw, dict):
        raise ReferenceDataError(f"{path}: expected a mapping with canvas, face and zones")
    canvas = raw.get("canvas") or {}
    face = raw.get("face") or {}
    if not isinstance(canvas, dict) or not isinstance(face, dict):
        raise ReferenceDataError(f"{path}: canvas and face must be mappings")
    features = {}
    for name, line in (face.get("features") or {}).items():
        right = _right_half(_points(line, f"face.features.{name}", 2), f"face.features.{name}")
        features[str(name)] = {"right": right, "left": _mirror(right)}
    midline = {
        str(name): _points(line, f"face.midline_features.{name}", 2)
        for name, line in (face.get("midline_features") or {}).items()
    }
    outline = _points(face.get("outline"), "face.outline", 3)
    lines = [half for pair in features.values() for half in (pair["right"], pair["left"])]
    lines.extend(midline.values())
    zones: dict[str, Any] = {}
    entries = raw.get("zones")
    if not isinstance(entries, list):
        raise ReferenceDataError(f"{path}: zones must be a list")
    for index, entry in enumerate(entries):
        where = f"zones[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise ReferenceDataError(f"{path} {where}: each zone needs an id")
        zone_id = entry["id"]
        where = f"zones[{index}] ({zone_id})"
        right_outline = _right_half(_points(entry.get("outline"), f"{where}.outline", 3), where)
        strokes = entry.get("strokes")
        if not isinstance(strokes, list) or not strokes:
            raise ReferenceDataError(f"{path} {where}: strokes must be a list of polylines")
        right_strokes = [
            _right_half(_points(stroke, f"{where}.strokes", 2), f"{where}.strokes")
            for stroke in strokes
        ]
        label = _label_point(right_outline, right_strokes)
        zones[zone_id] = {
            "name": str(entry.get("name", zone_id)),
            "muscles": [str(m) for m in entry.get("muscles") or []],
            "direction": str(entry.get("direction", "")),
            "max_current_uA": entry.get("max_current_uA"),
            "current_source": str(entry.get("current_source", "")),
            "notes": str(entry.get("notes") or ""),
            "right": {
                "outline": right_outline,
                "strokes": right_strokes,
                "label_point": label,
            },
            "left": {
                "outline": _mirror(right_outline),
                "strokes": [_mirror(stroke) for stroke in right_strokes],
                "label_point": _mirror([label])[0],
            },
        }
    return {
        "canvas": {
            "width": canvas.get("width", 200),
            "height": canvas.get("height", 260),
            "midline_x": MIDLINE,
        },
        "face": {
            "outline": outline,
            "features": features,
            "midline_features": midline,
            "lines": lines,
        },
        "zones": zones,
    }


def face_geometry() -> dict[str, Any]:
    """The face and zone geometry, mirrored and cached (do not change it: see zone_geometry)."""
    path = data_dir() / "zones.yaml"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as error:
        raise ReferenceDataError(f"{path}: cannot read the zones ({error.strerror})") from None
    return _load(path, mtime)


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

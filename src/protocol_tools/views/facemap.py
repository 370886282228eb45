"""The schematic face every picture uses, drawn from ``data/zones.yaml``.

The geometry is written once, for the client's right half (the left of the
picture, x < 100); this module mirrors it for the client's left half. Two views::

    >>> geometry = zone_geometry()
    >>> geometry["zones"]["jawline"]["left"]["outline"][0]
    [101, 207]
    >>> svg = face_map_svg([("jawline", "left")], title="Jawline, client's left")
    >>> svg.startswith("<svg")
    True

:func:`zone_geometry` gives plain lists and dicts for the JavaScript timer and the
PDF sheet; :func:`face_map_svg` gives a standalone, accessible SVG picture.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ..core.errors import ReferenceDataError
from ..core.safe_yaml import YamlProblem, read_yaml_file
from ..reference.data import data_dir
from . import palette

__all__ = ["SIDES", "face_map_svg", "zone_geometry"]

SIDES = ("left", "right", "both")
MIDLINE = 100

# Colours: grey context, a strong warm fill for highlighted halves. A highlight is
# never colour alone: it is also hatched and bordered with a thick dashed line, so
# it survives black-and-white printing and colour blindness.
_FACE_INK = palette.FACE_INK
_ZONE_INK = palette.ZONE_INK
_HIGHLIGHT_FILL = palette.HIGHLIGHT_FILL
_HIGHLIGHT_INK = palette.HIGHLIGHT_INK
_ARROW_INK = palette.ACCENT
_LABEL_INK = palette.INK

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


def _geometry() -> dict[str, Any]:
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
    return copy.deepcopy(_geometry())


# ---------------------------------------------------------------------------
# Drawing


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _path_points(points: list[Point]) -> str:
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)


def _halves(side: str) -> tuple[str, ...]:
    if side not in SIDES:
        raise ValueError(f"side must be one of {', '.join(SIDES)}, not {side!r}")
    return ("right", "left") if side == "both" else (side,)


def _check_zone(zones: dict[str, Any], zone_id: str) -> None:
    if zone_id not in zones:
        raise ValueError(f"unknown zone {zone_id!r}; known zones: {', '.join(zones)}")


def _side_words(half: str) -> str:
    return f"client's {half}"


def face_map_svg(
    highlight: Iterable[tuple[str, str]] | None = None,
    *,
    numbered: Iterable[tuple[int | str, str, str]] | None = None,
    title: str | None = None,
    width: int | float | None = None,
) -> str:
    """A standalone SVG picture of the face with its zones.

    ``highlight``: ``(zone_id, side)`` pairs, side ``left``, ``right`` or ``both``
    (the client's side). Those halves are filled, hatched, given a thick dashed
    border and their stroke arrows.
    ``numbered``: ``(number, zone_id, side)`` triples; a circled number sits on each
    named half (both halves for ``both``), e.g. the treatment order on a sheet.
    ``title``: the picture's accessible title (escaped; it may come from a user).
    ``width``: the width in pixels (the height follows); by default the SVG scales
    to its container.
    """
    geometry = _geometry()
    zones = geometry["zones"]
    canvas_w = geometry["canvas"]["width"]
    canvas_h = geometry["canvas"]["height"]

    lit: list[tuple[str, str]] = []
    for zone_id, side in highlight or ():
        _check_zone(zones, zone_id)
        for half in _halves(side):
            if (zone_id, half) not in lit:
                lit.append((zone_id, half))
    labels: list[tuple[str, str, str]] = []
    for number, zone_id, side in numbered or ():
        _check_zone(zones, zone_id)
        labels.extend((str(number), zone_id, half) for half in _halves(side))

    if title is None:
        if lit:
            parts = [f"{zones[z]['name']} ({_side_words(h)})" for z, h in lit]
            title = "Face map highlighting " + ", ".join(parts)
        else:
            title = "Face map of the treatment zones"
    description = "Schematic face seen from the front: the client's right side is on the left."
    if labels:
        order = ", ".join(f"{n}: {zones[z]['name']} ({_side_words(h)})" for n, z, h in labels)
        description += " Numbered zones: " + order + "."

    # ids stay unique when several pictures share one page (a notebook), and the
    # same picture always gets the same ids.
    key = repr((lit, labels, title, width)).encode("utf-8")
    uid = "fm" + hashlib.sha256(key).hexdigest()[:10]

    size = ""
    if width is not None:
        if isinstance(width, bool) or not isinstance(width, int | float) or width <= 0:
            raise ValueError(f"width must be a positive number, not {width!r}")
        size = f' width="{_fmt(width)}" height="{_fmt(width * canvas_h / canvas_w)}"'

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_fmt(canvas_w)} {_fmt(canvas_h)}"'
        f'{size} role="img" aria-label={quoteattr(title)} aria-describedby="{uid}-desc"'
        ' font-family="Helvetica, Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<desc id="{uid}-desc">{escape(description)}</desc>',
        "<defs>",
        f'<pattern id="{uid}-hatch" width="4" height="4" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">'
        f'<line x1="0" y1="0" x2="0" y2="4" stroke="{_HIGHLIGHT_INK}" stroke-width="1.1"/>'
        "</pattern>",
        f'<marker id="{uid}-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="4.5"'
        ' markerHeight="4.5" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{_ARROW_INK}"/></marker>',
        "</defs>",
        f'<rect x="0" y="0" width="{_fmt(canvas_w)}" height="{_fmt(canvas_h)}" fill="#ffffff"/>',
    ]

    face = geometry["face"]
    out.append(
        f'<g class="face" fill="none" stroke="{_FACE_INK}" stroke-width="1.1"'
        ' stroke-linejoin="round" stroke-linecap="round">'
    )
    out.append(f'<polygon points="{_path_points(face["outline"])}" fill="{palette.FACE_FILL}"/>')
    out.extend(f'<polyline points="{_path_points(line)}"/>' for line in face["lines"])
    out.append("</g>")

    out.append(
        f'<g class="zones" fill="none" stroke="{_ZONE_INK}" stroke-width="0.6"'
        ' stroke-linejoin="round">'
    )
    for zone_id, zone in zones.items():
        for half in ("right", "left"):
            out.append(
                f'<polygon data-zone={quoteattr(zone_id)} data-side="{half}"'
                f' points="{_path_points(zone[half]["outline"])}"/>'
            )
    out.append("</g>")

    if lit:
        out.append('<g class="highlight" stroke-linejoin="round">')
        for zone_id, half in lit:
            points = _path_points(zones[zone_id][half]["outline"])
            attrs = f'data-zone={quoteattr(zone_id)} data-side="{half}"'
            out.append(
                f'<polygon {attrs} points="{points}" fill="{_HIGHLIGHT_FILL}" fill-opacity="0.85"/>'
            )
            out.append(
                f'<polygon {attrs} points="{points}" fill="url(#{uid}-hatch)"'
                f' stroke="{_HIGHLIGHT_INK}" stroke-width="1.8" stroke-dasharray="4 2.2"/>'
            )
        out.append("</g>")
        out.append(
            f'<g class="strokes" fill="none" stroke="{_ARROW_INK}" stroke-width="1.5"'
            ' stroke-linecap="round" stroke-linejoin="round">'
        )
        for zone_id, half in lit:
            for stroke in zones[zone_id][half]["strokes"]:
                out.append(
                    f'<polyline data-zone={quoteattr(zone_id)} data-side="{half}"'
                    f' points="{_path_points(stroke)}" marker-end="url(#{uid}-arrow)"/>'
                )
        out.append("</g>")

    if labels:
        out.append('<g class="labels" text-anchor="middle">')
        for number, zone_id, half in labels:
            cx, cy = zones[zone_id][half]["label_point"]
            radius = 5.5 if len(number) < 3 else 7
            out.append(
                f'<g data-zone={quoteattr(zone_id)} data-side="{half}">'
                f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(radius)}" fill="#ffffff"'
                f' stroke="{_LABEL_INK}" stroke-width="1"/>'
                f'<text x="{_fmt(cx)}" y="{_fmt(cy + 2.6)}" font-size="7.5" font-weight="bold"'
                f' fill="{_LABEL_INK}">{escape(number)}</text></g>'
            )
        out.append("</g>")

    base = canvas_h - 5
    out.append(
        f'<g class="sides" font-size="8.5" fill="{_LABEL_INK}" text-anchor="middle">'
        f'<text x="{_fmt(canvas_w * 0.25)}" y="{_fmt(base)}">client\'s right</text>'
        f'<text x="{_fmt(canvas_w * 0.75)}" y="{_fmt(base)}">client\'s left</text>'
        "</g>"
    )
    out.append("</svg>")
    return "\n".join(out)

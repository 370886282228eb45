"""The schematic face every picture uses, drawn from ``data/zones.yaml``.

The geometry comes from :mod:`protocol_tools.reference.geometry`::

    >>> svg = face_map_svg([("jawline", "left")], title="Jawline, client's left")
    >>> svg.startswith("<svg")
    True

:func:`face_map_svg` gives a standalone, accessible SVG picture; the JavaScript
timer and the PDF sheet draw from :func:`~protocol_tools.reference.geometry.zone_geometry`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ..reference.geometry import Point, face_geometry
from . import palette

__all__ = ["SIDES", "face_map_svg"]

SIDES = ("left", "right", "both")

# Colours: grey context, a strong warm fill for highlighted halves. A highlight is
# never colour alone: it is also hatched and bordered with a thick dashed line, so
# it survives black-and-white printing and colour blindness.
_FACE_INK = palette.FACE_INK
_ZONE_INK = palette.ZONE_INK
_HIGHLIGHT_FILL = palette.HIGHLIGHT_FILL
_HIGHLIGHT_INK = palette.HIGHLIGHT_INK
_ARROW_INK = palette.ACCENT
_LABEL_INK = palette.INK


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
    geometry = face_geometry()
    zones = geometry["zones"]
    lit = _lit_halves(zones, highlight)
    labels = _numbered_halves(zones, numbered)
    title = title if title is not None else _default_title(zones, lit)
    # ids stay unique when several pictures share one page (a notebook), and the
    # same picture always gets the same ids.
    key = repr((lit, labels, title, width)).encode("utf-8")
    uid = "fm" + hashlib.sha256(key).hexdigest()[:10]
    layers = [
        _opening(geometry["canvas"], uid, title, _description(zones, labels), width),
        _face_layer(geometry["face"]),
        _zones_layer(zones),
        _highlight_layer(zones, lit, uid),
        _labels_layer(zones, labels),
        _sides_layer(geometry["canvas"]),
        ["</svg>"],
    ]
    return "\n".join(line for layer in layers for line in layer)


def _lit_halves(zones: dict[str, Any], highlight: Iterable[tuple[str, str]] | None) -> list:
    lit: list[tuple[str, str]] = []
    for zone_id, side in highlight or ():
        _check_zone(zones, zone_id)
        for half in _halves(side):
            if (zone_id, half) not in lit:
                lit.append((zone_id, half))
    return lit


def _numbered_halves(
    zones: dict[str, Any], numbered: Iterable[tuple[int | str, str, str]] | None
) -> list[tuple[str, str, str]]:
    labels: list[tuple[str, str, str]] = []
    for number, zone_id, side in numbered or ():
        _check_zone(zones, zone_id)
        labels.extend((str(number), zone_id, half) for half in _halves(side))
    return labels


def _default_title(zones: dict[str, Any], lit: list[tuple[str, str]]) -> str:
    if not lit:
        return "Face map of the treatment zones"
    parts = [f"{zones[z]['name']} ({_side_words(h)})" for z, h in lit]
    return "Face map highlighting " + ", ".join(parts)


def _description(zones: dict[str, Any], labels: list[tuple[str, str, str]]) -> str:
    description = "Schematic face seen from the front: the client's right side is on the left."
    if labels:
        order = ", ".join(f"{n}: {zones[z]['name']} ({_side_words(h)})" for n, z, h in labels)
        description += " Numbered zones: " + order + "."
    return description


def _opening(
    canvas: dict[str, Any], uid: str, title: str, description: str, width: float | None
) -> list[str]:
    """The <svg> element, its accessible title and description, and the shared defs."""
    canvas_w, canvas_h = canvas["width"], canvas["height"]
    size = ""
    if width is not None:
        if isinstance(width, bool) or not isinstance(width, int | float) or width <= 0:
            raise ValueError(f"width must be a positive number, not {width!r}")
        size = f' width="{_fmt(width)}" height="{_fmt(width * canvas_h / canvas_w)}"'
    return [
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
        f'<rect x="0" y="0" width="{_fmt(canvas_w)}" height="{_fmt(canvas_h)}"'
        f' fill="{palette.PAPER}"/>',
    ]


def _face_layer(face: dict[str, Any]) -> list[str]:
    return [
        f'<g class="face" fill="none" stroke="{_FACE_INK}" stroke-width="1.1"'
        ' stroke-linejoin="round" stroke-linecap="round">',
        f'<polygon points="{_path_points(face["outline"])}" fill="{palette.FACE_FILL}"/>',
        *(f'<polyline points="{_path_points(line)}"/>' for line in face["lines"]),
        "</g>",
    ]


def _zones_layer(zones: dict[str, Any]) -> list[str]:
    return [
        f'<g class="zones" fill="none" stroke="{_ZONE_INK}" stroke-width="0.6"'
        ' stroke-linejoin="round">',
        *(
            f'<polygon data-zone={quoteattr(zone_id)} data-side="{half}"'
            f' points="{_path_points(zone[half]["outline"])}"/>'
            for zone_id, zone in zones.items()
            for half in ("right", "left")
        ),
        "</g>",
    ]


def _highlight_layer(zones: dict[str, Any], lit: list[tuple[str, str]], uid: str) -> list[str]:
    """Lit halves: filled, hatched and dashed (never colour alone), with their strokes."""
    if not lit:
        return []
    out = ['<g class="highlight" stroke-linejoin="round">']
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
    return out


def _labels_layer(zones: dict[str, Any], labels: list[tuple[str, str, str]]) -> list[str]:
    if not labels:
        return []
    out = ['<g class="labels" text-anchor="middle">']
    for number, zone_id, half in labels:
        cx, cy = zones[zone_id][half]["label_point"]
        radius = 5.5 if len(number) < 3 else 7
        out.append(
            f'<g data-zone={quoteattr(zone_id)} data-side="{half}">'
            f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{_fmt(radius)}" fill="{palette.PAPER}"'
            f' stroke="{_LABEL_INK}" stroke-width="1"/>'
            f'<text x="{_fmt(cx)}" y="{_fmt(cy + 2.6)}" font-size="7.5" font-weight="bold"'
            f' fill="{_LABEL_INK}">{escape(number)}</text></g>'
        )
    out.append("</g>")
    return out


def _sides_layer(canvas: dict[str, Any]) -> list[str]:
    canvas_w, base = canvas["width"], canvas["height"] - 5
    return [
        f'<g class="sides" font-size="8.5" fill="{_LABEL_INK}" text-anchor="middle">'
        f'<text x="{_fmt(canvas_w * 0.25)}" y="{_fmt(base)}">client\'s right</text>'
        f'<text x="{_fmt(canvas_w * 0.75)}" y="{_fmt(base)}">client\'s left</text>'
        "</g>"
    ]

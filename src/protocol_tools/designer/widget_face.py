"""The face map with the treatment path, as a plotly figure (a view).

The figure's traces and arrows are gathered as plain dicts and handed to plotly in
one go, without its check of every property (:func:`~protocol_tools.views.charts.plain_figure`):
the designer draws this map again on every edit of a zone or side.
"""

from __future__ import annotations

import html
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ..protocols.model import Protocol
from ..reference.data import reference
from ..reference.geometry import face_geometry
from ..views.charts import ACTION_COLOUR, plain_figure, zone_colours
from ..views.palette import ACCENT, FACE_FILL, FACE_INK, INK, PAPER, ZONE_INK
from .path import Stop, path_stops

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["face_path_figure"]

_FACE_FILL = FACE_FILL
_FACE_INK = FACE_INK
_ZONE_INK = ZONE_INK
_PATH_INK = ACCENT
# A dict a trace is made of, and one arrow or label of the layout.
Trace = dict[str, Any]
Note = dict[str, Any]


def face_path_figure(protocol: Protocol) -> go.Figure:
    """The face map with the treatment path: numbered stops joined by arrows.

    Drawn from :func:`protocol_tools.zone_geometry` (the one geometry source).
    Each stop carries its step number and the zone's name on hover, so the path
    never depends on colour alone.
    """
    geometry = face_geometry()  # read only, never changed here
    stops = path_stops(protocol)
    traces = _face(geometry) + _zones(geometry, {zone for _, zone, _, _ in stops})
    notes: list[Note] = []
    if stops:
        path, arrows = _path(stops)
        traces += [path, _stops(stops)]
        notes += arrows
    width, height = geometry["canvas"]["width"], geometry["canvas"]["height"]
    notes += [
        {"x": width * 0.25, "y": height - 4, "text": "client's right", "showarrow": False},
        {"x": width * 0.75, "y": height - 4, "text": "client's left", "showarrow": False},
    ]
    layout = {
        "annotations": notes,
        "title": {"text": "Treatment path (numbers = step order)"},
        "xaxis": {"visible": False, "range": [0, width]},
        "yaxis": {"visible": False, "range": [height, 0], "scaleanchor": "x"},
        "height": 520,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
    }
    return plain_figure(traces, layout)


def _closed(points: list[list[float]]) -> tuple[list[float], list[float]]:
    ring = [*points, points[0]]
    return [p[0] for p in ring], [p[1] for p in ring]


def _face(geometry: dict[str, Any]) -> list[Trace]:
    """The face's outline, filled, and its feature lines."""
    x, y = _closed(geometry["face"]["outline"])
    outline = {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "fill": "toself",
        "fillcolor": _FACE_FILL,
        "line": {"color": _FACE_INK, "width": 1},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    lines = [
        {
            "type": "scatter",
            "x": [p[0] for p in line],
            "y": [p[1] for p in line],
            "mode": "lines",
            "line": {"color": _FACE_INK, "width": 1},
            "hoverinfo": "skip",
            "showlegend": False,
        }
        for line in geometry["face"]["lines"]
    ]
    return [outline, *lines]


def _zones(geometry: dict[str, Any], used: set[str]) -> list[Trace]:
    """Every zone's two halves: in the zone's colour when the path visits it, else dotted."""
    colours = zone_colours()
    traces = []
    for zone_id, zone in geometry["zones"].items():
        on_path = zone_id in used
        for half in ("right", "left"):
            x, y = _closed(zone[half]["outline"])
            traces.append(
                {
                    "type": "scatter",
                    "x": x,
                    "y": y,
                    "mode": "lines",
                    "line": {
                        "color": colours.get(zone_id, _ZONE_INK) if on_path else _ZONE_INK,
                        "width": 1.5 if on_path else 0.8,
                        "dash": "solid" if on_path else "dot",
                    },
                    "hovertemplate": (
                        f"{html.escape(zone['name'])} (client's {half})<extra></extra>"
                    ),
                    "showlegend": False,
                }
            )
    return traces


def _path(stops: list[Stop]) -> tuple[Trace, list[Note]]:
    """The dashed path from stop to stop, and an arrow into each next stop."""
    path = {
        "type": "scatter",
        "x": [s[3][0] for s in stops],
        "y": [s[3][1] for s in stops],
        "mode": "lines",
        "line": {"color": _PATH_INK, "width": 1.5, "dash": "dash"},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    arrows = [
        {
            "x": end[0],
            "y": end[1],
            "ax": start[0],
            "ay": start[1],
            "xref": "x",
            "yref": "y",
            "axref": "x",
            "ayref": "y",
            "showarrow": True,
            "arrowhead": 3,
            "arrowsize": 1.2,
            "arrowwidth": 1.5,
            "arrowcolor": _PATH_INK,
            "standoff": 9,
            "startstandoff": 9,
            "text": "",
        }
        for (_, _, _, start), (_, _, _, end) in pairwise(stops)
        if start != end
    ]
    return path, arrows


def _stops(stops: list[Stop]) -> Trace:
    """A numbered ring at each stop, named on hover."""
    colours = zone_colours()
    names = reference().zones
    return {
        "type": "scatter",
        "x": [s[3][0] for s in stops],
        "y": [s[3][1] for s in stops],
        "mode": "markers+text",
        "marker": {
            "size": 20,
            "color": PAPER,
            "line": {"width": 3, "color": [colours.get(s[1], ACTION_COLOUR) for s in stops]},
        },
        "text": [str(s[0]) for s in stops],
        "textfont": {"size": 11, "color": INK},
        "customdata": [[names[s[1]].name if s[1] in names else s[1], s[2]] for s in stops],
        "hovertemplate": "Step %{text}: %{customdata[0]} (client's %{customdata[1]})"
        "<extra></extra>",
        "showlegend": False,
    }

"""The face map with the treatment path, as a plotly figure (a view)."""

from __future__ import annotations

import html
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from ..protocols.model import Protocol
from ..reference.data import reference
from ..reference.geometry import zone_geometry
from ..views.charts import ACTION_COLOUR, zone_colours
from ..views.palette import ACCENT, FACE_FILL, FACE_INK, INK, PAPER, ZONE_INK
from .path import Stop, path_stops

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["face_path_figure"]

_FACE_FILL = FACE_FILL
_FACE_INK = FACE_INK
_ZONE_INK = ZONE_INK
_PATH_INK = ACCENT


def face_path_figure(protocol: Protocol) -> go.Figure:
    """The face map with the treatment path: numbered stops joined by arrows.

    Drawn from :func:`protocol_tools.zone_geometry` (the one geometry source).
    Each stop carries its step number and the zone's name on hover, so the path
    never depends on colour alone.
    """
    import plotly.graph_objects as go

    geometry = zone_geometry()
    stops = path_stops(protocol)
    figure = go.Figure()
    _draw_face(figure, geometry)
    _draw_zones(figure, geometry, {zone for _, zone, _, _ in stops})
    if stops:
        _draw_path(figure, stops)
        _draw_stops(figure, stops)
    width, height = geometry["canvas"]["width"], geometry["canvas"]["height"]
    figure.add_annotation(x=width * 0.25, y=height - 4, text="client's right", showarrow=False)
    figure.add_annotation(x=width * 0.75, y=height - 4, text="client's left", showarrow=False)
    figure.update_layout(
        title="Treatment path (numbers = step order)",
        xaxis={"visible": False, "range": [0, width]},
        yaxis={"visible": False, "range": [height, 0], "scaleanchor": "x"},
        height=520,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        template="plotly_white",
    )
    return figure


def _draw_face(figure: go.Figure, geometry: dict[str, Any]) -> None:
    """The face's outline, filled, and its feature lines."""
    import plotly.graph_objects as go

    outline = geometry["face"]["outline"]
    figure.add_trace(
        go.Scatter(
            x=[p[0] for p in [*outline, outline[0]]],
            y=[p[1] for p in [*outline, outline[0]]],
            mode="lines",
            fill="toself",
            fillcolor=_FACE_FILL,
            line={"color": _FACE_INK, "width": 1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for line in geometry["face"]["lines"]:
        figure.add_trace(
            go.Scatter(
                x=[p[0] for p in line],
                y=[p[1] for p in line],
                mode="lines",
                line={"color": _FACE_INK, "width": 1},
                hoverinfo="skip",
                showlegend=False,
            )
        )


def _draw_zones(figure: go.Figure, geometry: dict[str, Any], used: set[str]) -> None:
    """Every zone's two halves: in the zone's colour when the path visits it, else dotted."""
    import plotly.graph_objects as go

    colours = zone_colours()
    for zone_id, zone in geometry["zones"].items():
        for half in ("right", "left"):
            points = zone[half]["outline"]
            figure.add_trace(
                go.Scatter(
                    x=[p[0] for p in [*points, points[0]]],
                    y=[p[1] for p in [*points, points[0]]],
                    mode="lines",
                    line={
                        "color": colours.get(zone_id, _ZONE_INK) if zone_id in used else _ZONE_INK,
                        "width": 1.5 if zone_id in used else 0.8,
                        "dash": "solid" if zone_id in used else "dot",
                    },
                    hovertemplate=f"{html.escape(zone['name'])} (client's {half})<extra></extra>",
                    showlegend=False,
                )
            )


def _draw_path(figure: go.Figure, stops: list[Stop]) -> None:
    """The dashed path from stop to stop, with an arrow into each next stop."""
    import plotly.graph_objects as go

    figure.add_trace(
        go.Scatter(
            x=[s[3][0] for s in stops],
            y=[s[3][1] for s in stops],
            mode="lines",
            line={"color": _PATH_INK, "width": 1.5, "dash": "dash"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for (_, _, _, start), (_, _, _, end) in pairwise(stops):
        if start != end:
            figure.add_annotation(
                x=end[0],
                y=end[1],
                ax=start[0],
                ay=start[1],
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=3,
                arrowsize=1.2,
                arrowwidth=1.5,
                arrowcolor=_PATH_INK,
                standoff=9,
                startstandoff=9,
                text="",
            )


def _draw_stops(figure: go.Figure, stops: list[Stop]) -> None:
    """A numbered ring at each stop, named on hover."""
    import plotly.graph_objects as go

    colours = zone_colours()
    names = reference().zones
    figure.add_trace(
        go.Scatter(
            x=[s[3][0] for s in stops],
            y=[s[3][1] for s in stops],
            mode="markers+text",
            marker={
                "size": 20,
                "color": PAPER,
                "line": {
                    "width": 3,
                    "color": [colours.get(s[1], ACTION_COLOUR) for s in stops],
                },
            },
            text=[str(s[0]) for s in stops],
            textfont={"size": 11, "color": INK},
            customdata=[[names[s[1]].name if s[1] in names else s[1], s[2]] for s in stops],
            hovertemplate="Step %{text}: %{customdata[0]} (client's %{customdata[1]})"
            "<extra></extra>",
            showlegend=False,
        )
    )

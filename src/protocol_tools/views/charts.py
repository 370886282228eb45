"""Plotly charts: a protocol's timeline and time per zone; a client's currents and comfort.

Colour is never the only signal: every bar carries its zone and side as text, and
every zone's line in a client's charts has its own marker and dash too.
Plotly reads HTML tags in titles, labels and text, and ``%{…}`` in hover
templates, so every string from a protocol is HTML-escaped, and hover text
reaches the template only through ``customdata`` (never substituted twice).

    >>> from protocol_tools import load_protocol, timeline_figure
    >>> figure = timeline_figure(load_protocol("protocols/express-10.yaml"))  # doctest: +SKIP
    >>> figure.show()  # doctest: +SKIP
"""

from __future__ import annotations

import html
import json
from functools import cache
from typing import TYPE_CHECKING, Any

from ..reference.data import reference
from . import palette

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import plotly.graph_objects as go

    from ..protocols.model import Protocol
    from ..records.page_data import ZoneSeries

__all__ = [
    "ACTION_COLOUR",
    "comfort_figure",
    "current_figure",
    "figure_output",
    "plain_figure",
    "timeline_figure",
    "zone_colours",
    "zone_line_styles",
    "zone_time_figure",
]

_PALETTE = palette.SERIES
ACTION_COLOUR = palette.ACTION


def zone_colours() -> dict[str, str]:
    """A colour per zone id, stable in the order of data/zones.yaml."""
    return {zone: _PALETTE[index % len(_PALETTE)] for index, zone in enumerate(reference().zones)}


def figure_output(figure: go.Figure) -> dict:
    """A figure as one output of an ``ipywidgets.Output``: ``out.outputs = (figure_output(f),)``.

    Built by hand because plotly's own display hooks write to the running cell, not
    to the widget, when called from a widget callback (and do nothing without a kernel).
    """
    return {
        "output_type": "display_data",
        "data": {
            "application/vnd.plotly.v1+json": json.loads(figure.to_json()),
            "text/plain": f"<plotly figure: {figure.layout.title.text or 'untitled'}>",
        },
        "metadata": {},
    }


def plain_figure(data: Sequence[Mapping[str, Any]], layout: Mapping[str, Any]) -> go.Figure:
    """A figure from plain dicts (``{"type": "bar", …}``), on plotly's white look.

    Made without plotly's check of every property: the check costs 10–30 ms a
    figure (the white template alone is 9 ms), which the designer would pay on every
    edit. The dicts must therefore be what plotly itself would make of them (a
    title as ``{"text": …}``, not a bare string): tests/views/test_charts.py remakes
    each figure with the check on and finds it unchanged.
    """
    import plotly.graph_objects as go

    layout = {"template": json.loads(_white_template()), **layout}
    return go.Figure(data=list(data), layout=layout, _validate=False)


@cache
def _white_template() -> str:
    """plotly_white as JSON: each figure gets a copy of its own to change."""
    import plotly.io as pio

    return json.dumps(pio.templates["plotly_white"].to_plotly_json())


def _side_label(side: str | None) -> str:
    return {"left": "L", "right": "R", "both": "L+R"}.get(side or "", "")


def _safe(text: object) -> str:
    """User text as plotly shows it literally: no tags, no ``%{…}`` placeholders."""
    # quote=False: plotly decodes &lt; &gt; &amp; but shows &quot; as written.
    return html.escape(str(text), quote=False)


_STEP_HOVER = "Step %{customdata[0]}: %{customdata[1]}<br>%{customdata[2]}<br>%{customdata[3]}"


def timeline_figure(protocol: Protocol) -> go.Figure:
    """Steps over minutes, one bar per step, labelled with zone and side."""
    colours = zone_colours()
    entries = protocol.timeline()
    bars: list[dict[str, Any]] = []
    shown_legend: set[str] = set()
    for entry in entries:
        if entry.kind == "treatment":
            group = entry.zone_name
            label = _safe(f"{entry.zone_name} {_side_label(entry.side)}".strip())
            colour = colours.get(entry.zone or "", ACTION_COLOUR)
            detail = _safe(
                f"{entry.technique}, {entry.passes or '–'} passes, {entry.current_uA or '–'} µA"
            )
        else:
            group = "Prep and closing"
            label = _safe(entry.kind.capitalize())
            colour = ACTION_COLOUR
            detail = _safe(entry.action or "")
        bars.append(
            {
                "type": "bar",
                "x": [entry.seconds / 60],
                "base": [entry.start_s / 60],
                "y": [f"{entry.step}. {label}"],
                "orientation": "h",
                "marker": {"color": colour, "line": {"color": palette.INK, "width": 1}},
                "text": [label],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "name": _safe(group),
                "legendgroup": group,
                "showlegend": group not in shown_legend,
                "customdata": [
                    [
                        entry.step,
                        label,
                        detail,
                        f"{entry.start_s / 60:.2f}–{entry.end_s / 60:.2f} min",
                    ]
                ],
                "hovertemplate": f"{_STEP_HOVER}<extra></extra>",
            }
        )
        shown_legend.add(group)
    minutes = protocol.device_seconds / 60
    return plain_figure(
        bars,
        {
            "title": {"text": f"{_safe(protocol.name)} — {minutes:.1f} min of device time"},
            "xaxis": {"title": {"text": "minutes from the start"}},
            "yaxis": {"autorange": "reversed", "title": {"text": ""}},
            "barmode": "overlay",
            "height": max(320, 26 * len(entries) + 120),
            "margin": {"l": 10, "r": 10, "t": 60, "b": 40},
            "legend": {"title": {"text": "Zone"}},
        },
    )


def zone_time_figure(protocol: Protocol) -> go.Figure:
    """Device minutes per zone, split by side, labelled with the minutes."""
    ref = reference()
    per_side: dict[str, dict[str, float]] = {}
    for (zone, side), seconds in protocol.zone_seconds().items():
        per_side.setdefault(side, {})[zone] = seconds / 60
    zones = list(dict.fromkeys(zone for zone, _ in protocol.zone_seconds()))
    names = [_safe(ref.zones[z].name if z in ref.zones else z) for z in zones]
    patterns = {"left": "/", "right": "\\", "both": ""}
    bars = []
    for side in ("right", "left", "both"):
        if side not in per_side:
            continue
        values = [per_side[side].get(zone, 0) for zone in zones]
        bars.append(
            {
                "type": "bar",
                "x": names,
                "y": values,
                "name": f"client's {side}" if side != "both" else "both sides",
                "text": [f"{v:.1f}" if v else "" for v in values],
                "textposition": "outside",
                "marker": {"pattern": {"shape": patterns[side]}},
            }
        )
    return plain_figure(
        bars,
        {
            "title": {"text": "Device minutes per zone and side"},
            "yaxis": {"title": {"text": "minutes"}},
            "barmode": "group",
            "height": 360,
        },
    )


# Lines of a client's charts: each zone its own marker and dash, beside its colour.
_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")
_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def zone_line_styles(zones: Sequence[str]) -> dict[str, dict[str, str]]:
    """``{zone: {"color", "symbol", "dash"}}`` for ``zones``, stable per zone id (the
    order of data/zones.yaml; a zone it no longer has comes after)."""
    known = list(reference().zones)
    extra = [zone for zone in zones if zone not in known]
    styles = {}
    for zone in zones:
        index = known.index(zone) if zone in known else len(known) + extra.index(zone)
        styles[zone] = {
            "color": _PALETTE[index % len(_PALETTE)],
            "symbol": _SYMBOLS[index % len(_SYMBOLS)],
            "dash": _DASHES[index % len(_DASHES)],
        }
    return styles


# One hover box per visit lists every zone (lines that coincide stay readable).
_POINT_HOVER = "%{customdata[0]}: %{customdata[1]}<extra></extra>"


def _zone_lines(series: Sequence[ZoneSeries]) -> go.Figure:
    """A figure with one line per zone: markers and lines, legend by zone name."""
    import plotly.graph_objects as go

    styles = zone_line_styles([s.zone for s in series])
    figure = go.Figure()
    for line in series:
        style = styles[line.zone]
        name = _safe(line.name)
        figure.add_trace(
            go.Scatter(
                x=line.dates,
                y=line.values,
                mode="lines+markers",
                name=name,
                line={"color": style["color"], "dash": style["dash"], "width": 2},
                marker={"symbol": style["symbol"], "size": 10, "color": style["color"]},
                customdata=[[name, _safe(detail)] for detail in line.details],
                hovertemplate=_POINT_HOVER,
            )
        )
    figure.update_layout(
        xaxis={
            "title": "visit date",
            "type": "date",
            "tickformat": "%Y-%m-%d",
            "hoverformat": "%Y-%m-%d",
        },
        hovermode="x unified",
        legend_title_text="Zone",
        template="plotly_white",
        height=380,
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
    )
    return figure


def current_figure(series: Sequence[ZoneSeries]) -> go.Figure:
    """The current used per zone across a client's sessions
    (``records.page_data.current_series``)."""
    figure = _zone_lines(series)
    figure.update_layout(
        title="Current used per zone, visit by visit", yaxis={"title": "µA", "rangemode": "tozero"}
    )
    return figure


def comfort_figure(series: Sequence[ZoneSeries], scale: Sequence[str]) -> go.Figure:
    """How each zone felt across a client's sessions (``records.page_data.comfort_series``);
    the y axis reads ``scale`` (the comfort answers in words, mildest at the bottom)."""
    figure = _zone_lines(series)
    labels = [_safe(words) for words in scale]
    figure.update_layout(
        title="Comfort per zone, visit by visit (the strongest answer of the visit)",
        yaxis={
            "title": "",
            "tickmode": "array",
            "tickvals": list(range(len(labels))),
            "ticktext": labels,
            "range": [-0.4, len(labels) - 0.6],
            "automargin": True,
        },
    )
    return figure

"""Plotly charts of treatment plans: a client's plan as a calendar, adherence at a
glance, and clinic against home over a period.

Colour never carries a status alone: each status has its own marker shape (hollow
where a visit was planned, filled where one was made), its words in the legend and
the hover box, and bars carry their numbers as text and a hatch per kind. Strings
reach plotly HTML-escaped, and hover text only through ``customdata``.

    >>> figure = cost_figure([{"option": "Clinic only", "clinic_sessions": 23,
    ...     "home_sessions": 0, "cost": {"min": 4600, "max": 11500}, "currency": "USD"}])
    >>> [trace.name for trace in figure.data]
    ['Lowest cost', 'Highest cost', 'Clinic sessions', 'Home sessions']
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..series.tables import STATUS_MARKS, counts_sentence, money, status_words
from . import palette

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "MADE_TRACE",
    "STATUS_SYMBOLS",
    "TODAY_LABEL",
    "adherence_figure",
    "cost_figure",
    "plan_calendar_figure",
]

# Each status's marker shape: "-open" where the visit was planned, filled where made.
STATUS_SYMBOLS = {
    "early": "triangle-left",
    "on time": "circle",
    "late": "triangle-right",
    "missed": "x",
    "due": "diamond",
    "upcoming": "square",
}
MADE_TRACE = "Visit made (filled marker)"
MOVED_TRACE = "Made on another day than planned"
TODAY_LABEL = "Today"
_HOVER = "%{customdata[0]}<extra></extra>"


def _safe(text: object) -> str:
    return html.escape(str(text), quote=False)


def _hover(slot: Mapping[str, Any], noun: str) -> str:
    status = status_words(slot["status"])
    lines = [
        f"{noun.capitalize()} {slot['number']} · {slot['phase']}",
        f"Planned {slot['date']}, on time until {slot['late_after']}",
        f"{status} (made {slot['made']})" if slot["made"] else status,
    ]
    return "<br>".join(_safe(line) for line in lines)


def _status_traces(slots: Sequence[Mapping[str, Any]], noun: str) -> list[go.Scatter]:
    """A trace per status present: hollow markers at the planned dates."""
    import plotly.graph_objects as go

    traces = []
    for status, (_, words) in STATUS_MARKS.items():
        chosen = [slot for slot in slots if slot["status"] == status]
        if not chosen:
            continue
        colour = palette.PLAN_STATUS_INK[status]
        traces.append(
            go.Scatter(
                x=[slot["date"] for slot in chosen],
                y=[_safe(slot["phase"]) for slot in chosen],
                mode="markers",
                name=words,
                marker={
                    "symbol": f"{STATUS_SYMBOLS[status]}-open",
                    "size": 13,
                    "color": colour,
                    "line": {"width": 2, "color": colour},
                },
                customdata=[[_hover(slot, noun)] for slot in chosen],
                hovertemplate=_HOVER,
            )
        )
    return traces


def _made_traces(slots: Sequence[Mapping[str, Any]], noun: str) -> list[go.Scatter]:
    """Filled markers where visits were made, and a dotted line back to the planned
    date when one was made on another day."""
    import plotly.graph_objects as go

    made = [slot for slot in slots if slot["made"]]
    if not made:
        return []
    moved_x: list[str | None] = []
    moved_y: list[str | None] = []
    for slot in made:
        if slot["made"] != slot["date"]:
            moved_x += [slot["date"], slot["made"], None]
            moved_y += [_safe(slot["phase"])] * 2 + [None]
    traces = []
    if moved_x:
        traces.append(
            go.Scatter(
                x=moved_x,
                y=moved_y,
                mode="lines",
                name=MOVED_TRACE,
                line={"color": palette.QUIET_INK, "dash": "dot", "width": 1.5},
                hoverinfo="skip",
            )
        )
    traces.append(
        go.Scatter(
            x=[slot["made"] for slot in made],
            y=[_safe(slot["phase"]) for slot in made],
            mode="markers",
            name=MADE_TRACE,
            marker={
                "symbol": [STATUS_SYMBOLS[slot["status"]] for slot in made],
                "size": 10,
                "color": [palette.PLAN_STATUS_INK[slot["status"]] for slot in made],
                "line": {"width": 1, "color": palette.INK},
            },
            customdata=[[_hover(slot, noun)] for slot in made],
            hovertemplate=_HOVER,
        )
    )
    return traces


def plan_calendar_figure(
    plan: Mapping[str, Any], today: dt.date, *, noun: str = "visit"
) -> go.Figure:
    """A client's plan (one entry of ``series.adherence.client_adherence``) on a
    calendar: dates across, the plan's phases down, today marked."""
    import plotly.graph_objects as go

    slots = plan["slots"]
    phases = list(dict.fromkeys(_safe(slot["phase"]) for slot in slots))
    figure = go.Figure([*_status_traces(slots, noun), *_made_traces(slots, noun)])
    figure.add_vline(
        x=today.isoformat(),
        line={"color": palette.ACCENT, "width": 2, "dash": "dash"},
    )
    figure.add_annotation(
        x=today.isoformat(),
        y=1,
        yref="paper",
        text=f"{TODAY_LABEL}, {today.isoformat()}",
        showarrow=False,
        yanchor="bottom",
        font={"color": palette.ACCENT},
    )
    figure.update_layout(
        title=f"{_safe(plan['name'])}: planned and made",
        xaxis={
            "title": "date",
            "type": "date",
            "tickformat": "%d %b %Y",
            "hoverformat": "%Y-%m-%d",
        },
        yaxis={
            "title": "",
            "categoryorder": "array",
            "categoryarray": list(reversed(phases)),
            "automargin": True,
        },
        legend={"orientation": "h", "y": -0.25, "title": {"text": ""}},
        template="plotly_white",
        height=max(300, 70 * len(phases) + 220),
        margin={"l": 10, "r": 10, "t": 70, "b": 40},
    )
    return figure


def adherence_figure(summary: Mapping[str, Any], *, noun: str = "visits") -> go.Figure:
    """The plan's dates by status so far: one bar each, its count and words on it."""
    import plotly.graph_objects as go

    counts = summary["counts"]
    statuses = [status for status in STATUS_MARKS if counts.get(status)]
    labels = [status_words(status) for status in statuses]
    figure = go.Figure(
        go.Bar(
            x=[counts[status] for status in statuses],
            y=labels,
            orientation="h",
            text=[str(counts[status]) for status in statuses],
            textposition="outside",
            marker={
                "color": [palette.PLAN_STATUS_INK[status] for status in statuses],
                "line": {"color": palette.INK, "width": 1},
            },
            name=noun.capitalize(),
            customdata=[
                [_safe(f"{label}: {counts[status]}")]
                for label, status in zip(labels, statuses, strict=True)
            ],
            hovertemplate=_HOVER,
        )
    )
    figure.update_layout(
        title=_safe(counts_sentence(summary)) or f"No {noun} yet",
        xaxis={"title": noun, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True},
        template="plotly_white",
        height=60 + 34 * max(len(statuses), 1) + 60,
        # Room for the longest status words: the axis says what each bar is.
        margin={"l": 150, "r": 30, "t": 50, "b": 40},
        showlegend=False,
    )
    return figure


def cost_figure(rows: Sequence[Mapping[str, Any]]) -> go.Figure:
    """``series.costs.compare_costs`` side by side: cost (lowest and highest) and
    sessions (clinic and home) per option, each bar labelled with its number."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    options = [_safe(row["option"]) for row in rows]
    currency = rows[0]["currency"] if rows else ""
    figure = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=(f"Cost ({_safe(currency)})", "Sessions"),
        horizontal_spacing=0.12,
    )
    bars = (
        ("Lowest cost", [row["cost"]["min"] for row in rows], 1, "", palette.SERIES[0]),
        ("Highest cost", [row["cost"]["max"] for row in rows], 1, "/", palette.SERIES[1]),
        ("Clinic sessions", [row["clinic_sessions"] for row in rows], 2, "", palette.SERIES[2]),
        ("Home sessions", [row["home_sessions"] for row in rows], 2, "x", palette.SERIES[3]),
    )
    for name, values, column, hatch, colour in bars:
        text = [money(v, currency) if column == 1 else str(v) for v in values]
        figure.add_trace(
            go.Bar(
                x=options,
                y=values,
                name=name,
                text=text,
                textposition="outside",
                marker={
                    "color": colour,
                    "pattern": {"shape": hatch, "fgcolor": palette.INK},
                    "line": {"color": palette.INK, "width": 1},
                },
                customdata=[
                    [_safe(f"{option}, {name.lower()}: {shown}")]
                    for option, shown in zip(options, text, strict=True)
                ],
                hovertemplate=_HOVER,
            ),
            row=1,
            col=column,
        )
    figure.update_layout(
        barmode="group",
        template="plotly_white",
        height=420,
        legend={"orientation": "h", "y": -0.2},
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
    )
    figure.update_yaxes(rangemode="tozero", automargin=True)
    return figure

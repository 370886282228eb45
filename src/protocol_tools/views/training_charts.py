"""Plotly charts of a class: quiz score by topic, screening practice, rehearsals and
observed treatments, one row a trainee.

Colour never carries a number alone: every cell of the score grid prints its
percentage, every bar its count or share (and the bars of one chart differ by
hatch too), and hover text says it again in words. Topics appear by their lessons'
titles. Trainee codes reach plotly HTML-escaped, and hover text only through
``customdata``.

    >>> from protocol_tools.records.training import TraineeWork
    >>> from protocol_tools.training.dashboard import class_summary
    >>> figure = screening_figure(class_summary([TraineeWork("trainee-01")]))
    >>> list(figure.data[0].text)
    ['no cases yet']
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..training.checklist import checklist
from ..training.scoring import quiz_topics, topic_title
from . import palette

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..training.dashboard import TraineeSummary

__all__ = ["practice_figure", "screening_figure", "topic_scores_figure"]

_HOVER = "%{customdata[0]}<extra></extra>"
_ROW_PX = 26  # height of one trainee's row
NOT_ASKED = "not asked"
# The score grid's fill: light to darker, every step light enough for dark numbers.
_SCALE = [[0.0, palette.PAPER], [0.5, palette.WARNING_FILL], [1.0, palette.DONE_FILL]]


def _safe(text: object) -> str:
    return html.escape(str(text), quote=False)


def _height(rows: int, extra: int = 170) -> int:
    return max(260, _ROW_PX * rows + extra)


def _trainee_axis(summaries: Sequence[TraineeSummary]) -> dict:
    """The trainees down the side, first at the top, every code shown."""
    return {
        "autorange": "reversed",
        "automargin": True,
        "type": "category",
        "tickmode": "array",
        "tickvals": [_safe(s.code) for s in summaries],
        "title": "",
    }


def topic_scores_figure(summaries: Sequence[TraineeSummary]) -> go.Figure:
    """A grid of % right per topic (across) and trainee (down), over every attempt;
    each cell prints its number, an empty cell says "not asked"."""
    import plotly.graph_objects as go

    known = quiz_topics()  # read once, not per cell
    asked = {topic for s in summaries for topic in s.topics}
    order = [t for t in known if t in asked] + sorted(asked - set(known))
    words = [known[t] if t in known else topic_title(t) for t in order]
    codes = [_safe(s.code) for s in summaries]
    z = [[s.topics.get(topic) for topic in order] for s in summaries]
    text = [[NOT_ASKED if v is None else f"{v}%" for v in row] for row in z]
    hover = [
        [[_safe(f"{s.code}, {title}: {cell}")] for title, cell in zip(words, row, strict=True)]
        for s, row in zip(summaries, text, strict=True)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=[_safe(title) for title in words],
            y=codes,
            text=text,
            texttemplate="%{text}",
            textfont={"color": palette.INK},
            zmin=0,
            zmax=100,
            colorscale=_SCALE,
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": "% right"}, "ticksuffix": "%"},
            customdata=hover,
            hovertemplate=_HOVER,
            name="Quiz score by topic",
        )
    )
    figure.update_layout(
        title="Quiz score by topic (% right over every attempt)",
        xaxis={"side": "top", "tickangle": -30, "automargin": True, "title": ""},
        yaxis=_trainee_axis(summaries),
        plot_bgcolor=palette.BACKDROP,
        template="plotly_white",
        height=_height(len(summaries), 230),
        margin={"l": 10, "r": 10, "t": 150, "b": 20},
    )
    return figure


def screening_figure(summaries: Sequence[TraineeSummary]) -> go.Figure:
    """Screening practice per trainee: the share decided right, with the count."""
    import plotly.graph_objects as go

    rule = checklist().readiness
    shares, labels = [], []
    for s in summaries:
        ready = s.readiness
        if ready.screening_accuracy is None:
            shares.append(0)
            labels.append("no cases yet")
            continue
        share = round(100 * ready.screening_accuracy)
        right = round(ready.screening_accuracy * ready.screening_cases)
        shares.append(share)
        labels.append(f"{share}% ({right} of {ready.screening_cases})")
    codes = [_safe(s.code) for s in summaries]
    figure = go.Figure(
        go.Bar(
            x=shares,
            y=codes,
            orientation="h",
            text=labels,
            textposition="outside",
            cliponaxis=False,
            marker={"color": palette.SERIES[0], "line": {"color": palette.INK, "width": 1}},
            customdata=[
                [_safe(f"{code}: {label}")]
                for code, label in zip((s.code for s in summaries), labels, strict=True)
            ],
            hovertemplate=_HOVER,
            name="Screening cases right",
        )
    )
    target = round(100 * rule.screening_accuracy)
    figure.add_vline(x=target, line={"color": palette.QUIET_INK, "dash": "dash", "width": 1.5})
    figure.add_annotation(
        x=target,
        y=1,
        yref="paper",
        text=f"{target}% needed (of at least {rule.screening_cases} cases)",
        showarrow=False,
        yanchor="bottom",
        font={"color": palette.QUIET_INK},
    )
    figure.update_layout(
        title="Screening practice: cases decided right",
        xaxis={
            "title": "% right",
            "range": [0, 130],  # room for the labels beside a full bar
            "ticksuffix": "%",
            "tickvals": [0, 25, 50, 75, 100],
        },
        yaxis=_trainee_axis(summaries),
        template="plotly_white",
        height=_height(len(summaries)),
        margin={"l": 10, "r": 10, "t": 80, "b": 40},
        showlegend=False,
    )
    return figure


def _count_bar(
    summaries: Sequence[TraineeSummary], name: str, values: list[int], hatch: str, colour: str
) -> go.Bar:
    """One count per trainee as a horizontal bar, its number printed beside it."""
    import plotly.graph_objects as go

    return go.Bar(
        x=values,
        y=[_safe(s.code) for s in summaries],
        orientation="h",
        name=name,
        text=[str(value) for value in values],
        textposition="outside",
        cliponaxis=False,
        marker={
            "color": colour,
            "pattern": {"shape": hatch, "fgcolor": palette.INK},
            "line": {"color": palette.INK, "width": 1},
        },
        customdata=[
            [_safe(f"{s.code}, {name.lower()}: {value}")]
            for s, value in zip(summaries, values, strict=True)
        ],
        hovertemplate=_HOVER,
    )


def practice_figure(summaries: Sequence[TraineeSummary]) -> go.Figure:
    """Rehearsals finished (left) and observed treatments (right) per trainee, each bar
    labelled with its count: those with every criterion met (plain) beside those
    with a criterion not met (hatched)."""
    from plotly.subplots import make_subplots

    training = checklist()
    figure = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.06,
        subplot_titles=(
            f"Rehearsals finished<br>({training.readiness.rehearsals} before assessment)",
            f"Observed treatments<br>({training.qualification.observed_treatments} "
            "with every criterion met to sign off)",
        ),
    )
    complete = [s.progress.complete for s in summaries]
    others = [s.progress.observed - s.progress.complete for s in summaries]
    bars = (
        ("Rehearsals finished", [s.readiness.rehearsals for s in summaries], 1, "", 2),
        ("Observed, every criterion met", complete, 2, "", 0),
        ("Observed, a criterion not met", others, 2, "/", 1),
    )
    for name, values, column, hatch, colour in bars:
        bar = _count_bar(summaries, name, values, hatch, palette.SERIES[colour])
        figure.add_trace(bar, row=1, col=column)
    figure.update_layout(
        barmode="group",
        template="plotly_white",
        height=_height(len(summaries), 220),
        # Below the axes whatever the class's size: pinned to the figure's bottom edge.
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        margin={"l": 10, "r": 30, "t": 90, "b": 70},
    )
    figure.update_xaxes(rangemode="tozero", tick0=0, dtick=1)
    figure.update_yaxes(_trainee_axis(summaries), row=1, col=1)
    return figure

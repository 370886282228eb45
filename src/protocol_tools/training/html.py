"""Lessons and protocol steps as HTML for the training pages (plain strings, no widgets)."""

from __future__ import annotations

import html

from ..core.text import number
from ..protocols.model import TimelineEntry
from ..reference.data import reference
from ..views import palette
from .content import INCLUDES, Lesson

__all__ = ["lesson_html", "step_html"]


def lesson_html(lesson: Lesson) -> str:
    """A lesson as HTML: title, paragraphs, lists from data, key points, source."""
    esc = html.escape
    paragraphs = "".join(
        f"<p>{esc(' '.join(block.split()))}</p>" for block in lesson.text.split("\n\n")
    )
    lists = ""
    for name in lesson.includes:
        heading, items = INCLUDES[name]()
        rows = "".join(
            f"<li>{f'<strong>{esc(label)}:</strong> ' if label else ''}{esc(text)}</li>"
            for label, text in items
        )
        lists += f"<h4>{esc(heading)}</h4><ul>{rows}</ul>"
    points = "".join(f"<li>{esc(point)}</li>" for point in lesson.key_points)
    return (
        f"<article class='pt-lesson' style='max-width:46rem;line-height:1.5'>"
        f"<h3>{esc(lesson.title)}</h3>{paragraphs}{lists}"
        f"<div class='pt-key-points' "
        f"style='border-left:4px solid {palette.ACCENT};padding-left:0.8em'>"
        f"<h4>Key points</h4><ul>{points}</ul></div>"
        f"<p class='pt-source'><strong>Source:</strong> {esc(lesson.source)}</p></article>"
    )


def _row(label: str, value: str) -> str:
    return f"<tr><th scope='row'>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"


def step_html(entry: TimelineEntry) -> str:
    """What a practitioner needs at one step, in words (no timer)."""
    ref = reference()
    seconds = f"{number(entry.seconds)} s"
    if entry.kind != "treatment":
        when = "Before the device work" if entry.kind == "prep" else "After the device work"
        rows = [("Stage", when), ("Do", entry.action or ""), ("Time", seconds)]
    else:
        zone = ref.zones.get(entry.zone or "")
        technique = ref.techniques.get(entry.technique or "")
        if entry.hold_seconds:
            seconds += f", holding {number(entry.hold_seconds)} s at each hold"
        current = f"{number(entry.current_uA)} µA" if entry.current_uA else "not set"
        if zone:
            current += f" (this zone's limit: {number(zone.max_current_uA)} µA)"
        rows = [
            ("Zone", entry.zone_name),
            ("Side", "both sides" if entry.side == "both" else f"client's {entry.side}"),
            ("Technique", f"{technique.name}: {technique.description}" if technique else "—"),
            ("Direction", entry.direction or "—"),
            ("Passes", number(entry.passes) if entry.passes else "—"),
            ("Time", seconds),
            ("Current", current),
            ("Why this zone", f"It works on {', '.join(zone.muscles)}." if zone else "—"),
        ]
        if zone and zone.notes:
            rows.append(("Take care", zone.notes))
    if entry.cue:
        rows.append(("Cue", entry.cue))
    gel = "<p class='pt-rewet'>💧 <strong>Mist or re-apply the gel first.</strong></p>"
    table = "".join(_row(label, value) for label, value in rows)
    return (
        (gel if entry.rewet_gel else "")
        + "<table class='pt-step' style='border-collapse:collapse;line-height:1.45'>"
        + f"{table}</table>"
        + "<style>.pt-step th{text-align:left;vertical-align:top;padding:0.2em 1em 0.2em 0}</style>"
    )

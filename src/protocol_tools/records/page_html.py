"""The client page's tables as HTML: plain strings, every cell escaped.

>>> record = {"client": "C-0042", "display_name": "<b>Zoë</b>", "visits": [], "sheets": []}
>>> "Zoë" in summary_html(record, show_name=False)
False
>>> "&lt;b&gt;Zoë&lt;/b&gt;" in summary_html(record, show_name=True)
True
>>> "No visits recorded" in visits_table_html(record)
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from ..views.palette import BACKDROP, INK, OUTCOME_INK, QUIET_INK, RULE
from .page_data import adjustment_rows, sheet_rows, visit_rows

__all__ = [
    "adjustments_table_html",
    "sheets_html",
    "summary_html",
    "table_html",
    "visits_table_html",
]

_CELL = f"border:1px solid {RULE};padding:4px 8px;text-align:left;vertical-align:top"
_NOWRAP = ";white-space:nowrap"  # a date reads as one
_VISIT_COLUMNS = (
    ("date", "Date"),
    ("protocol", "Protocol"),
    ("outcome", "Screening"),
    ("session", "Session"),
    ("kind", "Client visit or practice"),
    ("planned", "Minutes planned"),
    ("done", "Minutes done"),
    ("comfort", "Comfort (answers)"),
    ("adjustments", "Adjustments"),
)
_ADJUSTMENT_COLUMNS = (
    ("date", "Date"),
    ("step", "Step"),
    ("zone", "Zone and side"),
    ("change", "Current planned → used"),
    ("skipped", "Skipped"),
    ("note", "Note"),
)


def table_html(
    caption: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Mapping[str, str]],
    *,
    empty: str,
    css_class: str = "",
    inks: Sequence[Mapping[str, str]] = (),
) -> str:
    """A table with a caption and column headings; ``empty`` (a sentence) when no rows.

    ``inks``: per row, ``{column: colour}`` for a cell whose words carry a meaning
    its colour only repeats (a palette colour, never user text).
    """
    if not rows:
        return f'<p class="pt-empty" style="color:{QUIET_INK}">{html.escape(empty)}</p>'
    head = "".join(
        f'<th scope="col" style="{_CELL};background:{BACKDROP}">{html.escape(title)}</th>'
        for _, title in columns
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td style="{_CELL}{_NOWRAP if key == "date" else ""}{_ink(inks, index, key)}">'
            f"{html.escape(str(row[key]))}</td>"
            for key, _ in columns
        )
        + "</tr>"
        for index, row in enumerate(rows)
    )
    return (
        f'<table class="{html.escape(css_class, quote=True)}" '
        f'style="border-collapse:collapse;color:{INK};margin:0.4em 0">'
        f'<caption style="text-align:left;font-weight:bold;padding:4px 0">'
        f"{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _ink(inks: Sequence[Mapping[str, str]], index: int, key: str) -> str:
    colour = inks[index].get(key) if index < len(inks) else None
    return f";color:{html.escape(colour, quote=True)}" if colour else ""


def summary_html(record: Mapping[str, Any], *, show_name: bool) -> str:
    """The client's code, the name only when asked for, the counts and the next visit."""
    visits = record["visits"]
    real = [v for v in visits if not v.get("practice") and v.get("status") != "screened"]
    parts = [f"<h3>Client {html.escape(record['client'])}</h3>"]
    if show_name:
        name = record.get("display_name")
        parts.append(
            f"<p><strong>Name:</strong> {html.escape(name)}</p>"
            if name
            else "<p>No name is kept for this client: the record knows the code only.</p>"
        )
    practice = len(visits) - len(real)
    parts.append(
        f"<p>{len(real)} client session{'s' if len(real) != 1 else ''} recorded"
        + (f", and {practice} practice run or screening" if practice == 1 else "")
        + (f", and {practice} practice runs or screenings" if practice > 1 else "")
        + ".</p>"
    )
    return "".join(parts)


def visits_table_html(record: Mapping[str, Any]) -> str:
    """Every visit, newest first (outcome in icon and words, practice in words)."""
    # The outcome's ink repeats its icon and words; it never stands alone.
    inks = [{"outcome": OUTCOME_INK.get(v.get("outcome") or "", INK)} for v in record["visits"]]
    return table_html(
        "Visits, newest first",
        _VISIT_COLUMNS,
        visit_rows(record),
        empty="No visits recorded for this client yet.",
        css_class="pt-visits",
        inks=inks,
    )


def adjustments_table_html(record: Mapping[str, Any]) -> str:
    """Each step turned up or down, skipped or given a note, newest visit first."""
    return table_html(
        "Adjustments over time, newest first",
        _ADJUSTMENT_COLUMNS,
        adjustment_rows(record),
        empty="No adjustments: every step ran at its planned current, none skipped.",
        css_class="pt-adjustments",
    )


def sheets_html(record: Mapping[str, Any]) -> str:
    """The sheets printed for the client, newest first."""
    rows = sheet_rows(record)
    if not rows:
        return f'<p style="color:{QUIET_INK}">No session sheets printed for this client yet.</p>'
    items = "".join(
        f"<li>{html.escape(row['file'])} — protocol {html.escape(row['protocol'])}, "
        f"printed {html.escape(row['printed'])}</li>"
        for row in rows
    )
    return f'<h4>Session sheets printed</h4><ul class="pt-sheets">{items}</ul>'

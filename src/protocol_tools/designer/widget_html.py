"""The designer's messages as HTML: the checks' summary, problems, a comparison.

Findings become HTML in :mod:`protocol_tools.views.html`.

Every user string is escaped; nothing depends on colour alone (an icon and a word).
"""

from __future__ import annotations

import html

from ..core.errors import ProtocolToolsError
from ..core.findings import Finding
from ..reference.data import reference
from ..views.html import alert_html, findings_html, severity_words
from ..views.palette import QUIET_INK
from .compare import ProtocolComparison, describe_step
from .store import SavedMeanwhileError

__all__ = [
    "comparison_html",
    "ok_html",
    "problem_html",
    "saved_meanwhile_words",
    "summary_html",
]


def summary_html(findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    if not findings:
        return alert_html("done", "Passes every check.")
    text = (
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    icon, _, _ = severity_words("error" if errors else "warning")
    hint = " — a protocol with errors can be saved only as a draft." if errors else ""
    return (
        f'<div role="status"><span aria-hidden="true">{icon}</span> '
        f"<strong>Checks: {text}</strong>{hint}</div>"
    )


def comparison_html(comparison: ProtocolComparison, old_label: str, new_label: str) -> str:
    """Two protocols side by side: each step's fate, then minutes per zone and side."""
    # Plain glyphs every font has (a full-width plus showed as an empty box).
    marks = {
        "added": ("+", "Added"),
        "removed": ("−", "Removed"),
        "changed": ("✎", "Changed"),
        "moved": ("↕", "Moved"),
        "same": ("=", "Same"),
    }
    rows = []
    for change in comparison.steps:
        icon, word = marks[change.status]
        left = (
            f"{change.old_index + 1}. {html.escape(describe_step(change.old))}"
            if change.old is not None
            else ""
        )
        right = (
            f"{change.new_index + 1}. {html.escape(describe_step(change.new))}"
            if change.new is not None
            else ""
        )
        detail = ""
        if change.fields:
            detail = (
                "<br><small>"
                + "; ".join(
                    f"{html.escape(name)}: {html.escape(old)} → {html.escape(new)}"
                    for name, old, new in change.field_changes()
                )
                + "</small>"
            )
        style = f"color:{QUIET_INK}" if change.status == "same" else ""
        rows.append(
            f'<tr style="{style}"><td>{left}</td><td><span aria-hidden="true">{icon}'
            f"</span> {word}{detail}</td><td>{right}</td></tr>"
        )
    zones = reference().zones
    zone_rows = "".join(
        f"<tr><td>{html.escape(zones[row.zone].name if row.zone in zones else row.zone)}</td>"
        f"<td>{html.escape(row.side)}</td>"
        f"<td>{row.old_seconds / 60:.2f}</td><td>{row.new_seconds / 60:.2f}</td>"
        f"<td>{row.difference / 60:+.2f}</td></tr>"
        for row in comparison.zone_times()
    )
    a, b = html.escape(old_label), html.escape(new_label)
    table = 'border="1" cellpadding="4" style="border-collapse:collapse;margin-top:1em"'
    return (
        f"<p><strong>{html.escape(comparison.summary().capitalize())}</strong></p>"
        f"<table {table}><caption>Steps of A ({a}) and B ({b})</caption>"
        f"<thead><tr><th scope='col'>A: {a}</th><th scope='col'>Change</th>"
        f"<th scope='col'>B: {b}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<table {table}><caption>Device minutes per zone and side"
        f"</caption><thead><tr><th scope='col'>Zone</th><th scope='col'>Side</th>"
        f"<th scope='col'>A: {a}</th><th scope='col'>B: {b}</th>"
        f"<th scope='col'>Difference</th></tr></thead><tbody>{zone_rows}</tbody></table>"
    )


def saved_meanwhile_words(error: SavedMeanwhileError) -> str:
    """What happened and what to do next, for a practitioner (the draft is kept)."""
    if error.saved_version is None:
        what = f"someone else changed or removed {error.protocol_id}"
    else:
        what = f"someone else saved {error.protocol_id} version {error.saved_version}"
    return (
        f"Your version was not saved: {what} while you were editing. Your edits are "
        "still here. Press Compare (section 6) to see how they differ from the saved "
        "protocol. To build on the saved one, open it again (section 1) and redo your "
        "edits there; or keep yours apart by saving them as a new protocol."
    )


def ok_html(message: str) -> str:
    return alert_html("done", "", message)


def problem_html(message: str | ProtocolToolsError) -> str:
    """A problem in words; a file error lists its findings (steps counted from 1)."""
    text = str(message.args[0]) if isinstance(message, ProtocolToolsError) else str(message)
    findings = [f for f in getattr(message, "findings", ()) if f.message not in text]
    return alert_html("error", "Problem:", text, details_html=findings_html(findings))

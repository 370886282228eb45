"""The designer's messages as HTML: findings, the checks' summary, a comparison.

Every user string is escaped; nothing depends on colour alone (an icon and a word).
"""

from __future__ import annotations

import html

from ..core.errors import ProtocolToolsError
from ..core.findings import Finding
from ..reference.data import reference
from .compare import ProtocolComparison, describe_step
from .store import SavedMeanwhileError
from .values import field_words

__all__ = [
    "comparison_html",
    "findings_html",
    "ok_html",
    "problem_html",
    "saved_meanwhile_words",
    "summary_html",
]

_ICONS = {"error": "✖", "warning": "⚠"}
_INK = {"error": "#a40000", "warning": "#7a4d00"}


def findings_html(findings: list[Finding], *, in_row: bool = False) -> str:
    """Findings with an icon, the word Error/Warning, the message and the rule's why.

    Under a step's row the step number goes without saying: only the field is named.
    """
    items = []
    for finding in findings:
        where = field_words(finding)
        if in_row:
            where = ".".join(str(part) for part in finding.path[2:])
        subject = f"<strong>{html.escape(where)}</strong>: " if where else ""
        items.append(
            f'<div class="pt-finding pt-{finding.severity}" style="color:{_INK[finding.severity]};'
            f'margin:2px 0">'
            f'<span aria-hidden="true">{_ICONS[finding.severity]}</span> '
            f"<strong>{finding.severity.capitalize()}</strong> — {subject}"
            f"{html.escape(finding.message)} "
            f'<span style="color:#444">({html.escape(finding.code)})</span>'
            f'<div style="color:#333;font-size:0.9em;margin-left:1.4em">'
            f"{html.escape(finding.explanation)}</div></div>"
        )
    return "".join(items)


def summary_html(findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    if not findings:
        return (
            '<div role="status" style="color:#0a5c2f"><span aria-hidden="true">✔</span> '
            "<strong>Passes every check.</strong></div>"
        )
    text = (
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
    icon = _ICONS["error" if errors else "warning"]
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
        style = "color:#666" if change.status == "same" else ""
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
    return (
        f'<div role="status" style="color:#0a5c2f"><span aria-hidden="true">✔</span> '
        f"{html.escape(message)}</div>"
    )


def problem_html(message: str | ProtocolToolsError) -> str:
    """A problem in words; a file error lists its findings (steps counted from 1)."""
    lines = [str(message.args[0]) if isinstance(message, ProtocolToolsError) else str(message)]
    for finding in getattr(message, "findings", ()):
        if finding.message not in lines[0]:
            lines.append(f"{field_words(finding)}: {finding.message}")
    text = "<br>".join(html.escape(line) for line in lines)
    return (
        f'<div role="alert" style="color:#a40000"><span aria-hidden="true">✖</span> '
        f"<strong>Problem:</strong> {text}</div>"
    )

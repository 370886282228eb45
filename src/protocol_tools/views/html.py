"""Findings and message boxes as HTML: the one place a finding becomes markup.

Plain strings (no widget library), so every app may use them. Every user string is
escaped; a severity or a kind of message is an icon *and* a word, its colour (from
:mod:`~protocol_tools.views.palette`) only repeats it. Fields are named in people's
words with steps counted from 1, and the format's field names a message quotes read
as words too ("hold seconds", not ``hold_seconds``); a rule's code is never shown (it
rides along in a ``data-rule`` attribute, for tools and tests). The command line, for
people who edit the files, keeps the codes and the field names.

    >>> from protocol_tools.core.findings import Finding
    >>> finding = Finding("not-positive", "error", "must be more than 0", ("steps", 2, "seconds"))
    >>> shown = findings_html([finding])
    >>> "<strong>Error</strong> — step 3 seconds: must be more than 0" in shown
    True
    >>> plain_words("no current: set defaults.current_uA or this step's current_uA")
    "no current: set default current µA or this step's current µA"
    >>> 'role="alert"' in alert_html("error", "Error:", "no <file>")
    True
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import PurePath
from typing import Any, TypeVar

from ..core.errors import ProtocolToolsError
from ..core.findings import Finding, field_words, name_words
from .palette import DONE, ERROR, INK, NOTICE, QUIET_INK, WARNING

__all__ = [
    "ALERT_KINDS",
    "alert_html",
    "error_html",
    "findings_html",
    "opened_or_said",
    "plain_words",
    "severity_words",
]

# A finding's severity: icon (hidden from screen readers), word, ink.
_SEVERITIES = {"error": ("✖", "Error", ERROR), "warning": ("⚠", "Warning", WARNING)}
# A message box's kind: icon, ink, and its role (an error interrupts; the rest wait).
ALERT_KINDS = {
    "error": ("✖", ERROR, "alert"),
    "warning": ("⚠", WARNING, "status"),
    "done": ("✔", DONE, "status"),
    "note": ("ℹ", INK, "status"),
}


def severity_words(severity: str) -> tuple[str, str, str]:
    """``(icon, word, ink)`` for a finding's severity; an unknown one reads as a note."""
    known = _SEVERITIES.get(severity)
    return known if known is not None else ("ℹ", severity.capitalize() or "Note", NOTICE)


@cache
def _field_names() -> re.Pattern[str]:
    """The protocol format's field names a message may quote (``hold_seconds``,
    ``defaults.current_uA``): the model's names that are no plain word. A name in
    quotes is left alone: it is what to type in the file ("did you mean 'x'?")."""
    from ..protocols.model import Defaults, Protocol, Step

    names = {name for model in (Protocol, Step, Defaults) for name in model.model_fields}
    names = {name for name in names if "_" in name}
    names |= {f"defaults.{name}" for name in Defaults.model_fields}
    longest_first = sorted(names, key=len, reverse=True)
    return re.compile(rf"(?<![\w.'-])(?:{'|'.join(map(re.escape, longest_first))})(?![\w'-])")


def plain_words(message: str) -> str:
    """A finding's message for people: every field name of the format it quotes in words."""
    return _field_names().sub(lambda found: name_words(found.group()), message)


def _place(finding: Finding, place: str) -> str:
    """``(line 14)`` or ``(demo-lift.yaml, line 14)``, as far as it is known."""
    parts = []
    if place == "file" and finding.file:
        parts.append(PurePath(finding.file).name)
    if place in ("line", "file") and finding.line is not None:
        parts.append(f"line {finding.line}")
    if not parts:
        return ""
    return f' <span class="pt-finding-place">({html.escape(", ".join(parts))})</span>'


def findings_html(
    findings: Iterable[Finding],
    *,
    heading: str | None = None,
    within_step: bool = False,
    place: str = "",
) -> str:
    """Findings as a list: icon and word for the severity, where, what, and why.

    ``heading`` goes above the list; ``within_step``: the list sits under its step's
    row, so only the field is named; ``place``: "line" adds the file's line, "file"
    the file's name and line. No findings give "".
    """
    items = []
    for finding in findings:
        icon, word, ink = severity_words(finding.severity)
        where = field_words(finding, within_step=within_step) if finding.path else ""
        subject = f"{html.escape(where)}: " if where else ""
        what = html.escape(plain_words(finding.message))
        why = (
            f'<div class="pt-finding-why" style="color:{QUIET_INK};font-size:0.9em;'
            f'margin-left:1.4em">{html.escape(plain_words(finding.explanation))}</div>'
            if finding.explanation
            else ""
        )
        items.append(
            f'<li class="pt-finding pt-{html.escape(finding.severity, quote=True)}" '
            f'data-rule="{html.escape(finding.code, quote=True)}" '
            f'style="color:{ink};margin:2px 0"><span aria-hidden="true">{icon}</span> '
            f"<strong>{html.escape(word)}</strong> — {subject}{what}"
            f"{_place(finding, place)}{why}</li>"
        )
    if not items:
        return ""
    top = (
        f'<p class="pt-findings-heading"><strong>{html.escape(heading)}</strong></p>'
        if heading
        else ""
    )
    return (
        f'{top}<ul class="pt-findings" style="list-style:none;padding-left:0;margin:0.2em 0">'
        f"{''.join(items)}</ul>"
    )


def alert_html(kind: str, title: str, body: str = "", *, details_html: str = "") -> str:
    """A message box: ``kind`` is error, warning, done or note (icon, colour, role).

    ``title`` and ``body`` are text (escaped; a line break in ``body`` stays one);
    ``details_html`` is markup made here already (say, :func:`findings_html`).
    """
    if kind not in ALERT_KINDS:
        raise ValueError(f"alert kind {kind!r}: expected one of {', '.join(ALERT_KINDS)}")
    icon, ink, role = ALERT_KINDS[kind]
    parts = [f'<span aria-hidden="true">{icon}</span>']
    if title:
        parts.append(f"<strong>{html.escape(title)}</strong>")
    if body:
        parts.append(html.escape(body).replace("\n", "<br>"))
    return (
        f'<div class="pt-alert pt-alert-{kind}" role="{role}" style="color:{ink}">'
        f"{' '.join(parts)}{details_html}</div>"
    )


def error_html(error: Exception, title: str = "Error:", *, place: str = "line") -> str:
    """An error as a message box: its message, and a refused protocol's findings
    (``error.findings``) listed below it in people's words, never with rule codes."""
    findings = list(getattr(error, "findings", ()))
    text = str(error.args[0]) if findings and error.args else str(error)
    return alert_html("error", title, text, details_html=findings_html(findings, place=place))


_Opened = TypeVar("_Opened")


def opened_or_said(
    given: _Opened | None, open_it: Callable[[], _Opened], status: Any, controls: Iterable[Any]
) -> _Opened | None:
    """``given``, or what ``open_it`` opens (the record, for a page); when it cannot be
    opened, ``status`` says so in words and each of ``controls`` is disabled: None."""
    if given is not None:
        return given
    try:
        return open_it()
    except ProtocolToolsError as error:
        status.value = alert_html("error", "The record cannot be opened:", str(error))
        for control in controls:
            control.disabled = True
        return None

"""Small pieces of the guided-session app (:mod:`~protocol_tools.session.app`): the
speeds offered, the drafts note, the override controls, the prep boxes, the
practice banner's words.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import ipywidgets as widgets

from ..core.text import number
from ..protocols.loading import Library
from ..views.html import alert_html
from .gate import DOCTOR_NOTE_LABEL

__all__ = ["SPEEDS", "OverrideBox", "drafts_html", "practice_words", "prep_boxes"]

# Rehearsal speeds offered in the app; the timer accepts any speed up to its maximum.
SPEEDS = (("Real time", 1.0), ("Rehearsal: 10× faster", 10.0), ("Rehearsal: 60× faster", 60.0))
_LABELS = {"description_width": "initial"}


def drafts_html(library: Library) -> str:
    """The drafts not offered and the files that cannot be read, named."""
    parts = []
    if library.drafts:
        names = ", ".join(html.escape(f"{p.name} ({p.id})") for p in library.drafts.values())
        parts.append(
            f"<p><strong>Drafts, not offered:</strong> {names}. A draft cannot be run "
            "until it passes every check and its file says <code>status: ready</code>.</p>"
        )
    if library.problems:
        files = ", ".join(html.escape(Path(path).name) for path in library.problems)
        parts.append(f"<p><strong>Files that cannot be read:</strong> {files}.</p>")
    return "".join(parts)


class OverrideBox(widgets.VBox):
    """The override of a screening that refuses treatment today: the box to tick, the
    reason, and the doctor's-note box where the outcome needs the written clearance."""

    def __init__(self) -> None:
        self.override = widgets.Checkbox(
            description="Override the screening outcome: I take responsibility for treating today",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.reason = widgets.Textarea(
            description="Reason for the override",
            placeholder="e.g. written doctor's clearance seen on 2026-11-20",
            style=_LABELS,
            layout=widgets.Layout(width="40rem"),
        )
        self.doctor_note = widgets.Checkbox(
            description=DOCTOR_NOTE_LABEL,
            indent=False,
            layout=widgets.Layout(width="auto", display="none"),
        )
        self.note = widgets.HTML()
        super().__init__(
            [
                widgets.HTML("<h4>Override</h4>"),
                self.note,
                self.override,
                self.reason,
                self.doctor_note,
            ],
            layout=widgets.Layout(display="none"),
        )

    def show(self, rule: str | None) -> None:
        """Show what overriding takes (:func:`.gate.override_rule`); None hides the box."""
        self.layout.display = "none" if rule is None else "flex"
        never = rule == "never"
        for control in (self.override, self.reason):
            control.layout.display = "none" if never else "flex"
        self.doctor_note.layout.display = "flex" if rule == "reason and note" else "none"
        self.note.value = (
            alert_html(
                "error",
                "No session today:",
                "this outcome cannot be overridden for a client. Explain why and suggest "
                "another kind of treatment.",
            )
            if never
            else ""
        )

    def clear(self) -> None:
        self.override.value = False
        self.doctor_note.value = False
        self.reason.value = ""


def prep_boxes(checklist: Sequence[Mapping[str, str]]) -> dict[str, widgets.Checkbox]:
    """One box per prep item, by its id."""
    return {
        item["id"]: widgets.Checkbox(
            description=item["text"], indent=False, layout=widgets.Layout(width="auto")
        )
        for item in checklist
    }


def practice_words(speed: float, practice_client: str) -> str:
    """Why this run is practice, in words ("" for a client visit in real time).

    >>> practice_words(10.0, "")
    'a rehearsal at 10× speed'
    >>> practice_words(1.0, "")
    ''
    """
    why = []
    if practice_client:
        why.append("a synthetic practice client")
    if speed != 1:
        why.append(f"a rehearsal at {number(speed)}× speed")
    return " and ".join(why)

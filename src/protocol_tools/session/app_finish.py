"""The end of a guided session: planned against actual, comfort per step, the CSV log.

Part of the guided-session app (:mod:`~protocol_tools.session.app`): shown once
the timer has finished. The session is in the client record already (stored event
by event as it ran); here the practitioner adds how the client felt at each step,
and may export the log as CSV.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError
from ..records.store import comfort_levels
from ..views.html import alert_html
from .app_plan import PlanBox
from .app_visit import box_html
from .record import default_sessions_dir
from .timer import SessionTimer
from .visit import TABLE_STYLE

__all__ = ["FinishPanel", "summary_html"]

_LABELS = {"description_width": "initial"}
_NOT_ASKED = "Not asked"


def _heading(column: str) -> str:
    """A summary column's heading: ``planned_s`` is "Planned (s)"."""
    return column.removesuffix("_s").capitalize() + (" (s)" if column.endswith("_s") else "")


def summary_html(timer: SessionTimer) -> str:
    """Planned against actual seconds, per step, as a table."""
    frame = timer.summary().reset_index().rename(columns=_heading)
    table = frame.to_html(classes="pt-table pt-summary", border=0, na_rep="—", index=False)
    return TABLE_STYLE + "<style>.pt-summary td:nth-child(8){white-space:nowrap}</style>" + table


def _step_label(step: Mapping[str, Any]) -> str:
    side = f" ({step['side']})" if step.get("side") else ""
    return f"Step {step['step']}: {step.get('zone_name') or step.get('zone') or ''}{side}"


class FinishPanel(widgets.VBox):
    """Summary, comfort per treatment step (saved with ``on_comfort``), CSV export."""

    def __init__(self, sessions_dir: str | Path | None) -> None:
        self.summary = widgets.HTML()
        self.stored = widgets.HTML()
        self.comfort_boxes: dict[int, widgets.Dropdown] = {}
        self.comfort_area = widgets.VBox()
        self.comfort_button = widgets.Button(
            description="Save comfort",
            button_style="primary",
            tooltip="Store how the client felt at each step in the client's record",
            layout=widgets.Layout(width="14rem", height="2.6rem"),
        )
        self.comfort_message = widgets.HTML()
        self.folder = widgets.Text(
            value=str(sessions_dir or default_sessions_dir()),
            description="Save in folder",
            style=_LABELS,
            layout=widgets.Layout(width="40rem"),
        )
        self.save_button = widgets.Button(
            description="Save log as CSV",
            tooltip="Also write the session log (client code, no name) as a CSV file",
            layout=widgets.Layout(width="14rem", height="2.6rem"),
        )
        self.save_message = widgets.HTML()
        self.plan = PlanBox()
        super().__init__(
            [
                widgets.HTML("<h3>Summary: planned and actual time</h3>"),
                self.stored,
                self.summary,
                widgets.HTML(
                    "<h4>How did the client feel?</h4><p>One answer per step, as the client "
                    "tells you; the next visit starts from it.</p>"
                ),
                self.comfort_area,
                self.comfort_button,
                self.comfort_message,
                self.plan,
                widgets.HTML(
                    "<h4>Export (optional)</h4><p>The session is in the client record "
                    "already; a CSV copy is for a spreadsheet.</p>"
                ),
                self.folder,
                self.save_button,
                self.save_message,
            ],
            layout=widgets.Layout(display="none"),
        )
        self.add_class("pt-finish")

    def show(self, timer: SessionTimer, stored: str) -> None:
        """Show the finished session of ``timer``; ``stored`` says where it was stored
        (markup made already)."""
        self.summary.value = summary_html(timer)
        self.stored.value = stored
        self._comfort_controls(timer.steps)
        self.layout.display = "flex"

    def _comfort_controls(self, steps: Sequence[Mapping[str, Any]]) -> None:
        options = [(_NOT_ASKED, ""), *((words, key) for key, words in comfort_levels().items())]
        self.comfort_boxes = {
            step["step"]: widgets.Dropdown(
                options=options,
                value="",
                description=_step_label(step),
                style=_LABELS,
                layout=widgets.Layout(width="36rem"),
            )
            for step in steps
            if step["kind"] == "treatment"
        }
        self.comfort_area.children = tuple(self.comfort_boxes.values())
        self.comfort_message.value = ""

    def comfort(self) -> dict[int, str | None]:
        """``{step: comfort id}`` as chosen (None: not asked)."""
        return {step: box.value or None for step, box in self.comfort_boxes.items()}

    def on_comfort(self, save: Callable[[dict[int, str | None]], str | None]) -> None:
        """Call ``save(comfort)`` at "Save comfort"; it returns an error to show, or None."""

        def clicked(_button: object) -> None:
            problem = save(self.comfort())
            if problem:
                self.comfort_message.value = alert_html("error", "Comfort not stored:", problem)
            else:
                self.comfort_message.value = alert_html(
                    "done", "Comfort stored", "in the record with this session."
                )

        self.comfort_button.on_click(clicked)

    def save_log(self, timer: SessionTimer | None) -> Path | None:
        """Save the log as CSV in the chosen folder; show where, or what went wrong."""
        if timer is None:
            return None
        try:
            path = timer.save_log(self.folder.value.strip() or None)
        except ProtocolToolsError as error:
            self.save_message.value = box_html("Not saved: ", html.escape(str(error)), "stop")
            return None
        self.save_message.value = box_html("✔ Saved: ", html.escape(str(path)), "ok")
        return path

    def clear(self) -> None:
        """Nothing of the last session left: hidden, no summary, no comfort, no messages."""
        self.layout.display = "none"
        self.plan.clear()
        for widget in (self.summary, self.stored, self.comfort_message, self.save_message):
            widget.value = ""
        for box in self.comfort_boxes.values():
            box.close()
        self.comfort_boxes = {}
        self.comfort_area.children = ()

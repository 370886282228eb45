"""The designer's step table: one row of controls per step (a view)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..core.findings import Finding
from ..core.text import number
from ..reference.data import reference
from ..views.html import findings_html
from ..views.palette import RULE
from .values import KINDS, SIDES

__all__ = ["COLUMNS", "StepRow", "number_text", "parse_number", "step_table_header"]

# Column widths; the header and every row share them so the rows read as a table.
COLUMNS = (
    ("No.", "2.5rem"),
    ("Kind", "7rem"),
    ("Zone", "9.5rem"),
    ("Side", "5.5rem"),
    ("Technique", "8rem"),
    ("Passes", "4.5rem"),
    ("Seconds", "5rem"),
    ("Hold s", "4.5rem"),
    ("Current µA", "6.5rem"),
    ("Cue", "16rem"),
)
_WIDTH = dict(COLUMNS)
_HIDDEN_LABEL = {"description_width": "0px"}  # the column header is the visible label


def _cell(kind: type, column: str, **options: Any) -> widgets.Widget:
    return kind(
        layout=widgets.Layout(width=_WIDTH[column], margin="1px 2px"),
        style=_HIDDEN_LABEL,
        **options,
    )


def number_text(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value)
    return "" if value is None else str(value)


class StepRow(widgets.VBox):
    """The controls of one step; row ``index`` always shows step ``index``."""

    def __init__(
        self,
        index: int,
        on_edit: Callable[[int, str, Any], None],
        on_action: Callable[[str, int], None],
    ) -> None:
        self.index = index
        self.fields = self._build_fields(index + 1)
        self.syncing = False
        for name, control in self.fields.items():
            control.observe(self._relay(name, on_edit), names="value")
        self.buttons = self._build_buttons(index + 1, on_action)
        self.findings = widgets.HTML(layout=widgets.Layout(margin="0 0 0 2.7rem"))
        self.message = widgets.HTML()
        cells = widgets.HBox([self.number, *self.fields.values()])
        actions = widgets.HBox(
            [*self.buttons.values(), self.message], layout=widgets.Layout(margin="0 0 0 2.7rem")
        )
        super().__init__(
            [cells, actions, self.findings],
            layout=widgets.Layout(border_bottom=f"1px solid {RULE}", padding="4px 0"),
        )
        self.add_class("pt-step-row")

    def _build_fields(self, n: int) -> dict[str, widgets.Widget]:
        """The row's cells, by step field, in the order the header shows them."""
        ref = reference()
        self.number = widgets.HTML(
            f"<strong>{n}</strong>", layout=widgets.Layout(width=_WIDTH["No."], margin="4px 2px")
        )
        self.kind = _cell(
            widgets.Dropdown, "Kind", options=[(k, k) for k in KINDS], description=f"Step {n} kind"
        )
        self.zone = _cell(
            widgets.Dropdown,
            "Zone",
            options=[(zone.name, zone_id) for zone_id, zone in ref.zones.items()],
            description=f"Step {n} zone",
        )
        self.side = _cell(
            widgets.Dropdown, "Side", options=[(s, s) for s in SIDES], description=f"Step {n} side"
        )
        self.technique = _cell(
            widgets.Dropdown,
            "Technique",
            options=[(t.name, t_id) for t_id, t in ref.techniques.items()],
            description=f"Step {n} technique",
        )
        self.action = widgets.Text(
            description=f"Step {n} action",
            placeholder="What to do",
            continuous_update=False,
            style=_HIDDEN_LABEL,
            # as wide as the zone, side and technique cells it stands in for
            layout=widgets.Layout(width="calc(23rem + 8px)", margin="1px 2px"),
        )
        self._build_number_fields(n)
        return {
            "kind": self.kind,
            "zone": self.zone,
            "side": self.side,
            "technique": self.technique,
            "action": self.action,
            "passes": self.passes,
            "seconds": self.seconds,
            "hold_seconds": self.hold,
            "current_uA": self.current,
            "cue": self.cue,
        }

    def _build_number_fields(self, n: int) -> None:
        """The number cells and the cue."""
        self.passes = _cell(
            widgets.Text, "Passes", description=f"Step {n} passes", continuous_update=False
        )
        self.seconds = _cell(
            widgets.Text, "Seconds", description=f"Step {n} seconds", continuous_update=False
        )
        self.hold = _cell(
            widgets.Text, "Hold s", description=f"Step {n} hold seconds", continuous_update=False
        )
        self.current = _cell(
            widgets.Text, "Current µA", description=f"Step {n} current µA", continuous_update=False
        )
        self.cue = _cell(
            widgets.Text,
            "Cue",
            description=f"Step {n} cue",
            continuous_update=False,
            placeholder="Short cue (optional)",
        )

    def _build_buttons(
        self, n: int, on_action: Callable[[str, int], None]
    ) -> dict[str, widgets.Button]:
        # No icons: Font Awesome's glyphs would join each button's accessible name.
        buttons = {
            "up": widgets.Button(description=f"Move step {n} up"),
            "down": widgets.Button(description=f"Move step {n} down"),
            "duplicate": widgets.Button(description=f"Duplicate step {n}"),
            "remove": widgets.Button(description=f"Remove step {n}"),
            "mirror": widgets.Button(description=f"Mirror step {n} to other side"),
        }
        for action, button in buttons.items():
            button.layout = widgets.Layout(width="auto", margin="1px 3px")
            button.on_click(lambda _b, action=action: on_action(action, self.index))
        return buttons

    def _relay(self, name: str, on_edit: Callable[[int, str, Any], None]) -> Callable:
        def handler(change: dict[str, Any]) -> None:
            if not self.syncing:
                on_edit(self.index, name, change["new"])

        return handler

    def show(self, step: dict[str, Any], count: int, findings: list[Finding]) -> None:
        """Show ``step`` without triggering edits."""
        self.syncing = True
        try:
            treatment = step.get("kind", "treatment") == "treatment"
            self.kind.value = step.get("kind", "treatment")
            for name in ("zone", "side", "technique"):
                control = self.fields[name]
                value = step.get(name)
                valid = [option[1] for option in control.options]
                # An unknown value (a typo in the file) shows as no choice; the
                # finding under the row names it.
                control.value = value if value in valid else None
                control.layout.display = None if treatment else "none"
            self.action.value = step.get("action") or ""
            self.action.layout.display = "none" if treatment else None
            for name in ("passes", "hold_seconds", "current_uA"):
                self.fields[name].value = number_text(step.get(name))
                self.fields[name].disabled = not treatment
            self.current.placeholder = "default" if treatment else ""
            self.seconds.value = number_text(step.get("seconds"))
            self.cue.value = step.get("cue") or ""
            self.buttons["up"].disabled = self.index == 0
            self.buttons["down"].disabled = self.index == count - 1
            self.buttons["remove"].disabled = count == 1
            self.buttons["mirror"].disabled = not (
                treatment and step.get("side") in ("left", "right")
            )
            self.findings.value = findings_html(findings, within_step=True)
            self.message.value = ""
        finally:
            self.syncing = False


def parse_number(text: Any) -> float | str | None:
    """A number from a text box: None when empty, the text itself when not a number."""
    text = str(text).strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def step_table_header() -> widgets.HBox:
    """The table's column titles; each cell's (hidden) label keeps its margin, so the
    titles step in to match."""
    header = widgets.HBox(
        [
            widgets.HTML(
                f'<strong style="white-space:nowrap;'
                f'padding-left:{0 if title == "No." else 8}px">'
                f"{html.escape(title)}</strong>",
                layout=widgets.Layout(width=width, margin="0 2px"),
            )
            for title, width in COLUMNS
        ]
    )
    header.add_class("pt-step-header")
    return header

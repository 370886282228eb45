"""The designer's step table: one row of controls per step (a view).

Every ipywidgets control brings a layout and a style of its own, each a widget the
page must load too; the rows share theirs (:class:`RowLooks`), so a table of a dozen
steps loads about a third of the widgets it would otherwise.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

from ..core.findings import Finding
from ..core.text import number
from ..reference.data import reference
from ..views.html import findings_html
from ..views.palette import RULE
from .values import KINDS, SIDES

__all__ = [
    "COLUMNS",
    "RowLooks",
    "StepRow",
    "number_text",
    "parse_number",
    "step_table_header",
]

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
# The action box stands in for the zone, side and technique cells of a prep or closing step.
_ACTION_WIDTH = "calc(23rem + 8px)"


class RowLooks:
    """The layouts and styles every row of one designer shares (a row shows or hides a
    cell by taking the cell's shown or hidden layout)."""

    def __init__(self) -> None:
        widths = {**_WIDTH, "Action": _ACTION_WIDTH}
        self.shown = {c: widgets.Layout(width=w, margin="1px 2px") for c, w in widths.items()}
        self.hidden = {
            c: widgets.Layout(width=w, margin="1px 2px", display="none")
            for c, w in widths.items()
            if c in ("Zone", "Side", "Technique", "Action")
        }
        self.number = widgets.Layout(width=_WIDTH["No."], margin="4px 2px")
        self.indented = widgets.Layout(margin="0 0 0 2.7rem")
        self.plain = widgets.Layout()
        self.button = widgets.Layout(width="auto", margin="1px 3px")
        self.row = widgets.Layout(border_bottom=f"1px solid {RULE}", padding="4px 0")
        self.choice_style = DescriptionStyle(**_HIDDEN_LABEL)
        self.text_style = TextStyle(**_HIDDEN_LABEL)
        self.button_style = widgets.ButtonStyle()
        self.html_style = HTMLStyle()

    def cell(self, column: str, shown: bool = True) -> widgets.Layout:
        return self.shown[column] if shown else self.hidden[column]


def _cell(kind: type, column: str, looks: RowLooks, **options: Any) -> widgets.Widget:
    style = looks.text_style if kind is widgets.Text else looks.choice_style
    return kind(layout=looks.cell(column), style=style, **options)


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
        looks: RowLooks | None = None,
    ) -> None:
        self.index = index
        self.looks = looks = looks if looks is not None else RowLooks()
        self.fields = self._build_fields(index + 1)
        self.syncing = False
        for name, control in self.fields.items():
            control.observe(self._relay(name, on_edit), names="value")
        self.buttons = self._build_buttons(index + 1, on_action)
        self.findings = widgets.HTML(layout=looks.indented, style=looks.html_style)
        self.message = widgets.HTML(layout=looks.plain, style=looks.html_style)
        cells = widgets.HBox([self.number, *self.fields.values()], layout=looks.plain)
        actions = widgets.HBox([*self.buttons.values(), self.message], layout=looks.indented)
        super().__init__([cells, actions, self.findings], layout=looks.row)
        self.add_class("pt-step-row")

    def _build_fields(self, n: int) -> dict[str, widgets.Widget]:
        """The row's cells, by step field, in the order the header shows them."""
        ref = reference()
        looks = self.looks
        self.number = widgets.HTML(
            f"<strong>{n}</strong>", layout=looks.number, style=looks.html_style
        )
        self.kind = _cell(
            widgets.Dropdown,
            "Kind",
            looks,
            options=[(k, k) for k in KINDS],
            description=f"Step {n} kind",
        )
        self.zone = _cell(
            widgets.Dropdown,
            "Zone",
            looks,
            options=[(zone.name, zone_id) for zone_id, zone in ref.zones.items()],
            description=f"Step {n} zone",
        )
        self.side = _cell(
            widgets.Dropdown,
            "Side",
            looks,
            options=[(s, s) for s in SIDES],
            description=f"Step {n} side",
        )
        self.technique = _cell(
            widgets.Dropdown,
            "Technique",
            looks,
            options=[(t.name, t_id) for t_id, t in ref.techniques.items()],
            description=f"Step {n} technique",
        )
        self.action = _cell(
            widgets.Text,
            "Action",
            looks,
            description=f"Step {n} action",
            placeholder="What to do",
            continuous_update=False,
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
        looks = self.looks

        def box(column: str, label: str, **options: Any) -> widgets.Text:
            return _cell(
                widgets.Text, column, looks, description=f"Step {n} {label}",
                continuous_update=False, **options,
            )  # fmt: skip

        self.passes = box("Passes", "passes")
        self.seconds = box("Seconds", "seconds")
        self.hold = box("Hold s", "hold seconds")
        self.current = box("Current µA", "current µA")
        self.cue = box("Cue", "cue", placeholder="Short cue (optional)")

    def _build_buttons(
        self, n: int, on_action: Callable[[str, int], None]
    ) -> dict[str, widgets.Button]:
        # No icons: Font Awesome's glyphs would join each button's accessible name.
        words = {
            "up": f"Move step {n} up",
            "down": f"Move step {n} down",
            "duplicate": f"Duplicate step {n}",
            "remove": f"Remove step {n}",
            "mirror": f"Mirror step {n} to other side",
        }
        looks = self.looks
        buttons = {
            action: widgets.Button(description=text, layout=looks.button, style=looks.button_style)
            for action, text in words.items()
        }
        for action, button in buttons.items():
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
                control.layout = self.looks.cell(name.capitalize(), shown=treatment)
            self.action.value = step.get("action") or ""
            self.action.layout = self.looks.cell("Action", shown=not treatment)
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

"""The protocol designer as ipywidgets (it also runs as a Voilà app).

Start from a library protocol or a blank one, edit the steps in a table, see the
checks and charts change as you go, save a new protocol or a new version, and
compare two protocols::

    >>> from protocol_tools import protocol_designer
    >>> designer = protocol_designer()          # doctest: +SKIP
    >>> designer                                # doctest: +SKIP

Every edit goes through :class:`protocol_tools.ProtocolDraft`; this module only
draws. Charts redraw only when something they show has changed.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
from IPython.display import display

from ..core.errors import ProtocolToolsError
from ..core.findings import Finding
from ..core.text import number
from ..protocols.loading import default_library_dir, load_library
from ..protocols.model import Protocol
from ..reference.data import reference
from ..views.charts import ACTION_COLOUR, timeline_figure, zone_colours, zone_time_figure
from ..views.facemap import zone_geometry
from .draft import (
    BUMPS,
    KINDS,
    SETTINGS,
    SIDES,
    ProtocolComparison,
    ProtocolDraft,
    _SavedMeanwhile,
    compare_protocols,
    describe_step,
    field_words,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["ProtocolDesigner", "face_path_figure", "protocol_designer"]

# -- the face map with the treatment path ------------------------------------------

_FACE_FILL = "#fbf7f4"
_FACE_INK = "#8a9099"
_ZONE_INK = "#c3cad3"
_PATH_INK = "#123a7a"


def _halves(side: str | None) -> tuple[str, ...]:
    return ("right", "left") if side == "both" else ((side,) if side in ("left", "right") else ())


def path_stops(protocol: Protocol) -> list[tuple[int, str, str, list[float]]]:
    """Where the probes go, in order: (step number, zone, half, [x, y]) per stop.

    A step on both sides stops on the client's right half, then the left. A zone
    visited again is nudged so its numbers do not cover each other.
    """
    zones = zone_geometry()["zones"]
    visits: dict[tuple[str, str], int] = {}
    stops = []
    for entry in protocol.timeline():
        if entry.kind != "treatment" or entry.zone not in zones:
            continue
        for half in _halves(entry.side):
            x, y = zones[entry.zone][half]["label_point"]
            seen = visits.get((entry.zone, half), 0)
            visits[(entry.zone, half)] = seen + 1
            nudge = 7 * seen
            stops.append(
                (
                    entry.step,
                    entry.zone,
                    half,
                    [x + (nudge if half == "left" else -nudge), y + nudge],
                )
            )
    return stops


def face_path_figure(protocol: Protocol) -> go.Figure:
    """The face map with the treatment path: numbered stops joined by arrows.

    Drawn from :func:`protocol_tools.zone_geometry` (the one geometry source).
    Each stop carries its step number and the zone's name on hover, so the path
    never depends on colour alone.
    """
    import plotly.graph_objects as go

    geometry = zone_geometry()
    width, height = geometry["canvas"]["width"], geometry["canvas"]["height"]
    figure = go.Figure()
    outline = geometry["face"]["outline"]
    figure.add_trace(
        go.Scatter(
            x=[p[0] for p in [*outline, outline[0]]],
            y=[p[1] for p in [*outline, outline[0]]],
            mode="lines",
            fill="toself",
            fillcolor=_FACE_FILL,
            line={"color": _FACE_INK, "width": 1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for line in geometry["face"]["lines"]:
        figure.add_trace(
            go.Scatter(
                x=[p[0] for p in line],
                y=[p[1] for p in line],
                mode="lines",
                line={"color": _FACE_INK, "width": 1},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    colours = zone_colours()
    used = {zone for _, zone, _, _ in path_stops(protocol)}
    for zone_id, zone in geometry["zones"].items():
        for half in ("right", "left"):
            points = zone[half]["outline"]
            figure.add_trace(
                go.Scatter(
                    x=[p[0] for p in [*points, points[0]]],
                    y=[p[1] for p in [*points, points[0]]],
                    mode="lines",
                    line={
                        "color": colours.get(zone_id, _ZONE_INK) if zone_id in used else _ZONE_INK,
                        "width": 1.5 if zone_id in used else 0.8,
                        "dash": "solid" if zone_id in used else "dot",
                    },
                    hovertemplate=f"{html.escape(zone['name'])} (client's {half})<extra></extra>",
                    showlegend=False,
                )
            )
    stops = path_stops(protocol)
    if stops:
        figure.add_trace(
            go.Scatter(
                x=[s[3][0] for s in stops],
                y=[s[3][1] for s in stops],
                mode="lines",
                line={"color": _PATH_INK, "width": 1.5, "dash": "dash"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        for (_, _, _, start), (_, _, _, end) in pairwise(stops):
            if start != end:
                figure.add_annotation(
                    x=end[0],
                    y=end[1],
                    ax=start[0],
                    ay=start[1],
                    xref="x",
                    yref="y",
                    axref="x",
                    ayref="y",
                    showarrow=True,
                    arrowhead=3,
                    arrowsize=1.2,
                    arrowwidth=1.5,
                    arrowcolor=_PATH_INK,
                    standoff=9,
                    startstandoff=9,
                    text="",
                )
        names = reference().zones
        figure.add_trace(
            go.Scatter(
                x=[s[3][0] for s in stops],
                y=[s[3][1] for s in stops],
                mode="markers+text",
                marker={
                    "size": 20,
                    "color": "#ffffff",
                    "line": {
                        "width": 3,
                        "color": [colours.get(s[1], ACTION_COLOUR) for s in stops],
                    },
                },
                text=[str(s[0]) for s in stops],
                textfont={"size": 11, "color": "#1b1f24"},
                customdata=[[names[s[1]].name if s[1] in names else s[1], s[2]] for s in stops],
                hovertemplate="Step %{text}: %{customdata[0]} (client's %{customdata[1]})"
                "<extra></extra>",
                showlegend=False,
            )
        )
    figure.add_annotation(x=width * 0.25, y=height - 4, text="client's right", showarrow=False)
    figure.add_annotation(x=width * 0.75, y=height - 4, text="client's left", showarrow=False)
    figure.update_layout(
        title="Treatment path (numbers = step order)",
        xaxis={"visible": False, "range": [0, width]},
        yaxis={"visible": False, "range": [height, 0], "scaleanchor": "x"},
        height=520,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        template="plotly_white",
    )
    return figure


def path_text(protocol: Protocol) -> str:
    """The treatment path in words, for readers who cannot see the picture."""
    names = reference().zones
    parts = [
        f"{number}. {names[zone].name if zone in names else zone} (client's {half})"
        for number, zone, half, _ in path_stops(protocol)
    ]
    return " → ".join(parts) if parts else "No treatment step yet."


# -- findings as HTML ---------------------------------------------------------------

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


# -- the step table -------------------------------------------------------------------

# Column widths; the header and every row share them so the rows read as a table.
_COLUMNS = (
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
_WIDTH = dict(_COLUMNS)
_HIDDEN_LABEL = {"description_width": "0px"}  # the column header is the visible label


def _cell(kind: type, column: str, **options: Any) -> widgets.Widget:
    return kind(
        layout=widgets.Layout(width=_WIDTH[column], margin="1px 2px"),
        style=_HIDDEN_LABEL,
        **options,
    )


def _number_text(value: Any) -> str:
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
        ref = reference()
        n = index + 1
        self.index = index
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
        self.fields: dict[str, widgets.Widget] = {
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
        self.syncing = False
        for name, control in self.fields.items():
            control.observe(self._relay(name, on_edit), names="value")
        # No icons: Font Awesome's glyphs would join each button's accessible name.
        self.buttons = {
            "up": widgets.Button(description=f"Move step {n} up"),
            "down": widgets.Button(description=f"Move step {n} down"),
            "duplicate": widgets.Button(description=f"Duplicate step {n}"),
            "remove": widgets.Button(description=f"Remove step {n}"),
            "mirror": widgets.Button(description=f"Mirror step {n} to other side"),
        }
        for action, button in self.buttons.items():
            button.layout = widgets.Layout(width="auto", margin="1px 3px")
            button.on_click(lambda _b, action=action: on_action(action, self.index))
        self.findings = widgets.HTML(layout=widgets.Layout(margin="0 0 0 2.7rem"))
        self.message = widgets.HTML()
        fields = widgets.HBox(
            [
                self.number,
                self.kind,
                self.zone,
                self.side,
                self.technique,
                self.action,
                self.passes,
                self.seconds,
                self.hold,
                self.current,
                self.cue,
            ]
        )
        actions = widgets.HBox(
            [*self.buttons.values(), self.message], layout=widgets.Layout(margin="0 0 0 2.7rem")
        )
        super().__init__(
            [fields, actions, self.findings],
            layout=widgets.Layout(border_bottom="1px solid #d0d4da", padding="4px 0"),
        )
        self.add_class("pt-step-row")

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
                self.fields[name].value = _number_text(step.get(name))
                self.fields[name].disabled = not treatment
            self.current.placeholder = "default" if treatment else ""
            self.seconds.value = _number_text(step.get("seconds"))
            self.cue.value = step.get("cue") or ""
            self.buttons["up"].disabled = self.index == 0
            self.buttons["down"].disabled = self.index == count - 1
            self.buttons["remove"].disabled = count == 1
            self.buttons["mirror"].disabled = not (
                treatment and step.get("side") in ("left", "right")
            )
            self.findings.value = findings_html(findings, in_row=True)
            self.message.value = ""
        finally:
            self.syncing = False


# -- the designer -------------------------------------------------------------------------

_BLANK = "__blank__"
_DRAFT = "__draft__"


class ProtocolDesigner(widgets.VBox):
    """The whole designer: start, edit, check, chart, save and compare."""

    def __init__(self, library_dir: str | Path | None = None) -> None:
        self.library_dir = Path(library_dir) if library_dir is not None else default_library_dir()
        self.draft = ProtocolDraft.blank()
        self.snapshots: dict[str, Protocol] = {}  # versions seen this session, by label
        self._chart_key: str | None = None
        self.rows: list[StepRow] = []

        label = {"description_width": "initial"}
        self.start_from = widgets.Dropdown(
            description="Start from", style=label, layout=widgets.Layout(width="30rem")
        )
        self.open_button = widgets.Button(description="Open", button_style="primary")
        self.open_button.on_click(lambda _b: self.start(self.start_from.value))
        self.status = widgets.HTML()

        self.name = widgets.Text(
            description="Name",
            style=label,
            continuous_update=False,
            layout=widgets.Layout(width="24rem"),
        )
        self.setting = widgets.Dropdown(
            description="Setting",
            options=list(SETTINGS),
            style=label,
            layout=widgets.Layout(width="12rem"),
        )
        self.target = widgets.Text(
            description="Target minutes",
            style=label,
            continuous_update=False,
            layout=widgets.Layout(width="12rem"),
        )
        self.default_current = widgets.Text(
            description="Default current µA",
            style=label,
            continuous_update=False,
            layout=widgets.Layout(width="14rem"),
        )
        self.summary = widgets.Text(
            description="Summary",
            style=label,
            continuous_update=False,
            layout=widgets.Layout(width="50rem"),
        )
        self.details = {
            "name": self.name,
            "setting": self.setting,
            "target_minutes": self.target,
            "defaults.current_uA": self.default_current,
            "summary": self.summary,
        }
        self._syncing = False
        for field, control in self.details.items():
            control.observe(
                lambda change, field=field: self._edit_detail(field, change["new"]), names="value"
            )
        self.detail_message = widgets.HTML()

        self.checks = widgets.HTML()
        self.protocol_findings = widgets.HTML()
        # Each cell's (hidden) label keeps its margin, so the titles step in to match.
        header = widgets.HBox(
            [
                widgets.HTML(
                    f'<strong style="white-space:nowrap;'
                    f'padding-left:{0 if title == "No." else 8}px">'
                    f"{html.escape(title)}</strong>",
                    layout=widgets.Layout(width=width, margin="0 2px"),
                )
                for title, width in _COLUMNS
            ]
        )
        header.add_class("pt-step-header")
        self.rows_box = widgets.VBox()
        self.add_button = widgets.Button(
            description="Add step", tooltip="Add a treatment step after the last one"
        )
        self.add_button.on_click(lambda _b: self._act("add", None))
        self.table = widgets.VBox([header, self.rows_box, self.add_button])

        self.timeline_out = widgets.Output()
        self.zone_out = widgets.Output()
        self.face_out = widgets.Output()
        self.path_words = widgets.HTML()

        self.save_mode = widgets.RadioButtons(description="Save as", style=label)
        self.new_id = widgets.Text(
            description="New id",
            placeholder="e.g. my-lift-15",
            style=label,
            layout=widgets.Layout(width="20rem"),
        )
        self.bump = widgets.RadioButtons(
            options=[(f"{b} (e.g. {_example(b)})", b) for b in BUMPS],
            value="patch",
            description="Version step",
            style=label,
        )
        self.note = widgets.Textarea(
            description="Change note",
            placeholder="What changed, and why (required for a new version)",
            style=label,
            layout=widgets.Layout(width="40rem"),
        )
        self.as_draft = widgets.Checkbox(
            description="Save as a draft (allowed with errors)", style=label, indent=False
        )
        self.save_button = widgets.Button(description="Save", button_style="success")
        self.save_button.on_click(lambda _b: self.save())
        self.save_message = widgets.HTML()
        self.save_mode.observe(lambda _c: self._show_save_fields(), names="value")

        self.compare_a = widgets.Dropdown(
            description="Compare A", style=label, layout=widgets.Layout(width="30rem")
        )
        self.compare_b = widgets.Dropdown(
            description="with B", style=label, layout=widgets.Layout(width="30rem")
        )
        self.compare_button = widgets.Button(description="Compare")
        self.compare_button.on_click(lambda _b: self.compare())
        self.compare_out = widgets.HTML()

        def heading(text: str) -> widgets.HTML:
            return widgets.HTML(f"<h3>{html.escape(text)}</h3>")

        super().__init__(
            [
                heading("1. Start"),
                widgets.HBox([self.start_from, self.open_button]),
                self.status,
                heading("2. Details"),
                widgets.HBox([self.name, self.setting, self.target, self.default_current]),
                self.summary,
                self.detail_message,
                heading("3. Steps"),
                self.checks,
                self.protocol_findings,
                self.table,
                heading("4. Charts"),
                self.timeline_out,
                widgets.HBox([self.zone_out, self.face_out]),
                self.path_words,
                heading("5. Save"),
                self.save_mode,
                self.new_id,
                self.bump,
                self.note,
                self.as_draft,
                self.save_button,
                self.save_message,
                heading("6. Compare"),
                widgets.HBox([self.compare_a, self.compare_b, self.compare_button]),
                self.compare_out,
            ]
        )
        self.add_class("pt-designer")
        self._refresh_library()
        self.start(_BLANK)

    # -- opening ---------------------------------------------------------------------
    def _refresh_library(self) -> None:
        library = load_library(self.library_dir) if self.library_dir.is_dir() else None
        options: list[tuple[str, str]] = [("Blank protocol", _BLANK)]
        if library is not None:
            for protocol in [*library.values(), *library.drafts.values()]:
                tag = " (draft)" if protocol.status == "draft" else ""
                options.append(
                    (f"{protocol.name} — {protocol.id} {protocol.version}{tag}", protocol.id)
                )
        chosen = self.start_from.value
        self.start_from.options = options
        self.start_from.value = chosen if chosen in {v for _, v in options} else _BLANK
        compare = [("This draft (unsaved edits)", _DRAFT)]
        compare += [(f"{label} (this session)", f"snapshot:{label}") for label in self.snapshots]
        compare += [(label, value) for label, value in options[1:]]
        a, b = self.compare_a.value, self.compare_b.value
        self.compare_a.options = compare
        self.compare_b.options = compare
        values = [value for _, value in compare]
        self.compare_a.value = a if a in values else (values[1] if len(values) > 1 else _DRAFT)
        self.compare_b.value = b if b in values else _DRAFT

    def start(self, choice: str) -> None:
        """Start over from the blank protocol (``"__blank__"``) or a library id."""
        try:
            if choice == _BLANK:
                self.draft = ProtocolDraft.blank()
            else:
                self.draft = ProtocolDraft.from_library(choice, self.library_dir)
        except ProtocolToolsError as error:
            self.status.value = _problem(error)
            return
        if self.draft.origin is not None:
            self._remember(self.draft, "as opened")
            self.status.value = _ok(
                f"Opened {self.draft.origin.label} from "
                f"{self.draft.origin.path}. Edits stay here until you save."
            )
        else:
            self.status.value = _ok("Started a blank protocol from the template.")
        self.note.value = ""
        self.new_id.value = ""
        self._chart_key = None
        self._refresh_library()
        self.refresh()

    def _remember(self, draft: ProtocolDraft, how: str) -> None:
        protocol, _ = draft.check()
        if protocol is not None and draft.origin is not None:
            self.snapshots[f"{draft.origin.label} {how}"] = protocol

    # -- editing -----------------------------------------------------------------------
    def _edit_detail(self, field: str, value: Any) -> None:
        if self._syncing:
            return
        if field in ("target_minutes", "defaults.current_uA"):
            value = _parse_number(value)
            if isinstance(value, str):
                self.detail_message.value = _problem(
                    f"{field}: {value!r} is not a number; it was not changed."
                )
                self.refresh()
                return
        try:
            self.draft.set_protocol_field(field, value)
        except ProtocolToolsError as error:
            self.detail_message.value = _problem(error)
        else:
            self.detail_message.value = ""
        self.refresh()

    def edit_step(self, index: int, name: str, value: Any) -> None:
        """Apply one field edit from row ``index`` (what a control change calls)."""
        row = self.rows[index]
        if name in ("passes", "seconds", "hold_seconds", "current_uA"):
            value = _parse_number(value)
            if isinstance(value, str):
                self.refresh()
                row.message.value = _problem(f"{value!r} is not a number; it was not changed.")
                return
        try:
            self.draft.set_field(index, name, value)
        except ProtocolToolsError as error:
            self.refresh()
            row.message.value = _problem(error)
            return
        self.refresh()

    def _act(self, action: str, index: int | None) -> None:
        draft = self.draft
        try:
            if action == "add":
                draft.add_step()
            elif action == "remove":
                draft.remove_step(index)
            elif action == "duplicate":
                draft.duplicate_step(index)
            elif action == "up":
                draft.move_up(index)
            elif action == "down":
                draft.move_down(index)
            elif action == "mirror":
                draft.mirror_block(index)
        except (ProtocolToolsError, IndexError) as error:
            self.refresh()
            if index is not None:
                self.rows[index].message.value = _problem(error)
            return
        self.refresh()

    # -- drawing -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw rows, findings and (when what they show changed) the charts."""
        protocol, findings = self.draft.check()
        by_step = self.draft.findings_by_step(findings)
        count = len(self.draft)
        while len(self.rows) < count:
            self.rows.append(StepRow(len(self.rows), self.edit_step, self._act))
        for index in range(count):
            self.rows[index].show(self.draft.step(index), count, by_step.get(index, []))
        if len(self.rows_box.children) != count:
            self.rows_box.children = tuple(self.rows[:count])
        self.checks.value = summary_html(findings)
        self.protocol_findings.value = findings_html(by_step.get(None, []))
        self._show_details()
        self._show_save_fields()
        self._draw_charts(protocol)

    def _show_details(self) -> None:
        self._syncing = True
        try:
            self.name.value = str(self.draft.get("name") or "")
            setting = self.draft.get("setting")
            self.setting.value = setting if setting in SETTINGS else None
            self.target.value = _number_text(self.draft.get("target_minutes"))
            self.default_current.value = _number_text(self.draft.get("defaults.current_uA"))
            self.summary.value = str(self.draft.get("summary") or "")
        finally:
            self._syncing = False

    def _show_save_fields(self) -> None:
        origin = self.draft.origin
        options = [("a new protocol (new id)", "new")]
        if origin is not None:
            options.append((f"a new version of {origin.id} (now {origin.version})", "version"))
        if list(self.save_mode.options) != options:
            previous = self.save_mode.value
            self.save_mode.options = options
            values = [value for _, value in options]
            self.save_mode.value = previous if previous in values else values[-1]
        new = self.save_mode.value == "new"
        self.new_id.layout.display = None if new else "none"
        self.bump.layout.display = "none" if new else None

    def _draw_charts(self, protocol: Protocol | None) -> None:
        if protocol is None:
            key = "unreadable"
        else:
            # Cues and directions do not show on the charts, so typing them redraws nothing.
            key = json.dumps(
                [
                    protocol.name,
                    protocol.defaults.model_dump(),
                    [
                        step.model_dump(exclude={"cue", "direction", "action"})
                        for step in protocol.steps
                    ],
                ],
                default=str,
            )
        if key == self._chart_key:
            return
        self._chart_key = key
        for out in (self.timeline_out, self.zone_out, self.face_out):
            out.clear_output(wait=True)
        if protocol is None:
            with self.timeline_out:
                display(
                    widgets.HTML(
                        _problem(
                            "The charts come back once the protocol fits the format: "
                            "see the checks above."
                        )
                    )
                )
            self.path_words.value = ""
            return
        with self.timeline_out:
            display(timeline_figure(protocol))
        with self.zone_out:
            display(zone_time_figure(protocol))
        with self.face_out:
            display(face_path_figure(protocol))
        self.path_words.value = (
            f"<p><strong>Treatment path:</strong> {html.escape(path_text(protocol))}</p>"
        )

    # -- saving and comparing -------------------------------------------------------------
    def save(self) -> Path | None:
        """Save as the form says; returns the file written, or None with a message."""
        note = self.note.value.strip() or None
        try:
            if self.save_mode.value == "new":
                path = self.draft.save_as_new(
                    self.new_id.value.strip(),
                    self.library_dir,
                    note=note,
                    draft=self.as_draft.value,
                )
            else:
                path = self.draft.save_new_version(
                    self.bump.value, note=note or "", draft=self.as_draft.value
                )
        except _SavedMeanwhile as error:
            self._offer_comparison(error.protocol_id)
            self.save_message.value = _problem(_saved_meanwhile_words(error))
            return None
        except ProtocolToolsError as error:
            self.save_message.value = _problem(error)
            return None
        self._remember(self.draft, "saved")
        status = " as a draft" if self.as_draft.value else ""
        self.save_message.value = _ok(
            f"Saved {path} ({self.draft.origin.label}){status}. Check it any time with: "
            f"protocol-tools validate {path}"
        )
        # Further edits to what was just saved become its next version.
        self.note.value = ""
        self.new_id.value = ""
        self._refresh_library()
        self.refresh()
        self.save_mode.value = "version"
        return path

    def _offer_comparison(self, protocol_id: str) -> None:
        """Set up "compare the saved protocol with this draft", one click away."""
        self._refresh_library()
        if protocol_id in {value for _, value in self.compare_a.options}:
            self.compare_a.value = protocol_id
        self.compare_b.value = _DRAFT

    def compare(self) -> ProtocolComparison | None:
        """Compare the protocols picked as A and B; shows and returns the result."""
        try:
            old = self._pick(self.compare_a.value)
            new = self._pick(self.compare_b.value)
            comparison = compare_protocols(old, new, self.library_dir)
        except ProtocolToolsError as error:
            self.compare_out.value = _problem(error)
            return None
        self.compare_out.value = comparison_html(
            comparison, self.compare_a.label, self.compare_b.label
        )
        return comparison

    def _pick(self, value: str) -> Protocol | ProtocolDraft | str:
        if value == _DRAFT:
            return self.draft
        if value.startswith("snapshot:"):
            return self.snapshots[value.removeprefix("snapshot:")]
        return value


def _saved_meanwhile_words(error: _SavedMeanwhile) -> str:
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


def _example(bump: str) -> str:
    return {"patch": "1.0.0 → 1.0.1", "minor": "1.0.0 → 1.1.0", "major": "1.0.0 → 2.0.0"}[bump]


def _parse_number(text: Any) -> float | str | None:
    """A number from a text box: None when empty, the text itself when not a number."""
    text = str(text).strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _ok(message: str) -> str:
    return (
        f'<div role="status" style="color:#0a5c2f"><span aria-hidden="true">✔</span> '
        f"{html.escape(message)}</div>"
    )


def _problem(message: str | ProtocolToolsError) -> str:
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


def protocol_designer(library_dir: str | Path | None = None) -> ProtocolDesigner:
    """The protocol designer on the library folder (default: ``$PROTOCOL_TOOLS_LIBRARY``
    or the project's ``protocols/``)."""
    return ProtocolDesigner(library_dir)

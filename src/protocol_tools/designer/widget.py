"""The protocol designer as ipywidgets (it also runs as a Voilà app).

Start from a library protocol or a blank one, edit the steps in a table, see the
checks and charts change as you go, save a new protocol or a new version, and
compare two protocols::

    >>> from protocol_tools import protocol_designer
    >>> designer = protocol_designer()          # doctest: +SKIP
    >>> designer                                # doctest: +SKIP

Every edit goes through :class:`protocol_tools.ProtocolDraft`; this module only
draws. The page shows the table and its controls first; the charts follow, drawn
in a thread of their own after the first paint and after each edit, put on the page
once someone scrolls to them, and drawn again only when something they show changed
(``widget_charts``). The step
rows, the save and compare sections, the messages and the face map are drawn by
the ``widget_*`` modules beside this one.

``ProtocolDesigner(eager=True)`` draws every chart at once and after each edit, in
the caller, as the designer did before; outside a kernel, :meth:`wait_for_charts`
draws what is pending.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError
from ..protocols.loading import default_library_dir, load_library
from ..protocols.model import Protocol
from ..views.html import findings_html
from .draft import ProtocolDraft
from .values import SETTINGS
from .widget_charts import ChartPane
from .widget_face import face_path_figure
from .widget_html import ok_html, problem_html, summary_html
from .widget_save import DRAFT_CHOICE, SaveAndCompare
from .widget_steps import RowLooks, StepRow, number_text, parse_number, step_table_header

__all__ = ["ProtocolDesigner", "face_path_figure", "protocol_designer"]

_BLANK = "__blank__"
_LABEL = {"description_width": "initial"}


class ProtocolDesigner(SaveAndCompare, widgets.VBox):
    """The whole designer: start, edit, check, chart, save and compare."""

    def __init__(self, library_dir: str | Path | None = None, *, eager: bool = False) -> None:
        self.library_dir = Path(library_dir) if library_dir is not None else default_library_dir()
        self.draft = ProtocolDraft.blank()
        self.snapshots: dict[str, Protocol] = {}  # versions seen this session, by label
        self.rows: list[StepRow] = []
        self.charts = ChartPane(eager=eager)
        sections = {
            "1. Start": self._build_start(),
            "2. Details": self._build_details(),
            "3. Steps": self._build_steps(),
            "4. Charts": self._build_charts(),
            "5. Save": self._build_save(),
            "6. Compare": self._build_compare(),
        }
        children: list[widgets.Widget] = []
        for title, parts in sections.items():
            children += [widgets.HTML(f"<h3>{html.escape(title)}</h3>"), *parts]
        super().__init__(children)
        self.add_class("pt-designer")
        self._open(self.draft)  # the blank protocol made above
        self.charts.arm()

    # -- building the sections -----------------------------------------------------------
    def _build_start(self) -> list[widgets.Widget]:
        self.start_from = widgets.Dropdown(
            description="Start from", style=_LABEL, layout=widgets.Layout(width="30rem")
        )
        self.open_button = widgets.Button(description="Open", button_style="primary")
        self.open_button.on_click(lambda _b: self.start(self.start_from.value))
        self.status = widgets.HTML()
        return [widgets.HBox([self.start_from, self.open_button]), self.status]

    def _build_details(self) -> list[widgets.Widget]:
        def text(description: str, width: str) -> widgets.Text:
            return widgets.Text(
                description=description,
                style=_LABEL,
                continuous_update=False,
                layout=widgets.Layout(width=width),
            )

        self.name = text("Name", "24rem")
        self.setting = widgets.Dropdown(
            description="Setting",
            options=list(SETTINGS),
            style=_LABEL,
            layout=widgets.Layout(width="12rem"),
        )
        self.target = text("Target minutes", "12rem")
        self.default_current = text("Default current µA", "14rem")
        self.summary = text("Summary", "50rem")
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
        return [
            widgets.HBox([self.name, self.setting, self.target, self.default_current]),
            self.summary,
            self.detail_message,
        ]

    def _build_steps(self) -> list[widgets.Widget]:
        self.checks = widgets.HTML()
        self.protocol_findings = widgets.HTML()
        self.rows_box = widgets.VBox()
        self.add_button = widgets.Button(
            description="Add step", tooltip="Add a treatment step after the last one"
        )
        self.add_button.on_click(lambda _b: self._act("add", None))
        self._looks = RowLooks()
        self.table = widgets.VBox([step_table_header(), self.rows_box, self.add_button])
        return [self.checks, self.protocol_findings, self.table]

    def _build_charts(self) -> list[widgets.Widget]:
        charts = self.charts
        self.timeline_out, self.zone_out, self.face_out = (
            charts.timeline_out,
            charts.zone_out,
            charts.face_out,
        )
        self.path_words = charts.path_words
        return charts.parts

    @property
    def charts_pending(self) -> bool:
        """Whether the charts are still to follow the latest edit."""
        return self.charts.pending

    def wait_for_charts(self, timeout: float | None = None) -> bool:
        """Until the charts show the latest edit (False if ``timeout`` seconds ran out)."""
        return self.charts.wait(timeout)

    def close(self) -> None:
        self.charts.stop()
        super().close()

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
        compare = [("This draft (unsaved edits)", DRAFT_CHOICE)]
        compare += [(f"{label} (this session)", f"snapshot:{label}") for label in self.snapshots]
        compare += [(label, value) for label, value in options[1:]]
        a, b = self.compare_a.value, self.compare_b.value
        self.compare_a.options = compare
        self.compare_b.options = compare
        values = [value for _, value in compare]
        self.compare_a.value = (
            a if a in values else (values[1] if len(values) > 1 else DRAFT_CHOICE)
        )
        self.compare_b.value = b if b in values else DRAFT_CHOICE

    def start(self, choice: str) -> None:
        """Start over from the blank protocol (``"__blank__"``) or a library id."""
        try:
            if choice == _BLANK:
                draft = ProtocolDraft.blank()
            else:
                draft = ProtocolDraft.from_library(choice, self.library_dir)
        except ProtocolToolsError as error:
            self.status.value = problem_html(error)
            return
        self._open(draft)

    def _open(self, draft: ProtocolDraft) -> None:
        self.draft = draft
        if self.draft.origin is not None:
            self._remember(self.draft, "as opened")
            self.status.value = ok_html(
                f"Opened {self.draft.origin.label} from "
                f"{self.draft.origin.path}. Edits stay here until you save."
            )
        else:
            self.status.value = ok_html("Started a blank protocol from the template.")
        self.note.value = ""
        self.new_id.value = ""
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
            value = parse_number(value)
            if isinstance(value, str):
                self.detail_message.value = problem_html(
                    f"{field}: {value!r} is not a number; it was not changed."
                )
                self.refresh()
                return
        try:
            self.draft.set_protocol_field(field, value)
        except ProtocolToolsError as error:
            self.detail_message.value = problem_html(error)
        else:
            self.detail_message.value = ""
        self.refresh()

    def edit_step(self, index: int, name: str, value: Any) -> None:
        """Apply one field edit from row ``index`` (what a control change calls)."""
        row = self.rows[index]
        if name in ("passes", "seconds", "hold_seconds", "current_uA"):
            value = parse_number(value)
            if isinstance(value, str):
                self.refresh()
                row.message.value = problem_html(f"{value!r} is not a number; it was not changed.")
                return
        try:
            self.draft.set_field(index, name, value)
        except ProtocolToolsError as error:
            self.refresh()
            row.message.value = problem_html(error)
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
                self.rows[index].message.value = problem_html(error)
            return
        self.refresh()

    # -- drawing -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw rows, findings and (when what they show changed) the charts."""
        protocol, findings = self.draft.check()
        by_step = self.draft.findings_by_step(findings)
        count = len(self.draft)
        while len(self.rows) < count:
            self.rows.append(StepRow(len(self.rows), self.edit_step, self._act, self._looks))
        for index in range(count):
            self.rows[index].show(self.draft.step(index), count, by_step.get(index, []))
        if len(self.rows_box.children) != count:
            self.rows_box.children = tuple(self.rows[:count])
        self.checks.value = summary_html(findings)
        self.protocol_findings.value = findings_html(by_step.get(None, []))
        self._show_details()
        self._show_save_fields()
        self.charts.show(protocol)  # after the table, and never in its way

    def _show_details(self) -> None:
        self._syncing = True
        try:
            self.name.value = str(self.draft.get("name") or "")
            setting = self.draft.get("setting")
            self.setting.value = setting if setting in SETTINGS else None
            self.target.value = number_text(self.draft.get("target_minutes"))
            self.default_current.value = number_text(self.draft.get("defaults.current_uA"))
            self.summary.value = str(self.draft.get("summary") or "")
        finally:
            self._syncing = False


def protocol_designer(
    library_dir: str | Path | None = None, *, eager: bool = False
) -> ProtocolDesigner:
    """The protocol designer on the library folder (default: ``$PROTOCOL_TOOLS_LIBRARY``
    or the project's ``protocols/``); ``eager=True`` draws the charts at once."""
    return ProtocolDesigner(library_dir, eager=eager)

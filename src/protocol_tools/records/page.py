"""The client page for notebook 06 (also a Voilà app for the front desk and the room).

    >>> from protocol_tools import client_page
    >>> client_page()  # doctest: +SKIP

Type a client code (or pick one from the known clients) and press *Open*: the
visits as a table, the current used per zone and the comfort per zone across the
client's sessions (practice runs left out), every adjustment, and the sheets
printed, and the client's treatment plan (:mod:`.page_plan`): its dates on a calendar
against the visits made, the adherence, home sessions, the calendar file and the
take-home plan sheet. *Export* saves everything held on the client as a JSON file in a private
folder; *Erase this client* deletes every visit for good, once a box saying so is
ticked. The page shows the code; the name only when *Show name* is ticked.
Messages are in words, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError
from ..views.charts import comfort_figure, current_figure, figure_output
from ..views.html import alert_html, opened_or_said
from .erasure import forget_client
from .exports import export_folder, save_export
from .history import client_list, client_record
from .page_data import comfort_scale, comfort_series, current_series
from .page_html import adjustments_table_html, sheets_html, summary_html, visits_table_html
from .page_plan import PlanPanel
from .store import RecordStore

__all__ = ["ClientPage", "client_page"]

_LABEL = {"description_width": "9rem"}
CHOOSE = "Choose a client…"
NO_CLIENTS = "No clients in the record yet: a client appears here after their first screening."


def _message(kind: str, title: str, text: str = "") -> str:
    return alert_html(kind, title, text)


class ClientPage(widgets.VBox):
    """One client's record: visits, charts across the series, export and erasure.

    ``store``: the record to read (default: the one ``$PROTOCOL_TOOLS_DB`` names);
    ``today``: the day a plan's adherence is counted to (default: the real today).
    """

    def __init__(self, store: RecordStore | None = None, *, today: dt.date | None = None) -> None:
        self.record: dict[str, Any] | None = None
        self._own_store = store is None
        self._build_finder()
        self.plan = PlanPanel(store, today=today, name=self._shown_name)
        self._build_record_view()
        super().__init__(
            [
                widgets.HTML(
                    "<p>Type a client code, or choose a known client, and press "
                    "<em>Open</em>. The page shows the code; the name only when "
                    "<em>Show name</em> is ticked.</p>"
                ),
                self.clients,
                self.list_note,
                widgets.HBox([self.code, self.open_button]),
                self.show_name,
                self.status,
                self.body,
            ]
        )
        self.store: RecordStore | None = opened_or_said(
            store, RecordStore, self.status, (self.clients, self.code, self.open_button)
        )
        if self.store is None:
            return
        self.plan.store = self.store
        self.refresh_clients()

    # -- building ---------------------------------------------------------------------
    def _build_finder(self) -> None:
        """The known clients, the code, Open and Show name."""
        self.clients = widgets.Dropdown(
            options=[(CHOOSE, "")],
            value="",
            description="Known clients",
            style=_LABEL,
            layout=widgets.Layout(width="30rem"),
        )
        self.list_note = widgets.HTML()
        self.code = widgets.Text(
            description="Client code",
            placeholder="e.g. C-0042",
            style=_LABEL,
            layout=widgets.Layout(width="22rem"),
        )
        self.open_button = widgets.Button(
            description="Open",
            icon="folder-open",
            button_style="primary",
            tooltip="Show this client's record",
        )
        self.show_name = widgets.Checkbox(value=False, description="Show name", indent=False)
        self.status = widgets.HTML()
        self.clients.observe(self._client_chosen, names="value")
        self.open_button.on_click(lambda _: self.open_client())
        self.show_name.observe(lambda _: self._show_summary(), names="value")

    def _build_record_view(self) -> None:
        """What an open record shows: tables, charts, sheets, export and erasure."""
        self.summary = widgets.HTML()
        self.visits = widgets.HTML()
        self.chart_note = widgets.HTML()
        self.current_chart = widgets.Output()
        self.comfort_chart = widgets.Output()
        self.adjustments = widgets.HTML()
        self.sheets = widgets.HTML()
        self.export_button = widgets.Button(
            description="Export", icon="download", tooltip="Save the whole record as a JSON file"
        )
        self.export_status = widgets.HTML()
        self.confirm = widgets.Checkbox(
            value=False,
            description="I understand",
            indent=False,
            layout=widgets.Layout(width="44rem"),
        )
        self.erase_button = widgets.Button(
            description="Erase this client",
            icon="trash",
            button_style="danger",
            disabled=True,
            tooltip="Delete every visit of this client for good",
            layout=widgets.Layout(width="12rem"),
        )
        self.export_button.on_click(lambda _: self.export())
        self.erase_button.on_click(lambda _: self.erase())
        self.confirm.observe(self._confirm_changed, names="value")
        self.body = widgets.VBox(
            [
                self.summary,
                self.visits,
                self.chart_note,
                self.current_chart,
                self.comfort_chart,
                self.adjustments,
                self.sheets,
                self.plan,
                widgets.HTML("<h4>Export or erase</h4>"),
                widgets.HBox([self.export_button, self.export_status]),
                self.confirm,
                self.erase_button,
            ],
            layout=widgets.Layout(display="none"),
        )

    # -- the list of clients --------------------------------------------------------
    def refresh_clients(self) -> None:
        """Read the known clients again (another room may have added one)."""
        if self.store is None:
            return
        try:
            known = client_list(self.store)
        except ProtocolToolsError as error:
            self.list_note.value = _message("error", "The client list cannot be read:", str(error))
            return
        options = [(CHOOSE, "")]
        for row in known:
            count = row["visits"]
            visits = f"{count} visit{'s' if count != 1 else ''}" if count else "no visits yet"
            last = f", last {row['last_visit']}" if row["last_visit"] else ""
            options.append((f"{row['client']} — {visits}{last}", row["client"]))
        self.clients.unobserve(self._client_chosen, names="value")
        self.clients.options = options
        self.clients.value = ""
        self.clients.observe(self._client_chosen, names="value")
        self.list_note.value = "" if known else _message("note", "", NO_CLIENTS)

    def _client_chosen(self, change: dict) -> None:
        if change["new"]:
            self.code.value = change["new"]
            self.open_client()

    # -- opening ----------------------------------------------------------------------
    def open_client(self, code: str | None = None) -> bool:
        """Show the record of ``code`` (default: the code typed); False with a message
        when there is none."""
        code = (code if code is not None else self.code.value).strip()
        self._clear()
        if self.store is None:
            return False
        if not code:
            self.status.value = _message(
                "warning", "No client code:", "type one, like C-0042, or choose a known client."
            )
            return False
        try:
            record = client_record(self.store, code)
        except ProtocolToolsError as error:
            text = str(error)
            self.status.value = _message("error", "Not opened:", text[:1].upper() + text[1:])
            return False
        self.record = record
        self.code.value = record["client"]
        self._show_record()
        return True

    def _show_record(self) -> None:
        record = self.record
        assert record is not None
        self.show_name.value = False  # a name is shown only when asked for, client by client
        self._show_summary()
        self.visits.value = visits_table_html(record)
        self._show_charts(record)
        self.adjustments.value = adjustments_table_html(record)
        self.sheets.value = sheets_html(record)
        self.plan.show(record["client"])
        self.confirm.description = f"I understand every visit of {record['client']} will be erased"
        self.confirm.value = False
        self.body.layout.display = "flex"

    def _shown_name(self) -> str | None:
        """The client's name while the page shows it (for files), else None."""
        if self.record is None or not self.show_name.value:
            return None
        return self.record.get("display_name")

    def _show_summary(self) -> None:
        if self.record is not None:
            self.summary.value = summary_html(self.record, show_name=self.show_name.value)

    def _show_charts(self, record: dict[str, Any]) -> None:
        currents, comfort = current_series(record), comfort_series(record)
        if not currents:
            self.chart_note.value = (
                "<h4>Across the visits</h4><p>No client sessions yet, so nothing to chart "
                "(practice runs are left out).</p>"
            )
            return
        self.chart_note.value = (
            "<h4>Across the visits</h4><p>Client sessions only: practice runs are left out. "
            "Each zone has its own colour, marker and line; both sides of a zone give "
            "their mean (hover a point for each side).</p>"
        )
        self.current_chart.outputs = (figure_output(current_figure(currents)),)
        if any(value is not None for series in comfort for value in series.values):
            self.comfort_chart.outputs = (figure_output(comfort_figure(comfort, comfort_scale())),)

    def _clear(self) -> None:
        """Back to an empty page: nothing of the last client stays on screen."""
        self.record = None
        self.status.value = ""
        self.export_status.value = ""
        for part in (self.summary, self.visits, self.chart_note, self.adjustments, self.sheets):
            part.value = ""
        self.current_chart.outputs = ()
        self.comfort_chart.outputs = ()
        self.plan.clear()
        self.confirm.value = False
        self.confirm.description = "I understand"
        self.body.layout.display = "none"

    # -- export and erasure ---------------------------------------------------------------
    def export(self) -> Path | None:
        """Save the open client's whole record as JSON; the file, or None with a message."""
        if self.record is None or self.store is None:
            return None
        code = self.record["client"]
        try:
            saved = save_export(self.store, code)
        except ProtocolToolsError as error:
            self.export_status.value = _message("error", "Not exported:", str(error))
            return None
        self.export_status.value = _message(
            "done",
            "Exported:",
            f"every visit of {code} is saved in {saved} "
            f"(the folder {export_folder(self.store)} is yours alone).",
        )
        return saved

    def _confirm_changed(self, change: dict) -> None:
        self.erase_button.disabled = not change["new"]

    def erase(self) -> int | None:
        """Erase the open client, once the box is ticked; how many visits went, or None."""
        if self.record is None or self.store is None:
            return None
        code = self.record["client"]
        if not self.confirm.value:
            self.status.value = _message(
                "warning", "Not erased:", f"tick “{self.confirm.description}” first."
            )
            return None
        try:
            visits = forget_client(self.store, code)
        except ProtocolToolsError as error:
            self.status.value = _message("error", "Not erased:", str(error))
            return None
        self._clear()
        self.code.value = ""
        self.refresh_clients()
        self.status.value = _message(
            "done",
            "Erased:",
            f"{code} and {visits} visit{'s' if visits != 1 else ''} are gone from the record. "
            "Files saved outside it (exports, printed sheets, session logs) are not touched.",
        )
        return visits

    def close(self) -> None:
        if self._own_store and self.store is not None:
            self.store.close()
        super().close()


def client_page(store: RecordStore | None = None, *, today: dt.date | None = None) -> ClientPage:
    """The client page on ``store`` (default: the record ``$PROTOCOL_TOOLS_DB`` names)."""
    return ClientPage(store, today=today)

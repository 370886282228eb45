"""The front desk's views (notebook 07): who is due this week, and clinic against home.

    >>> from protocol_tools import cost_comparison, due_board
    >>> due_board()        # the week's list, most urgent first  # doctest: +SKIP
    >>> cost_comparison()  # clinic, home, both over a chosen number of months  # doctest: +SKIP

*Due this week* lists every client overdue or due in the week from the day chosen
(those coming up later when asked), each status as a symbol and words, with the
plan, the last visit, and the protocol and settings of the last session ready to
start from. Settings are read only for the rows on screen, a page at a time, so a
record of a thousand clients opens as fast as one of ten.

*Clinic and home, side by side* compares sessions, time and cost over the months
chosen, with what each option gives and its sources, and prints the comparison.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError
from ..records.history import client_record
from ..records.page_html import table_html
from ..records.store import RecordStore
from ..views.charts import figure_output
from ..views.html import alert_html, opened_or_said
from ..views.palette import DUE_INK
from ..views.plan_charts import cost_figure
from .adherence import DUE_STATUSES, due_list
from .costs import compare_costs, longest_comparison
from .files import save_comparison
from .sheet import comparison_sheet
from .tables import comparison_plans, due_words, plan_name, settings_lines

__all__ = ["CostComparison", "DueBoard", "cost_comparison", "due_board"]

_LABEL = {"description_width": "10rem"}
PAGE_ROWS = 20
_DUE_COLUMNS = (
    ("status", "Status"),
    ("client", "Client"),
    ("due_from", "Due from"),
    ("due_by", "Due by"),
    ("plan", "Plan"),
    ("last_visit", "Last visit"),
    ("protocol", "Protocol last used"),
    ("settings", "Settings last used"),
)
_COST_COLUMNS = (
    ("option", "Option"),
    ("clinic", "Clinic sessions"),
    ("home", "Home sessions"),
    ("time", "Time in all"),
    ("cost", "Cost"),
    ("gives", "What it gives"),
)
_DEFAULT_MONTHS = 12


class DueBoard(widgets.VBox):
    """Who is due, overdue or coming up, a page of rows at a time.

    ``store``: the record (default: the one ``$PROTOCOL_TOOLS_DB`` names); ``today``:
    the week's default first day (default: the real today).
    """

    def __init__(self, store: RecordStore | None = None, *, today: dt.date | None = None) -> None:
        self._own_store = store is None
        self.rows: list[dict[str, Any]] = []
        self.first = 0
        self.week = widgets.DatePicker(
            description="Week starting", value=today or dt.date.today(), style=_LABEL
        )
        self.later = widgets.Checkbox(
            value=False, description="Also list clients coming up later", indent=False
        )
        self.refresh_button = widgets.Button(
            description="Refresh", icon="refresh", tooltip="Read the record again"
        )
        self.previous_button = widgets.Button(
            description="Previous rows", icon="arrow-left", tooltip="The rows before these"
        )
        self.next_button = widgets.Button(
            description="Next rows", icon="arrow-right", tooltip="The rows after these"
        )
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        self.place = widgets.HTML()
        super().__init__(
            [
                widgets.HTML(
                    "<h3>Due this week</h3><p>Overdue first, then due this week, most urgent "
                    "first. The protocol and settings of each client's last session are "
                    "ready to start from.</p>"
                ),
                widgets.HBox([self.week, self.later, self.refresh_button]),
                self.summary,
                self.table,
                widgets.HBox([self.previous_button, self.next_button, self.place]),
            ]
        )
        self.add_class("pt-due-board")
        self.week.observe(lambda _: self.refresh(), names="value")
        self.later.observe(lambda _: self.refresh(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.previous_button.on_click(lambda _: self.turn(-1))
        self.next_button.on_click(lambda _: self.turn(1))
        self.store: RecordStore | None = opened_or_said(
            store, RecordStore, self.summary, (self.week, self.later, self.refresh_button)
        )
        if self.store is None:
            self._show_page()
            return
        self.refresh()

    def refresh(self) -> None:
        """Read the list again for the week chosen; back to the first page."""
        if self.store is None:
            return
        if self.week.value is None:
            self.summary.value = alert_html("warning", "", "Choose the week's first day.")
            return
        try:
            rows = due_list(self.store, self.week.value)
        except ProtocolToolsError as error:
            self.summary.value = alert_html("error", "The list cannot be read:", str(error))
            return
        counts = {status: sum(1 for r in rows if r["status"] == status) for status in DUE_STATUSES}
        self.rows = rows if self.later.value else [r for r in rows if r["status"] != "upcoming"]
        self.first = 0
        self.summary.value = (
            "<p>"
            + " · ".join(
                f"{html.escape(due_words(status))}: <strong>{counts[status]}</strong>"
                for status in DUE_STATUSES
            )
            + "</p>"
        )
        self._show_page()

    def turn(self, step: int) -> None:
        """Show the next (``1``) or previous (``-1``) page of rows."""
        last = max(0, (len(self.rows) - 1) // PAGE_ROWS * PAGE_ROWS)
        self.first = min(max(0, self.first + step * PAGE_ROWS), last)
        self._show_page()

    def _show_page(self) -> None:
        shown = self.rows[self.first : self.first + PAGE_ROWS]
        cells = [self._cells(row) for row in shown]
        self.table.value = table_html(
            f"Clients due in the week from {self.week.value}",
            _DUE_COLUMNS,
            cells,
            empty="Nobody is due or overdue in this week.",
            css_class="pt-due",
            inks=[{"status": DUE_INK.get(row["status"], "")} for row in shown],
        )
        count = len(self.rows)
        self.place.value = (
            f"<p>Rows {self.first + 1}–{self.first + len(shown)} of {count}</p>" if count else ""
        )
        self.previous_button.disabled = self.first == 0
        self.next_button.disabled = self.first + PAGE_ROWS >= count

    def _cells(self, row: dict[str, Any]) -> dict[str, str]:
        """A row in words, with the last session's protocol and settings (read now)."""
        protocol, lines = "", []
        if self.store is not None and row["last_visit"]:
            try:
                carried = client_record(self.store, row["client"])["carry_forward"]
            except ProtocolToolsError:
                carried = {}
            protocol, lines = settings_lines(carried)
        return {
            "status": due_words(row["status"]),
            "client": row["client"],
            "due_from": row["due_from"],
            "due_by": row["due_by"],
            "plan": plan_name(row["plan"]),
            "last_visit": row["last_visit"] or "—",
            "protocol": protocol or "—",
            "settings": "; ".join(lines) or "—",
        }

    def close(self) -> None:
        if self._own_store and self.store is not None:
            self.store.close()
        super().close()


class CostComparison(widgets.VBox):
    """Clinic only, home device only, and both, over a number of months."""

    def __init__(self, months: int = _DEFAULT_MONTHS, *, folder: Path | None = None) -> None:
        self.folder = folder
        longest = longest_comparison()
        self.months = widgets.BoundedIntText(
            value=min(months, longest),
            min=1,
            max=longest,
            description="Months to compare",
            style=_LABEL,
            layout=widgets.Layout(width="16rem"),
        )
        self.print_button = widgets.Button(
            description="Print the comparison (PDF)",
            icon="print",
            tooltip="Save the comparison as a PDF to print",
            layout=widgets.Layout(width="16rem"),
        )
        self.chart = widgets.Output()
        self.table = widgets.HTML()
        self.status = widgets.HTML()
        super().__init__(
            [
                widgets.HTML(
                    "<h3>Clinic and home, side by side</h3><p>Sessions, time and cost over "
                    "the months chosen, and what each option gives, as the sources say.</p>"
                ),
                widgets.HBox([self.months, self.print_button]),
                self.chart,
                self.table,
                self.status,
            ]
        )
        self.add_class("pt-costs")
        self.months.observe(lambda _: self.show(), names="value")
        self.print_button.on_click(lambda _: self.print())
        self.show()

    def show(self) -> None:
        """Compare over the months chosen: the chart, the table and the sources."""
        self.status.value = ""
        try:
            rows = compare_costs(self.months.value)
        except ProtocolToolsError as error:
            self.status.value = alert_html("error", "Not compared:", str(error))
            return
        self.chart.outputs = (figure_output(cost_figure(rows)),)
        sheet = comparison_sheet(self.months.value)
        sources = "".join(f"<li>{html.escape(text)}</li>" for text in sheet["sources"])
        self.table.value = (
            table_html(
                f"Over {self.months.value} months",
                _COST_COLUMNS,
                sheet["rows"],
                empty="Nothing to compare.",
                css_class="pt-cost-table",
            )
            + f"<p>{html.escape(comparison_plans())} Prices are the clinic's own figures "
            "(data/costs.yaml); a home device is bought once.</p>"
            + f"<h4>Sources</h4><ul>{sources}</ul>"
        )

    def print(self) -> Path | None:
        """Save the comparison as a PDF; the file, or None with a message."""
        try:
            saved = save_comparison(self.months.value, folder=self.folder)
        except ProtocolToolsError as error:
            self.status.value = alert_html("error", "Not printed:", str(error))
            return None
        self.status.value = alert_html("done", "Saved to print:", str(saved))
        return saved


def due_board(store: RecordStore | None = None, *, today: dt.date | None = None) -> DueBoard:
    """The front desk's list on ``store`` (default: the record ``$PROTOCOL_TOOLS_DB`` names)."""
    return DueBoard(store, today=today)


def cost_comparison(months: int = _DEFAULT_MONTHS, *, folder: Path | None = None) -> CostComparison:
    """Clinic, home and both over ``months``; prints into ``folder`` (default: the
    sheets folder, ``$PROTOCOL_TOOLS_SHEETS``)."""
    return CostComparison(months, folder=folder)

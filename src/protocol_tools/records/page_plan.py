"""The client page's "Treatment plan" section: choose a plan, see its dates against
the visits made, log home sessions, and save the calendar and the take-home sheet.

    >>> from protocol_tools import client_page
    >>> client_page().plan  # the section, once a client is open  # doctest: +SKIP

For each plan the client follows (one clinic plan, one home routine at most): the
adherence in one sentence ("7 of 9 visits due so far were on time (78%)"), the
statuses as bars, a calendar chart (planned dates hollow, visits made filled, each
status its own marker shape and words, today marked) and every date in a table.
Files go to the record's private exports folder (:mod:`.exports`), and the page
says where. A name reaches a file only while the page shows it (*Show name*).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError
from ..series.adherence import client_adherence
from ..series.files import save_calendars, save_plan_sheet
from ..series.schedule import find_plan
from ..series.tables import (
    adherence_sentence,
    kind_words,
    phase_words,
    plan_choices,
    slot_table_rows,
    what_is_counted,
)
from ..views.charts import figure_output
from ..views.html import alert_html
from ..views.plan_charts import adherence_figure, plan_calendar_figure
from .exports import export_folder
from .page_html import table_html
from .plans import choose_plan, log_home_session
from .store import RecordStore

__all__ = ["PlanPanel"]

_LABEL = {"description_width": "9rem"}
_SLOT_COLUMNS = (
    ("number", "#"),
    ("phase", "Phase"),
    ("date", "Planned date"),
    ("late_after", "On time until"),
    ("status", "Status"),
    ("made", "Made on"),
)
_DEFAULT_MINUTES = 10
_MAX_MINUTES = 599  # the record's bound: below 600


class PlanPanel(widgets.VBox):
    """One client's plans: choose, chart, log home sessions, save the files.

    ``store``: the record; ``today``: the day adherence is counted to (default: the
    real today, read each time); ``name``: gives the client's name when the page
    shows it, else None (files then carry the code only).
    """

    def __init__(
        self,
        store: RecordStore | None,
        *,
        today: dt.date | None = None,
        name: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.store = store
        self.code: str | None = None
        self._today = today
        self.name = name
        self._build_chooser()
        self._build_home_log()
        self._build_files()
        self.plans = widgets.VBox()
        super().__init__(
            [
                widgets.HTML(
                    "<h4>Treatment plan</h4><p>Choose a plan and its first day, then press "
                    "<em>Start this plan</em>. A clinic plan counts the client's visits, a "
                    "home routine the home sessions logged below. Choosing a new plan of the "
                    "same kind ends the old one on the new one's first day.</p>"
                ),
                widgets.HBox([self.plan, self.start]),
                widgets.HBox([self.choose_button, self.status]),
                self.plans,
                self.home_box,
                widgets.HBox([self.ics_button, self.sheet_button]),
                self.files_status,
            ]
        )
        self.add_class("pt-plan")

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # -- building ---------------------------------------------------------------------
    def _build_chooser(self) -> None:
        self.plan = widgets.Dropdown(
            options=plan_choices(),
            description="Plan",
            style=_LABEL,
            layout=widgets.Layout(width="34rem"),
        )
        self.start = widgets.DatePicker(description="First day", value=self.today, style=_LABEL)
        self.choose_button = widgets.Button(
            description="Start this plan",
            icon="check",
            button_style="primary",
            tooltip="Put this client on the chosen plan from the first day",
            layout=widgets.Layout(width="12rem"),
        )
        self.status = widgets.HTML()
        self.choose_button.on_click(lambda _: self.choose())

    def _build_home_log(self) -> None:
        self.home_day = widgets.DatePicker(
            description="Home session on", value=self.today, style=_LABEL
        )
        self.home_minutes = widgets.BoundedIntText(
            value=_DEFAULT_MINUTES,
            min=1,
            max=_MAX_MINUTES,
            description="Minutes",
            style=_LABEL,
            layout=widgets.Layout(width="14rem"),
        )
        self.home_button = widgets.Button(
            description="Log a home session",
            icon="plus",
            tooltip="Note a session the client did with their own device",
            layout=widgets.Layout(width="14rem"),
        )
        self.home_status = widgets.HTML()
        self.home_button.on_click(lambda _: self.log_home())
        self.home_box = widgets.VBox(
            [
                widgets.HTML(
                    "<h4>Home sessions</h4><p>Log each session the client reports doing "
                    "at home; the home routine counts them.</p>"
                ),
                widgets.HBox([self.home_day, self.home_minutes, self.home_button]),
                self.home_status,
            ],
            layout=widgets.Layout(display="none"),
        )

    def _build_files(self) -> None:
        self.ics_button = widgets.Button(
            description="Save calendar (.ics)",
            icon="calendar",
            tooltip="Save the dates still to come as a calendar file",
            layout=widgets.Layout(width="14rem"),
        )
        self.sheet_button = widgets.Button(
            description="Save take-home plan sheet (PDF)",
            icon="print",
            tooltip="Save the plan sheet to print and give to the client",
            layout=widgets.Layout(width="20rem"),
        )
        self.files_status = widgets.HTML()
        self.ics_button.on_click(lambda _: self.save_calendar())
        self.sheet_button.on_click(lambda _: self.save_sheet())

    # -- showing ----------------------------------------------------------------------
    def show(self, code: str) -> None:
        """Show client ``code``'s plans (a message when none is chosen yet)."""
        self.code = code
        self.status.value = ""
        self.files_status.value = ""
        self.home_status.value = ""
        self.refresh()

    def clear(self) -> None:
        """Nothing of the last client stays on screen."""
        self.code = None
        for part in (self.status, self.files_status, self.home_status):
            part.value = ""
        self.plans.children = ()
        self.home_box.layout.display = "none"

    def refresh(self) -> None:
        """Read the client's plans again and draw them."""
        if self.code is None or self.store is None:
            return
        try:
            plans = client_adherence(self.store, self.code, self.today)
        except ProtocolToolsError as error:
            self.status.value = alert_html("error", "The plan cannot be read:", str(error))
            return
        if not plans:
            note = f"{self.code} follows no plan yet: choose one above."
            self.plans.children = (widgets.HTML(alert_html("note", "", note)),)
        else:
            self.plans.children = tuple(
                self._plan_view(kind, plans[kind]) for kind in ("clinic", "home") if kind in plans
            )
        self.home_box.layout.display = "flex" if "home" in plans else "none"
        for button in (self.ics_button, self.sheet_button):
            button.disabled = not plans

    def _plan_view(self, kind: str, plan: dict[str, Any]) -> widgets.VBox:
        """One plan: sentence, adherence bars, calendar and the table of dates."""
        one, many = what_is_counted(kind)
        entry = find_plan(plan["plan"])
        phases = "".join(
            f"<li>{html.escape(p.name)}: {html.escape(phase_words(p, kind))}</li>"
            for p in entry.phases
        )
        sentence = adherence_sentence(plan["summary"], kind)
        heading = widgets.HTML(
            f"<h4>{html.escape(kind_words(kind).capitalize())}: {html.escape(plan['name'])}</h4>"
            f"<p>From {html.escape(plan['start'])}.</p><ul>{phases}</ul>"
            f'<p class="pt-adherence" style="font-size:1.25em"><strong>'
            f"{html.escape(sentence)}</strong></p>"
        )
        bars, calendar = widgets.Output(), widgets.Output()
        bars.outputs = (figure_output(adherence_figure(plan["summary"], noun=many)),)
        calendar.outputs = (figure_output(plan_calendar_figure(plan, self.today, noun=one)),)
        note = widgets.HTML(
            "<p>On the calendar, a hollow marker is a planned date and a filled one a "
            f"{one} made; each status has its own shape and words (hover a marker). "
            "The dashed line is today.</p>"
        )
        table = table_html(
            f"Every date of the plan ({len(plan['slots'])})",
            _SLOT_COLUMNS,
            slot_table_rows(plan["slots"]),
            empty="The plan has no dates.",
            css_class=f"pt-plan-dates pt-plan-dates-{kind}",
        )
        dates = widgets.HTML(
            f"<details><summary>Show every date of the plan, with its status</summary>"
            f"{table}</details>"
        )
        box = widgets.VBox([heading, bars, note, calendar, dates])
        box.add_class(f"pt-plan-{kind}")
        return box

    # -- actions ----------------------------------------------------------------------
    def choose(self) -> dict[str, str] | None:
        """Put the open client on the chosen plan; what was stored, or None."""
        if self.code is None or self.store is None:
            return None
        if self.start.value is None:
            self.status.value = alert_html("warning", "Not started:", "choose the first day.")
            return None
        try:
            chosen = choose_plan(self.store, self.code, self.plan.value, self.start.value)
        except ProtocolToolsError as error:
            self.status.value = alert_html("error", "Not started:", str(error))
            return None
        label = self.plan.label
        self.refresh()
        self.status.value = alert_html(
            "done", "Started:", f"{self.code} follows {label} from {chosen['start']}."
        )
        return chosen

    def log_home(self) -> bool:
        """Note a home session of the open client; False with a message if refused."""
        if self.code is None or self.store is None:
            return False
        day = self.home_day.value
        if day is None:
            self.home_status.value = alert_html("warning", "Not logged:", "choose the day.")
            return False
        try:
            log_home_session(self.store, self.code, day, minutes=self.home_minutes.value)
        except ProtocolToolsError as error:
            self.home_status.value = alert_html("error", "Not logged:", str(error))
            return False
        self.refresh()
        self.home_status.value = alert_html(
            "done", "Logged:", f"a home session of {self.home_minutes.value} minutes on {day}."
        )
        return True

    def _folder_words(self) -> str:
        assert self.store is not None
        return f"(the folder {export_folder(self.store)} is yours alone)"

    def save_calendar(self) -> list[Path]:
        """Save the open client's calendar files; the files (none with a message)."""
        if self.code is None or self.store is None:
            return []
        try:
            saved = save_calendars(self.store, self.code, today=self.today, name=self.name())
        except ProtocolToolsError as error:
            self.files_status.value = alert_html("error", "Not saved:", str(error))
            return []
        files = ", ".join(str(path) for path in saved)
        self.files_status.value = alert_html(
            "done", "Calendar saved:", f"{files} {self._folder_words()}. Open it with any calendar."
        )
        return saved

    def save_sheet(self) -> Path | None:
        """Save the open client's take-home plan sheet; the PDF, or None with a message."""
        if self.code is None or self.store is None:
            return None
        try:
            saved = save_plan_sheet(
                self.store, self.code, today=self.today, client_name=self.name()
            )
        except ProtocolToolsError as error:
            self.files_status.value = alert_html("error", "Not saved:", str(error))
            return None
        self.files_status.value = alert_html(
            "done", "Plan sheet saved:", f"{saved} {self._folder_words()}."
        )
        return saved

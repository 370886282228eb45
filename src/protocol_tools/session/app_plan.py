"""The client's treatment plan at the end of a guided session: where they stand, and
a plan to put them on (issue 12's plan in the visit flow).

Shown under the summary for a client visit (never for practice): the clinic plan
the client follows, how they keep to it and the next date; or, with no plan yet, a
choice of plans to start from today. The client page (notebook 06) has the whole
plan: dates, calendar chart, home sessions, the take-home sheet.
"""

from __future__ import annotations

import datetime as dt
import html

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError
from ..records.plans import choose_plan
from ..records.store import RecordStore
from ..series.adherence import client_adherence
from ..series.tables import adherence_sentence, plan_choices, plan_name
from ..views.html import alert_html

__all__ = ["PlanBox"]

_LABELS = {"description_width": "initial"}


class PlanBox(widgets.VBox):
    """The client's clinic plan, and a choice to start one from the session's day."""

    def __init__(self) -> None:
        self.standing = widgets.HTML()
        self.picker = widgets.Dropdown(
            options=plan_choices(),
            description="Treatment plan",
            style=_LABELS,
            layout=widgets.Layout(width="36rem"),
        )
        self.start_button = widgets.Button(
            description="Start this plan today",
            tooltip="Put the client on this plan from today; their next dates follow from it",
            layout=widgets.Layout(width="14rem", height="2.6rem"),
        )
        self.message = widgets.HTML()
        self._client: tuple[RecordStore, str, dt.date] | None = None
        self.start_button.on_click(lambda _button: self.start())
        super().__init__(
            [
                widgets.HTML("<h4>Treatment plan</h4>"),
                self.standing,
                self.picker,
                self.start_button,
                self.message,
            ],
            layout=widgets.Layout(display="none"),
        )

    def show(self, store: RecordStore, code: str, today: dt.date) -> None:
        """Show client ``code``'s plan as of ``today`` (the session's day)."""
        self._client = (store, code, today)
        self.message.value = ""
        self._draw()
        self.layout.display = "flex"

    def _draw(self) -> None:
        assert self._client is not None
        store, code, today = self._client
        try:
            plans = client_adherence(store, code, today)
        except ProtocolToolsError as error:
            self.standing.value = alert_html("error", "The plan cannot be shown:", str(error))
            return
        clinic = plans.get("clinic")
        if clinic is None:
            self.standing.value = (
                f"<p>{html.escape(code)} follows no plan yet: the next visit is due in the "
                "usual 4 to 6 weeks. Choose a plan to give them dates.</p>"
            )
            return
        upcoming = next((s for s in clinic["slots"] if s["made"] is None), None)
        following = (
            f" Next visit: from {upcoming['date']}, on time until {upcoming['late_after']}."
            if upcoming
            else " Every visit of the plan is made."
        )
        self.standing.value = (
            f"<p><strong>{html.escape(plan_name(clinic['plan']))}</strong> since "
            f"{clinic['start']}. {html.escape(adherence_sentence(clinic['summary'], 'clinic'))}"
            f"{html.escape(following)}</p>"
        )

    def start(self) -> dict[str, str] | None:
        """Put the client on the chosen plan from the session's day."""
        if self._client is None or not self.picker.value:
            return None
        store, code, today = self._client
        try:
            chosen = choose_plan(store, code, self.picker.value, today)
        except ProtocolToolsError as error:
            self.message.value = alert_html("error", "Plan not started:", str(error))
            return None
        self.message.value = alert_html(
            "done", "Plan started:", f"{plan_name(chosen['plan'])} from {chosen['start']}."
        )
        self._draw()
        return chosen

    def clear(self) -> None:
        """Nothing of the last client left."""
        self._client = None
        self.layout.display = "none"
        self.standing.value = self.message.value = ""

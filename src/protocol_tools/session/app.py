"""The guided-session app: client and protocol, screening, prep, timer, the end.

What ``notebooks/02_guided_session.ipynb`` shows (also as a Voilà app, ``make app``)::

    >>> from protocol_tools import guided_session
    >>> app = guided_session()
    >>> app.timer.locked
    True
    >>> print(app.blockers[0])
    enter the client code: a short client code ...
    >>> app                             # shows the app  # doctest: +SKIP

Start stays locked while :mod:`~protocol_tools.session.gate` finds something
missing. The visit goes into the client record as it runs (every event the moment
it is logged); a rehearsal or a synthetic client is stored as practice, never as a
client visit. *Next client* clears the page of everything about this client.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError, SessionError
from ..core.privacy import check_client_code
from ..protocols.loading import Library, load_library
from ..protocols.model import Protocol
from ..records.sessions import VisitRecorder
from ..records.store import RecordStore
from ..screening.form import IntakeForm
from ..training.trainee_account import keep_rehearsal
from ..views.html import error_html
from .app_client import CHECKED_LABEL, ClientPanel, ClientSteps
from .app_finish import FinishPanel
from .app_parts import SPEEDS, OverrideBox, drafts_html, practice_words, prep_boxes
from .app_visit import VisitKeeper, status_html, visit_fields
from .gate import (
    DOCTOR_NOTE_LABEL,
    override_rule,
    practice_intake_on,
    prep_checklist,
    screening_day_blocker,
    start_blockers,
)
from .timer import SessionTimer

# The gate's names stay importable from here, where they were before the gate moved out.
__all__ = [
    "DOCTOR_NOTE_LABEL",
    "SPEEDS",
    "GuidedSession",
    "guided_session",
    "practice_intake_on",
    "prep_checklist",
    "screening_day_blocker",
    "start_blockers",
]

_LABELS = {"description_width": "initial"}


class GuidedSession(ClientSteps, widgets.VBox):
    """The whole guided session as one widget: client, protocol, screening, prep, run, end.

    ``GuidedSession(library=None, sessions_dir=None, today=None, store=None)``;
    ``app.timer`` is the current :class:`SessionTimer`, ``app.form`` the intake form,
    ``app.recorder`` the visit being stored. ``today`` fixes the session day (a date,
    for tests and rehearsals) or says how to read it (a function returning the
    date); by default it is the computer's date, read afresh at every check, so an
    app left open past midnight screens for the new day. ``store`` is the client
    record (default: :class:`RecordStore` at its usual place, opened at first use).
    """

    def __init__(
        self,
        library: Library | None = None,
        sessions_dir: str | Path | None = None,
        *,
        today: dt.date | Callable[[], dt.date] | None = None,
        store: RecordStore | None = None,
    ) -> None:
        self.library = library if library is not None else load_library()
        self._session_day = today
        self._store = store
        self.checklist = prep_checklist()
        self.timer: SessionTimer | None = None
        self.visit = VisitKeeper(lambda: self.records)
        self._recorded_start = False
        self._practice_code: str | None = None
        self._form_day = self.today  # the day the form's Date question was last set to
        self.client = ClientPanel()
        self.finish = FinishPanel(sessions_dir)
        super().__init__(
            [
                *self._build_client_and_protocol(),
                *self._build_screening(),
                *self._build_prep(),
                *self._build_session(),
            ]
        )
        self.add_class("pt-guided-session")
        self._connect()
        self._new_timer()

    # -- the sections, in the order the page shows them ----------------------------
    def _build_client_and_protocol(self) -> list[widgets.Widget]:
        """1. Client and protocol: the code (found in the record), the protocol, the speed."""
        ready = [
            (f"{p.name} — {p.id} ({p.total_seconds / 60:.0f} min)", p.id)
            for p in self.library.values()
        ]
        self.protocol_picker = widgets.Dropdown(
            options=ready,
            value=ready[0][1] if ready else None,
            description="Protocol",
            style=_LABELS,
            layout=widgets.Layout(width="36rem"),
        )
        self.drafts = widgets.HTML(drafts_html(self.library))
        self.speed_picker = widgets.Dropdown(
            options=SPEEDS, value=1.0, description="Speed", style=_LABELS
        )
        return [
            widgets.HTML("<h3>1. Client and protocol</h3>"),
            *self._build_client(),
            self.protocol_picker,
            self.drafts,
            self.speed_picker,
            self.client.banner,
            self.client.carried,
        ]

    def _build_screening(self) -> list[widgets.Widget]:
        """2. Screening: today's intake (empty, or last visit's to check), the override."""
        self.form = IntakeForm(date=self.today)
        self.screening_note = widgets.HTML()
        self.override_box = OverrideBox()
        self.override = self.override_box.override
        self.override_reason = self.override_box.reason
        self.doctor_note = self.override_box.doctor_note
        return [
            widgets.HTML(
                "<h3>2. Screening</h3><p>Today's answers, asked today: the form starts "
                "empty. For a returning client, <em>Same as last visit</em> fills in last "
                "time's answers for you to check one by one with the client.</p>"
            ),
            self.client.same_button,
            self.client.filled_note,
            self.client.checked,
            self.form,
            self.screening_note,
            self.override_box,
        ]

    def _build_prep(self) -> list[widgets.Widget]:
        """3. Prep checklist: one box per item of ``session_care.yaml``."""
        self.prep_boxes = prep_boxes(self.checklist)
        return [widgets.HTML("<h3>3. Prep checklist</h3>"), *self.prep_boxes.values()]

    def _build_session(self) -> list[widgets.Widget]:
        """4. The session: what still locks Start, the timer, the end, the next client."""
        self.status = widgets.HTML()
        self.timer_area = widgets.VBox()
        self.next_button = widgets.Button(
            description="Next client",
            tooltip="Clear everything about this client from the page, for the next one",
            layout=widgets.Layout(width="14rem", height="2.6rem"),
        )
        return [
            widgets.HTML("<h3>4. The session</h3>"),
            self.status,
            self.timer_area,
            self.finish,
            widgets.HTML(
                "<h3>5. Next client</h3><p>Clears this client from the page: code, answers, "
                "ticks, tables and timer. What was stored stays in the record.</p>"
            ),
            self.next_button,
        ]

    def _connect(self) -> None:
        self.protocol_picker.observe(self._protocol_changed, names="value")
        self.speed_picker.observe(self._new_timer, names="value")
        self.client_code.observe(self._client_changed, names="value")
        self.practice_picker.observe(self._practice, names="value")
        self.client.find_button.on_click(lambda _button: self.find_client())
        self.client.same_button.on_click(lambda _button: self.same_as_last_visit())
        self.client.checked.observe(self._update, names="value")
        self.form.observe(self._screened, names="result")
        # A Screen press that gives the same result as before changes nothing the
        # observer sees; the day may have changed since, so check again.
        self.form.button.on_click(lambda _button: self._update())
        for control in (self.override, self.override_reason, self.doctor_note):
            control.observe(self._update, names="value")
        for box in self.prep_boxes.values():
            box.observe(self._update, names="value")
        self.finish.save_button.on_click(lambda _button: self.save())
        self.finish.on_comfort(self.visit.set_comfort)
        self.next_button.on_click(lambda _button: self.next_client())

    # -- what the page holds ------------------------------------------------------------
    @property
    def protocol(self) -> Protocol | None:
        key = self.protocol_picker.value
        return self.library.protocols.get(key) if key else None

    @property
    def today(self) -> dt.date:
        """The session day: the one a screening must be answered for."""
        day = self._session_day
        if callable(day):
            return day()
        return day or dt.date.today()

    @property
    def records(self) -> RecordStore:
        """The client record, opened at first use."""
        if self._store is None:
            self._store = RecordStore()
        return self._store

    @property
    def recorder(self) -> VisitRecorder | None:
        """The visit being stored (None before Start, or if the record refused it)."""
        return self.visit.recorder

    @property
    def practice(self) -> bool:
        """A rehearsal (speed other than real time) or a synthetic client: stored as
        practice, never as a client visit."""
        return self.speed_picker.value != 1 or bool(self.practice_picker.value)

    @property
    def blockers(self) -> list[str]:
        """What still keeps Start locked ([] when the session may start)."""
        overriding = self.override.value
        blockers = start_blockers(
            protocol=self.protocol,
            client_code=self.client_code.value,
            result=self.form.result,
            override_reason=self.override_reason.value if overriding else "",
            prep_done={key: box.value for key, box in self.prep_boxes.items()},
            checklist=self.checklist,
            today=self.today,
            practice=self.practice,
            doctor_note=overriding and self.doctor_note.value,
        )
        code, loaded = self._code(), self.client.loaded
        if code and (loaded is None or loaded.code != code):
            blockers.append("press Find client to look the client up in the record")
        if self.client.unchecked:
            blockers.append(
                "check every answer filled in from the last visit with the client, then tick "
                f"“{CHECKED_LABEL}”"
            )
        return blockers

    # -- reacting -------------------------------------------------------------------------
    def _protocol_changed(self, _change: object = None) -> None:
        self._new_timer()
        self._show_carried()

    def _new_timer(self, _change: object = None) -> None:
        if self.timer is not None and self.timer.status in ("running", "paused"):
            return  # the pickers are disabled while a session runs; nothing to rebuild
        if self.timer is not None:
            self.timer.close()  # its front end stops its clock and sound
        self.timer = None
        self.visit.reset()
        self.timer_area.children = ()
        self.finish.clear()
        self._recorded_start = False
        protocol = self.protocol
        if protocol is not None:
            try:
                self.timer = SessionTimer(protocol, speed=self.speed_picker.value)
            except ProtocolToolsError as error:
                # The reason in words, the findings listed without their rule codes.
                self.timer_area.children = (
                    widgets.HTML(error_html(error, "This protocol cannot be run:")),
                )
            else:
                self.timer.observe(self._timer_changed, names="status")
                self.timer_area.children = (self.timer,)
        self._update()

    def _follow_the_day(self) -> None:
        """Past midnight, set the form's Date question to the new day: the old day's
        screening no longer counts, and a Screen press must screen for today. (Setting
        it clears the form's result, which calls :meth:`_update` again, once.)"""
        today = self.today
        if today != self._form_day:
            self._form_day = today
            self.form.fill({"date": today})

    def _screened(self, _change: object = None) -> None:
        """A client's screening that refuses treatment today goes into the record now,
        so the refusal is kept even if no session follows."""
        result, intake = self.form.result, self.form.intake
        refused = result is not None and not result.allows_treatment
        self.screening_note.value = ""
        if refused and not self.practice and result.date == self.today and intake is not None:
            self.screening_note.value = self.visit.store_refusal(result, intake)
        self._update()

    def _update(self, _change: object = None) -> None:
        self._follow_the_day()
        self.form.button.disabled = self.client.unchecked
        result = self.form.result
        blocked_by_screening = (
            result is not None
            and not result.allows_treatment
            and screening_day_blocker(result.date, self.today) is None
        )
        rule = override_rule(result.outcome, practice=self.practice) if result else None
        self.override_box.show(rule if blocked_by_screening else None)
        practice = practice_words(self.speed_picker.value, self.practice_picker.value)
        self.client.show_practice(practice)
        blockers = self.blockers
        self.status.value = status_html(
            self.timer.status if self.timer is not None else "ready",
            blockers,
            overridden=blocked_by_screening,
            practice=practice,
            problem=self.visit.problem,
        )
        if self.timer is not None and self.timer.status == "ready":
            self.timer.locked = bool(blockers)
            self.timer.locked_reason = "; ".join(blockers)
            if not blockers:
                self.timer.client_code = check_client_code(self.client_code.value, SessionError)

    def _timer_changed(self, change: Any) -> None:
        # Until Next client, the page belongs to this client's session.
        busy = change.new in ("running", "paused", "finished")
        pickers = (self.protocol_picker, self.speed_picker, self.client_code, self.practice_picker)
        for control in (*pickers, self.client.find_button):
            control.disabled = busy
        self.next_button.disabled = change.new in ("running", "paused")
        if change.new == "running" and not self._recorded_start:
            self._recorded_start = True
            self._open_visit()
            self._record_start()
        if change.new == "finished":
            self._close_visit()
        self._update()

    # -- the visit in the record ----------------------------------------------------------
    def _open_visit(self) -> None:
        """Open the visit in the record and store every event from now on."""
        timer, result = self.timer, self.form.result
        if timer is None or result is None:
            return
        fields = visit_fields(
            day=self.today,
            result=result,
            intake=self.form.intake,
            speed=timer.speed,
            practice_client=bool(self.practice_picker.value),
            override_reason=self.override_reason.value,
            doctor_note=self.doctor_note.value,
            session_id=timer.session_id,
        )
        code = self.client_code.value.strip()
        self.visit.open(code, timer.protocol, timer.session_record, fields)

    def _record_start(self) -> None:
        timer = self.timer
        result = self.form.result
        if timer is None or result is None:
            return
        reasons = "; ".join(reason.reason for reason in result.reasons) or "none"
        timer.record("screening", reason=f"{result.outcome}: {reasons}")
        if not result.allows_treatment:
            timer.record("override", reason=self.override_reason.value.strip())
        done = ", ".join(key for key, box in self.prep_boxes.items() if box.value)
        timer.record("prep_checked", reason=done)

    def _close_visit(self) -> None:
        if self.timer is not None:
            stored = self.visit.finish(self.timer.session_record, self.client_code.value.strip())
            if self.practice:  # a rehearsal: the signed-in trainee's training record too
                stored += keep_rehearsal(
                    lambda: self.records,
                    protocol_id=self.timer.protocol.id,
                    speed=self.timer.speed,
                    steps=self.timer.session_record.steps,
                    results=self.timer.session_record.step_results(),
                )
            self.finish.show(self.timer, stored)
            recorder = self.visit.recorder
            if recorder is not None and not recorder.practice:  # a plan is for a client
                self.finish.plan.show(self.records, recorder.code, self.today)

    def save(self) -> Path | None:
        """Also save the log as CSV in the chosen folder; show where, or what went wrong."""
        return self.finish.save_log(self.timer)

    def next_client(self) -> None:
        """Clear the page of this client: code, answers, override, ticks, tables, timer."""
        if self.timer is not None and self.timer.status in ("running", "paused"):
            return
        if self.timer is not None:
            self.timer.close()
            self.timer = None
        self._practice_code = None
        self.visit.forget_client()
        self.client.forget()
        self.client_code.value = ""
        self.practice_picker.value = ""
        self.speed_picker.value = 1.0  # a rehearsal never carries over to a real client
        self.override_box.clear()
        for box in self.prep_boxes.values():
            box.value = False
        self._form_day = self.today
        self.form.clear(date=self.today)
        self.screening_note.value = ""
        pickers = (self.protocol_picker, self.speed_picker, self.client_code, self.practice_picker)
        for control in (*pickers, self.client.find_button):
            control.disabled = False
        self._new_timer()


def guided_session(
    folder: str | Path | None = None, sessions_dir: str | Path | None = None
) -> GuidedSession:
    """The guided-session app for the protocols in ``folder`` (default: the library)."""
    return GuidedSession(load_library(folder), sessions_dir=sessions_dir)

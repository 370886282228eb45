"""The guided-session app: protocol, client, screening, prep, timer, summary, log.

What ``notebooks/02_guided_session.ipynb`` shows (also as a Voilà app, ``make app``)::

    >>> from protocol_tools import guided_session
    >>> app = guided_session()
    >>> app.timer.locked
    True
    >>> print(app.blockers[0])
    enter the client code: a short client code ...
    >>> app                             # shows the app  # doctest: +SKIP

Start stays locked while :mod:`~protocol_tools.session.gate` finds something
missing; an override of the screening, with its reason, lands in the session log.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError, SessionError
from ..core.privacy import check_client_code
from ..protocols.loading import Library, load_library
from ..protocols.model import Protocol
from ..screening.form import IntakeForm
from ..screening.intake import load_intake
from ..screening.rules import practice_clients
from ..views.palette import BACKDROP, RULE
from .gate import (
    practice_intake_on,
    prep_checklist,
    screening_day_blocker,
    start_blockers,
)
from .record import default_sessions_dir
from .timer import SessionTimer

# The gate's names stay importable from here, where they were before the gate moved out.
__all__ = [
    "GuidedSession",
    "guided_session",
    "practice_intake_on",
    "prep_checklist",
    "screening_day_blocker",
    "start_blockers",
]

# Rehearsal speeds offered in the app; the timer accepts any speed up to its maximum.
SPEEDS = (("Real time", 1.0), ("Rehearsal: 10× faster", 10.0), ("Rehearsal: 60× faster", 60.0))
_LABELS = {"description_width": "initial"}
_SUMMARY_STYLE = (
    "<style>.pt-summary{border-collapse:collapse;font-size:1.05rem}"
    ".pt-summary th,.pt-summary td{padding:.25rem .6rem;text-align:left;"
    f"border-bottom:1px solid {RULE}}}.pt-summary th{{background:{BACKDROP}}}"
    ".pt-summary td:nth-child(8){white-space:nowrap}</style>"
)


def _heading(column: str) -> str:
    """A summary column's heading: ``planned_s`` is "Planned (s)"."""
    return column.removesuffix("_s").capitalize() + (" (s)" if column.endswith("_s") else "")


def _box_html(title: str, body: str, kind: str) -> str:
    return (
        f'<div class="pt-app-note pt-app-{kind}" role="status"><strong>{title}</strong>{body}</div>'
    )


class GuidedSession(widgets.VBox):
    """The whole guided session as one widget: choose, screen, prepare, run, save.

    ``GuidedSession(library=None, sessions_dir=None, today=None)``; ``app.timer`` is
    the current :class:`SessionTimer`, ``app.form`` the intake form. ``today`` fixes
    the session day (a date, for tests and rehearsals) or says how to read it (a
    function returning the date); by default it is the computer's date, read afresh
    at every check, so an app left open past midnight screens for the new day.
    """

    def __init__(
        self,
        library: Library | None = None,
        sessions_dir: str | Path | None = None,
        *,
        today: dt.date | Callable[[], dt.date] | None = None,
    ) -> None:
        self.library = library if library is not None else load_library()
        self._session_day = today
        self.checklist = prep_checklist()
        self.timer: SessionTimer | None = None
        self._recorded_start = False
        self._form_day = self.today  # the day the form's Date question was last set to
        super().__init__(
            [
                *self._build_protocol_and_client(),
                *self._build_screening(),
                *self._build_prep(),
                *self._build_session(sessions_dir),
            ]
        )
        self.add_class("pt-guided-session")
        self._connect()
        self._new_timer()

    # -- the sections, in the order the page shows them ----------------------------
    def _build_protocol_and_client(self) -> list[widgets.Widget]:
        """1. Protocol and client: the ready protocols, the speed, the client's code."""
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
        self.drafts = widgets.HTML(self._drafts_html())
        self.speed_picker = widgets.Dropdown(
            options=SPEEDS, value=1.0, description="Speed", style=_LABELS
        )
        self.client_code = widgets.Text(
            description="Client code",
            placeholder="C-0142",
            style=_LABELS,
            layout=widgets.Layout(width="20rem"),
        )
        self.client_note = widgets.HTML(
            "<small>The code from the booking, never the client's name: it is what the log "
            "and the file name carry.</small>"
        )
        practice = [("— a real client —", "")] + [
            (stem.replace("_", " "), stem) for stem in practice_clients()
        ]
        self.practice_picker = widgets.Dropdown(
            options=practice,
            value="",
            description="Or practise with a synthetic client",
            style=_LABELS,
            layout=widgets.Layout(width="36rem"),
        )
        return [
            widgets.HTML("<h3>1. Protocol and client</h3>"),
            self.protocol_picker,
            self.drafts,
            self.speed_picker,
            self.client_code,
            self.client_note,
            self.practice_picker,
        ]

    def _build_screening(self) -> list[widgets.Widget]:
        """2. Screening: the intake form, and the override it may need."""
        self.form = IntakeForm(date=self.today)
        self.override = widgets.Checkbox(
            description="Override the screening outcome: I take responsibility for treating today",
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.override_reason = widgets.Textarea(
            description="Reason for the override",
            placeholder="e.g. written doctor's clearance seen on 2026-11-20",
            style=_LABELS,
            layout=widgets.Layout(width="40rem"),
        )
        self.override_box = widgets.VBox(
            [widgets.HTML("<h4>Override</h4>"), self.override, self.override_reason],
            layout=widgets.Layout(display="none"),
        )
        return [widgets.HTML("<h3>2. Screening</h3>"), self.form, self.override_box]

    def _build_prep(self) -> list[widgets.Widget]:
        """3. Prep checklist: one box per item of ``session_care.yaml``."""
        self.prep_boxes = {
            item["id"]: widgets.Checkbox(
                description=item["text"], indent=False, layout=widgets.Layout(width="auto")
            )
            for item in self.checklist
        }
        return [widgets.HTML("<h3>3. Prep checklist</h3>"), *self.prep_boxes.values()]

    def _build_session(self, sessions_dir: str | Path | None) -> list[widgets.Widget]:
        """4. The session: what still locks Start, the timer, then summary and saving."""
        self.status = widgets.HTML()
        self.timer_area = widgets.VBox()
        self.summary = widgets.HTML()
        self.folder = widgets.Text(
            value=str(sessions_dir or default_sessions_dir()),
            description="Save in folder",
            style=_LABELS,
            layout=widgets.Layout(width="40rem"),
        )
        self.save_button = widgets.Button(
            description="Save log as CSV",
            button_style="primary",
            tooltip="Write the session log (client code, no name) as a CSV file",
            layout=widgets.Layout(width="14rem", height="2.6rem"),
        )
        self.save_message = widgets.HTML()
        self.finish_area = widgets.VBox(
            [
                widgets.HTML("<h3>Summary: planned and actual time</h3>"),
                self.summary,
                self.folder,
                self.save_button,
                self.save_message,
            ],
            layout=widgets.Layout(display="none"),
        )
        return [
            widgets.HTML("<h3>4. The session</h3>"),
            self.status,
            self.timer_area,
            self.finish_area,
        ]

    def _connect(self) -> None:
        self.protocol_picker.observe(self._new_timer, names="value")
        self.speed_picker.observe(self._new_timer, names="value")
        self.client_code.observe(self._client_changed, names="value")
        self.practice_picker.observe(self._practice, names="value")
        self.form.observe(self._update, names="result")
        # A Screen press that gives the same result as before changes nothing the
        # observer sees; the day may have changed since, so check again.
        self.form.button.on_click(lambda _button: self._update())
        self.override.observe(self._update, names="value")
        self.override_reason.observe(self._update, names="value")
        for box in self.prep_boxes.values():
            box.observe(self._update, names="value")
        self.save_button.on_click(lambda _button: self.save())

    # -- pieces -------------------------------------------------------------------
    def _drafts_html(self) -> str:
        parts = []
        if self.library.drafts:
            drafts = self.library.drafts.values()
            names = ", ".join(html.escape(f"{p.name} ({p.id})") for p in drafts)
            parts.append(
                f"<p><strong>Drafts, not offered:</strong> {names}. A draft cannot be run "
                "until it passes every check and its file says <code>status: ready</code>.</p>"
            )
        if self.library.problems:
            files = ", ".join(html.escape(Path(path).name) for path in self.library.problems)
            parts.append(f"<p><strong>Files that cannot be read:</strong> {files}.</p>")
        return "".join(parts)

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
    def blockers(self) -> list[str]:
        """What still keeps Start locked ([] when the session may start)."""
        return start_blockers(
            protocol=self.protocol,
            client_code=self.client_code.value,
            result=self.form.result,
            override_reason=self.override_reason.value if self.override.value else "",
            prep_done={key: box.value for key, box in self.prep_boxes.items()},
            checklist=self.checklist,
            today=self.today,
        )

    # -- reacting -------------------------------------------------------------------
    def _new_timer(self, _change: object = None) -> None:
        if self.timer is not None and self.timer.status in ("running", "paused"):
            return  # the pickers are disabled while a session runs; nothing to rebuild
        if self.timer is not None:
            self.timer.close()  # its front end stops its clock and sound
        self.timer = None
        self.timer_area.children = ()
        self.finish_area.layout.display = "none"
        self._recorded_start = False
        protocol = self.protocol
        if protocol is not None:
            try:
                self.timer = SessionTimer(protocol, speed=self.speed_picker.value)
            except ProtocolToolsError as error:
                self.timer_area.children = (
                    widgets.HTML(
                        _box_html("This protocol cannot be run: ", html.escape(str(error)), "stop")
                    ),
                )
            else:
                self.timer.observe(self._timer_changed, names="status")
                self.timer_area.children = (self.timer,)
        self._update()

    def _client_changed(self, _change: object = None) -> None:
        # The form asks for the code too; keep the two the same. A client chosen is
        # screened for the session day, whatever day the form was left on.
        self._form_day = self.today
        self.form.fill({"client": self.client_code.value.strip(), "date": self._form_day})
        self._update()

    def _practice(self, _change: object = None) -> None:
        stem = self.practice_picker.value
        if not stem:
            return
        intake = practice_intake_on(load_intake(practice_clients()[stem]), self.today)
        self.client_code.value = intake.client
        self.form.fill(intake)
        self.form.check()

    def _follow_the_day(self) -> None:
        """Past midnight, set the form's Date question to the new day: the old day's
        screening no longer counts, and a Screen press must screen for today. (Setting
        it clears the form's result, which calls :meth:`_update` again, once.)"""
        today = self.today
        if today != self._form_day:
            self._form_day = today
            self.form.fill({"date": today})

    def _update(self, _change: object = None) -> None:
        self._follow_the_day()
        result = self.form.result
        blocked_by_screening = (
            result is not None
            and not result.allows_treatment
            and screening_day_blocker(result.date, self.today) is None
        )
        self.override_box.layout.display = "flex" if blocked_by_screening else "none"
        blockers = self.blockers
        if blockers:
            items = "".join(f"<li>{html.escape(text)}</li>" for text in blockers)
            self.status.value = _box_html(
                "✖ Start is locked until you:", f"<ul>{items}</ul>", "stop"
            )
        else:
            overridden = " (screening overridden; the reason goes into the log)"
            note = overridden if blocked_by_screening else ""
            self.status.value = _box_html("✔ Ready: ", f"press Start on the timer{note}.", "ok")
        if self.timer is not None and self.timer.status == "ready":
            self.timer.locked = bool(blockers)
            self.timer.locked_reason = "; ".join(blockers)
            if not blockers:
                self.timer.client_code = check_client_code(self.client_code.value, SessionError)

    def _timer_changed(self, change: Any) -> None:
        running = change.new in ("running", "paused")
        pickers = (self.protocol_picker, self.speed_picker, self.client_code, self.practice_picker)
        for control in pickers:
            control.disabled = running
        if change.new == "running" and not self._recorded_start:
            self._recorded_start = True
            self._record_start()
        if change.new == "finished":
            self._show_summary()

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

    def _show_summary(self) -> None:
        if self.timer is None:
            return
        frame = self.timer.summary().reset_index().rename(columns=_heading)
        table = frame.to_html(classes="pt-summary", border=0, na_rep="—", index=False)
        self.summary.value = _SUMMARY_STYLE + table
        self.finish_area.layout.display = "flex"

    def save(self) -> Path | None:
        """Save the log as CSV in the chosen folder; show where, or what went wrong."""
        if self.timer is None:
            return None
        try:
            path = self.timer.save_log(self.folder.value.strip() or None)
        except ProtocolToolsError as error:
            self.save_message.value = _box_html("Not saved: ", html.escape(str(error)), "stop")
            return None
        self.save_message.value = _box_html("✔ Saved: ", html.escape(str(path)), "ok")
        return path


def guided_session(
    folder: str | Path | None = None, sessions_dir: str | Path | None = None
) -> GuidedSession:
    """The guided-session app for the protocols in ``folder`` (default: the library)."""
    return GuidedSession(load_library(folder), sessions_dir=sessions_dir)

"""The guided-session app: protocol, client, screening, prep, timer, summary, log.

What ``notebooks/02_guided_session.ipynb`` shows (also as a Voilà app, ``make app``)::

    >>> from protocol_tools import guided_session
    >>> app = guided_session()          # doctest: +SKIP
    >>> app                             # doctest: +SKIP

Start stays locked until a ready protocol and a client code are chosen, the client
is screened for today, and every prep item is ticked. A screening outcome of ``stop``,
``clearance`` or ``postpone`` keeps it locked unless the practitioner records an
override with its reason; the override lands in the session log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError, ReferenceDataError, SessionError
from ..protocols.loading import Library, load_library
from ..protocols.model import Protocol
from ..protocols.readiness import screening_day_problem
from ..reference.data import load_data_file
from ..screening.engine import (
    _FIELD_KINDS,
    Intake,
    ScreeningResult,
    _age_on,
    check_client_code,
    load_intake,
    outcomes,
    practice_clients,
    screening_rules,
)
from ..screening.form import IntakeForm
from .timer import SessionTimer, default_sessions_dir

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
_SUMMARY_HEADINGS = {
    "step": "Step",
    "kind": "Kind",
    "what": "What",
    "side": "Side",
    "planned_s": "Planned (s)",
    "actual_s": "Actual (s)",
    "difference_s": "Difference (s)",
    "outcome": "Outcome",
    "adjustments": "Adjustments",
}
_SUMMARY_STYLE = (
    "<style>.pt-summary{border-collapse:collapse;font-size:1.05rem}"
    ".pt-summary th,.pt-summary td{padding:.25rem .6rem;text-align:left;"
    "border-bottom:1px solid #c9d0d8}.pt-summary th{background:#f3f5f8}"
    ".pt-summary td:nth-child(8){white-space:nowrap}</style>"
)


def prep_checklist() -> list[dict[str, str]]:
    """The prep items from ``data/session_care.yaml`` (id, text, source)."""
    data = load_data_file("session_care.yaml")
    items = data.get("prep_checklist") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ReferenceDataError("session_care.yaml: prep_checklist must be a non-empty list")
    checklist = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("id") or not item.get("text"):
            raise ReferenceDataError(
                f"session_care.yaml prep_checklist[{index}]: needs id and text"
            )
        checklist.append(
            {
                "id": str(item["id"]),
                "text": str(item["text"]),
                "source": str(item.get("source", "")),
            }
        )
    return checklist


def screening_day_blocker(screened_for: dt.date, today: dt.date) -> str | None:
    """Why a screening answered for another day cannot open today's session (None if
    it can): the one rule the sheets follow too."""
    return screening_day_problem(screened_for, today, "the session")


def start_blockers(
    *,
    protocol: Protocol | None,
    client_code: str,
    result: ScreeningResult | None,
    override_reason: str = "",
    prep_done: Mapping[str, bool],
    checklist: Sequence[Mapping[str, str]] | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """Everything that still keeps Start locked, in the practitioner's words ([] = ready).

    The screening counts only for the session day (``today``, default: the
    computer's date). ``override_reason`` counts only when the screening outcome
    does not allow treatment; an empty reason is no override::

        >>> for blocker in start_blockers(protocol=None, client_code="C-1", result=None,
        ...                               prep_done={}):
        ...     print(blocker)
        choose a protocol
        screen the client: answer the intake form and press Screen this client
        tick the prep checklist (... left)
    """
    blockers = []
    if protocol is None:
        blockers.append("choose a protocol")
    try:
        code = check_client_code(client_code, SessionError)
    except SessionError:
        code = None
        blockers.append(f"enter the client code: {screening_rules().client_code_explain}")
    if result is None:
        blockers.append("screen the client: answer the intake form and press Screen this client")
    else:
        blockers.extend(_screening_blockers(result, code, override_reason, today))
    items = checklist or prep_checklist()
    missing = [item["text"] for item in items if not prep_done.get(item["id"])]
    if missing:
        blockers.append(f"tick the prep checklist ({len(missing)} left)")
    return blockers


def _screening_blockers(
    result: ScreeningResult, code: str | None, override_reason: str, today: dt.date | None
) -> list[str]:
    blockers = []
    if code and result.client != code:
        blockers.append(
            f"the screening is for client {result.client}, not {code}: screen this client"
        )
    wrong_day = screening_day_blocker(result.date, today or dt.date.today())
    if wrong_day:
        # An override answers today's outcome; another day's outcome has none to answer.
        blockers.append(wrong_day)
    elif not result.allows_treatment and not override_reason.strip():
        shown = outcomes().get(result.outcome, {})
        blockers.append(
            f"the screening says {shown.get('icon', '')} {shown.get('title', result.outcome)} "
            f"({result.outcome}); record an override with its reason to start anyway"
        )
    return blockers


def practice_intake_on(intake: Intake, day: dt.date) -> Intake:
    """A synthetic practice client's intake answered for ``day``, its lesson kept.

    The practice files are all dated 2026-11-23; a session runs today. Waits count
    days, so every "last time" date moves by as many days as the session date. Age
    counts birthdays, so the birth date keeps the client's age and the nearest
    birthday as many days away as in the file (a client who turns 18 on the session
    day still does, even across a 29 February).
    """
    shift = day - intake.date
    moved = {
        name: getattr(intake, name) + shift
        for name, kind in _FIELD_KINDS.items()
        if kind == "date-or-never" and getattr(intake, name) is not None
    }
    birth = _moved_birth_date(intake.birth_date, intake.date, day)
    return dataclasses.replace(intake, date=day, birth_date=birth, **moved)


def _moved_birth_date(birth: dt.date, session: dt.date, day: dt.date) -> dt.date:
    """A birth date giving on ``day`` the age ``birth`` gives on ``session``, with the
    nearer of the last and the next birthday as many days away."""
    age = _age_on(birth, session)
    last_birthday = _in_year(birth, birth.year + age, late=True)
    next_birthday = _in_year(birth, birth.year + age + 1, late=True)
    since, until = (session - last_birthday).days, (next_birthday - session).days
    if since <= until:
        anchor = day - dt.timedelta(days=since)
        # Born on a 29 February that the new year lacks: the 28th keeps the birthday passed.
        return _in_year(anchor, anchor.year - age, late=False)
    anchor = day + dt.timedelta(days=until)
    # ...and the 1 March keeps it still to come.
    return _in_year(anchor, anchor.year - age - 1, late=True)


def _in_year(day: dt.date, year: int, *, late: bool) -> dt.date:
    """``day``'s month and day in ``year``; a 29 February becomes 1 March when ``late``,
    else 28 February, when ``year`` has none (the way the age rule counts birthdays)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1) if late else dt.date(year, 2, 28)


def _box_html(title: str, body: str, kind: str) -> str:
    return (
        f'<div class="pt-app-note pt-app-{kind}" role="status"><strong>{title}</strong>{body}</div>'
    )


class GuidedSession(widgets.VBox):
    """The whole guided session as one widget: choose, screen, prepare, run, save.

    ``GuidedSession(library=None, sessions_dir=None, today=None)``; ``app.timer`` is
    the current :class:`SessionTimer`, ``app.form`` the intake form. ``today`` fixes
    the session day (for tests and rehearsals); by default it is the computer's date,
    read afresh at every check.
    """

    def __init__(
        self,
        library: Library | None = None,
        sessions_dir: str | Path | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        self.library = library if library is not None else load_library()
        self._fixed_day = today
        self.checklist = prep_checklist()
        self.timer: SessionTimer | None = None
        self._recorded_start = False

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
        self.prep_boxes = {
            item["id"]: widgets.Checkbox(
                description=item["text"], indent=False, layout=widgets.Layout(width="auto")
            )
            for item in self.checklist
        }
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
        super().__init__(
            [
                widgets.HTML("<h3>1. Protocol and client</h3>"),
                self.protocol_picker,
                self.drafts,
                self.speed_picker,
                self.client_code,
                self.client_note,
                self.practice_picker,
                widgets.HTML("<h3>2. Screening</h3>"),
                self.form,
                self.override_box,
                widgets.HTML("<h3>3. Prep checklist</h3>"),
                *self.prep_boxes.values(),
                widgets.HTML("<h3>4. The session</h3>"),
                self.status,
                self.timer_area,
                self.finish_area,
            ]
        )
        self.add_class("pt-guided-session")

        self.protocol_picker.observe(self._new_timer, names="value")
        self.speed_picker.observe(self._new_timer, names="value")
        self.client_code.observe(self._client_changed, names="value")
        self.practice_picker.observe(self._practice, names="value")
        self.form.observe(self._update, names="result")
        self.override.observe(self._update, names="value")
        self.override_reason.observe(self._update, names="value")
        for box in self.prep_boxes.values():
            box.observe(self._update, names="value")
        self.save_button.on_click(lambda _button: self.save())
        self._new_timer()

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
        return self._fixed_day or dt.date.today()

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
        # The form asks for the code too; keep the two the same.
        self.form.fill({"client": self.client_code.value.strip()})
        self._update()

    def _practice(self, _change: object = None) -> None:
        stem = self.practice_picker.value
        if not stem:
            return
        intake = practice_intake_on(load_intake(practice_clients()[stem]), self.today)
        self.client_code.value = intake.client
        self.form.fill(intake)
        self.form.check()

    def _update(self, _change: object = None) -> None:
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
            note = (
                " (screening overridden; the reason goes into the log)"
                if blocked_by_screening
                else ""
            )
            self.status.value = _box_html("✔ Ready: ", f"press Start on the timer{note}.", "ok")
        if self.timer is not None and self.timer.status == "ready":
            self.timer.locked = bool(blockers)
            self.timer.locked_reason = "; ".join(blockers)
            if not blockers:
                self.timer.client_code = check_client_code(self.client_code.value, SessionError)

    def _timer_changed(self, change: Any) -> None:
        running = change.new in ("running", "paused")
        for control in (
            self.protocol_picker,
            self.speed_picker,
            self.client_code,
            self.practice_picker,
        ):
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
        frame = self.timer.summary().reset_index().rename(columns=_SUMMARY_HEADINGS)
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

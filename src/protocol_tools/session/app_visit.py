"""The guided session's visit in the client record, for the app: a refusal stored
when screened, the visit opened at Start with every event stored as it is logged,
closed at the end, comfort added; and the status line the app shows.

No widgets: the app (:mod:`~protocol_tools.session.app`) calls these and shows the
markup they return (every user string escaped).
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ..core.errors import ProtocolToolsError
from ..protocols.model import Protocol
from ..records.sessions import VisitRecorder
from ..records.store import RecordStore
from ..screening.engine import ScreeningResult
from ..screening.fields import Intake
from ..views.html import alert_html
from .record import SessionRecord

__all__ = ["VisitKeeper", "box_html", "status_html"]

# What the record may raise: its own errors, and the database's (locked, gone).
RECORD_ERRORS = (ProtocolToolsError, SQLAlchemyError)


def box_html(title: str, body: str, kind: str) -> str:
    """A note of the app: ``kind`` is ok, stop or practice (classes for the page's CSS);
    ``body`` is markup made already."""
    return (
        f'<div class="pt-app-note pt-app-{kind}" role="status"><strong>{title}</strong>{body}</div>'
    )


def status_html(
    state: str, blockers: Sequence[str], *, overridden: bool, practice: str, problem: str | None
) -> str:
    """The line above the timer: what locks Start, or that the session may start,
    runs or has ended; ``practice`` says why it is practice ("" for a client visit)."""
    where = f"Practice, not stored as a client visit: {html.escape(practice)}. " if practice else ""
    if problem:
        return box_html(
            "Not stored in the client record: ",
            f"{html.escape(problem)}. The log stays on this page: save it as CSV at the end.",
            "stop",
        )
    if state in ("running", "paused"):
        stored = where or "Each event goes into the client's record as it happens. "
        return box_html("Session running. ", stored, "ok")
    if state == "finished":
        return box_html("Session finished. ", where, "ok")
    if blockers:
        items = "".join(f"<li>{html.escape(text)}</li>" for text in blockers)
        return box_html("✖ Start is locked until you:", f"<ul>{items}</ul>", "stop")
    note = " (screening overridden; the reason goes into the record)" if overridden else ""
    return box_html("✔ Ready: ", f"{where}press Start on the timer{note}.", "ok")


class VisitKeeper:
    """One client's visit in the record ``records()`` (opened at first use)."""

    def __init__(self, records: Callable[[], RecordStore]) -> None:
        self.records = records
        self.recorder: VisitRecorder | None = None
        self.problem: str | None = None
        self._stored_refusal: str | None = None

    def reset(self) -> None:
        """Forget the visit (it stays in the record)."""
        self.recorder, self.problem = None, None

    def forget_client(self) -> None:
        self.reset()
        self._stored_refusal = None

    def store_refusal(self, result: ScreeningResult, intake: Intake) -> str:
        """Store today's screening that refuses treatment (once); the note to show."""
        key = json.dumps(result.to_dict(), sort_keys=True)
        if key != self._stored_refusal:
            try:
                self.records().record_screening(
                    result.client, result.to_dict(), intake=intake.to_dict()
                )
            except RECORD_ERRORS as error:
                return alert_html("error", "The screening is not in the record:", str(error))
            self._stored_refusal = key
        return alert_html(
            "done", "Stored:", f"today's screening is in the record of {result.client}."
        )

    def open(
        self,
        code: str,
        protocol: Protocol,
        session: SessionRecord,
        visit: Mapping[str, Any],
    ) -> bool:
        """Open the visit and store every event of ``session`` from now on; ``visit``
        as :meth:`RecordStore.start_visit` takes it. False (and ``problem``) if the
        record refused."""
        try:
            self.recorder = VisitRecorder(self.records(), code, protocol, **visit)
        except RECORD_ERRORS as error:
            self.recorder, self.problem = None, str(error)
            return False
        self.recorder.attach(session)
        return True

    def finish(self, session: SessionRecord, code: str) -> str:
        """Close the visit with what each step came to; the note saying where it is."""
        recorder = self.recorder
        if recorder is not None:
            try:
                recorder.finish(session)
            except RECORD_ERRORS as error:
                self.problem = str(error)
        if recorder is None or self.problem:
            problem = html.escape(self.problem or "the record could not be opened")
            return box_html("Not stored in the client record: ", f"{problem}.", "stop")
        if recorder.practice:
            stored = box_html(
                "Practice: ", "stored as practice, not as a client visit.", "practice"
            )
        else:
            where = html.escape(code)
            stored = box_html("✔ Stored: ", f"this visit is in the record of {where}.", "ok")
        lost = "".join(f"<li>{html.escape(text)}</li>" for text in recorder.problems)
        return stored + (f"<ul>{lost}</ul>" if lost else "")

    def set_comfort(self, comfort: Mapping[int, str | None]) -> str | None:
        """Store the comfort per step; what went wrong, or None."""
        if self.recorder is None:
            return "this session is not in the client record"
        try:
            self.recorder.set_comfort(comfort)
        except RECORD_ERRORS as error:
            return str(error)
        return None


def visit_fields(
    *,
    day: dt.date,
    result: ScreeningResult,
    intake: Intake | None,
    speed: float,
    practice_client: bool,
    override_reason: str,
    doctor_note: bool,
    session_id: str,
) -> dict[str, Any]:
    """What :meth:`VisitKeeper.open` stores about the visit (the override only when
    the screening needed one)."""
    overridden = not result.allows_treatment
    return {
        "day": day,
        "screening": result.to_dict(),
        "intake": intake.to_dict() if intake is not None else None,
        "speed": speed,
        "practice": practice_client,
        "override_reason": override_reason.strip() if overridden else None,
        "doctor_note_on_file": overridden and doctor_note,
        "session_id": session_id,
    }

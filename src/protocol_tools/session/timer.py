"""The guided-session timer: a widget that walks the practitioner through a protocol.

Time is kept in the browser from timestamps (start time, paused total and the
clock at every repaint), never by counting ticks and never in the kernel, so it
stays right when the tab is hidden, the kernel is busy or the widget is shown
twice. The kernel receives every event and keeps the record (a
:class:`~protocol_tools.session.record.SessionRecord`)::

    >>> from protocol_tools import SessionTimer, load_library
    >>> timer = SessionTimer(load_library()["express-10"], client_code="C-0142")
    >>> timer.record_adjustment(4, current_uA=200, reason="client felt a zap")
    >>> timer.log[["event", "step", "current_uA"]]
            event  step  current_uA
    0  adjustment     4       200.0
    >>> timer                               # shows the timer; press Start  # doctest: +SKIP
    >>> timer.summary()                     # planned against actual seconds  # doctest: +SKIP
    >>> timer.save_log()        # ~/microcurrent-sessions/C-0142_express-10_….csv  # doctest: +SKIP

``speed`` > 1 rehearses the protocol fast (``speed=20`` runs a 20-minute
protocol in one minute); the log then records protocol seconds.
"""

from __future__ import annotations

import math
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ..core.errors import SessionError
from ..core.privacy import check_client_code, shown_value
from ..protocols.model import Protocol
from ..protocols.readiness import check_runnable
from ..reference.geometry import zone_geometry
from .record import (
    LOG_COLUMNS,
    SESSIONS_ENV,
    SessionRecord,
    clock_reading,
    default_sessions_dir,
    finite_number,
    timeline_steps,
)

if TYPE_CHECKING:
    import pandas as pd

# LOG_COLUMNS, SESSIONS_ENV, default_sessions_dir and check_runnable stay importable
# from here, where they were before the record moved out.
__all__ = [
    "LOG_COLUMNS",
    "MAX_SPEED",
    "SESSIONS_ENV",
    "SessionTimer",
    "check_runnable",
    "default_sessions_dir",
]

_STATIC = Path(__file__).parent / "static"

# Rehearsal runs a 20-minute protocol in 10 s at most; faster than that the
# countdown is unreadable and the cues run together.
MAX_SPEED = 120.0


class SessionTimer(anywidget.AnyWidget):
    """A step-by-step timer for one protocol, with cues, a face map and a log.

    ``SessionTimer(protocol, speed=1.0, client_code=None)``. Refuses drafts and
    protocols with errors (:class:`ProtocolFileError`). Show it in a notebook cell.
    """

    _esm = _STATIC / "session_timer.js"
    _css = _STATIC / "session_timer.css"

    # What to show: written by the kernel.
    session_id = traitlets.Unicode().tag(sync=True)
    title = traitlets.Unicode().tag(sync=True)
    steps = traitlets.List(traitlets.Dict()).tag(sync=True)
    geometry = traitlets.Dict().tag(sync=True)
    speed = traitlets.Float(1.0).tag(sync=True)
    locked = traitlets.Bool(False).tag(sync=True)
    locked_reason = traitlets.Unicode("").tag(sync=True)
    adjustments = traitlets.List(traitlets.Dict()).tag(sync=True)
    logged_events = traitlets.Int(0).tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)

    # The clock: written by the browser, in its epoch milliseconds.
    status = traitlets.Unicode("ready").tag(sync=True)  # ready | running | paused | finished
    step_index = traitlets.Int(0).tag(sync=True)
    session_started_at = traitlets.Float(0.0).tag(sync=True)
    step_started_at = traitlets.Float(0.0).tag(sync=True)
    paused_ms = traitlets.Float(0.0).tag(sync=True)
    paused_at = traitlets.Float(0.0).tag(sync=True)
    finished_at = traitlets.Float(0.0).tag(sync=True)

    # The practitioner's choices in the browser.
    muted = traitlets.Bool(False).tag(sync=True)
    speak = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        protocol: Protocol,
        speed: float = 1.0,
        *,
        client_code: str | None = None,
        **kwargs: Any,
    ) -> None:
        check_runnable(protocol)
        if finite_number(speed) is None:  # traitlets would raise its own error, naming no field
            raise SessionError(
                f"speed must be a number more than 0 and at most {MAX_SPEED:g}, "
                f"not {shown_value(speed)}"
            )
        self.protocol = protocol
        self.client_code = (
            check_client_code(client_code, SessionError) if client_code is not None else None
        )
        steps = timeline_steps(protocol)
        self.session_record = SessionRecord(steps)
        super().__init__(
            session_id=uuid.uuid4().hex,
            title=f"{protocol.name} ({protocol.id} {protocol.version})",
            steps=steps,
            geometry=zone_geometry(),
            speed=speed,
            **kwargs,
        )
        self.on_msg(self._on_message)

    @traitlets.validate("speed")
    def _check_speed(self, proposal: Any) -> float:
        speed = proposal["value"]
        if not 0 < speed <= MAX_SPEED or not math.isfinite(speed):
            raise SessionError(f"speed must be more than 0 and at most {MAX_SPEED:g}, not {speed}")
        if getattr(self, "status", "ready") != "ready" and speed != self.speed:
            raise SessionError("speed can only change before the session starts")
        return speed

    # -- messages from the browser --------------------------------------------------
    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "event" and isinstance(content.get("event"), dict):
            self.receive(content["event"])
        elif content.get("type") == "adjustment":
            self._adjust_from_browser(content)

    def receive(self, event: dict[str, Any]) -> bool:
        """Add one event the browser reported to the log; False if ignored
        (see :meth:`SessionRecord.receive`)."""
        added = self.session_record.receive(event)
        self.logged_events = len(self.session_record.rows)
        return added

    def _adjust_from_browser(self, content: dict[str, Any]) -> None:
        try:
            self.record_adjustment(
                content.get("step"),
                current_uA=content.get("current_uA"),
                skipped=content.get("skipped") is True,
                reason=content.get("reason") or "",
                browser_ms=clock_reading(content.get("at_ms")),
            )
        except SessionError as error:
            self.notice = f"Not recorded: {error}"

    # -- what the kernel adds ----------------------------------------------------------
    def record(self, event: str, *, reason: str | None = None, step: int | None = None) -> None:
        """Add a note to the log (the app records screening and overrides)."""
        self.session_record.note(event, reason=reason, step=step)
        self.logged_events = len(self.session_record.rows)

    def record_adjustment(
        self,
        step: int,
        *,
        current_uA: float | None = None,
        skipped: bool = False,
        reason: str,
        browser_ms: float | None = None,
    ) -> None:
        """Record a change made during the session, with its reason.

        ``step`` is the step's number as shown (1 = the first). Give the new
        ``current_uA`` when the current was turned down at that zone, or
        ``skipped=True`` when the zone was left out. This records; it does not move
        the timer (the Skip button does)::

            timer.record_adjustment(4, current_uA=200, reason="client felt a zap")
        """
        change = self.session_record.adjust(
            step, current_uA=current_uA, skipped=skipped, reason=reason, browser_ms=browser_ms
        )
        self.logged_events = len(self.session_record.rows)
        self.adjustments = [*self.adjustments, change]
        current = change["current_uA"]
        what = f"current {current:g} µA" if current is not None else "zone skipped"
        self.notice = f"Recorded for step {change['step']}: {what} ({change['reason']})"

    # -- the record ------------------------------------------------------------------
    @property
    def log(self) -> pd.DataFrame:
        """Every event and adjustment so far, oldest first, as a DataFrame."""
        return self.session_record.log

    def summary(self) -> pd.DataFrame:
        """One row per step: planned and actual seconds, the difference and the outcome.

        ``actual_s`` adds up every visit to the step (Back revisits one) in
        protocol seconds. ``outcome`` is ``done``, ``cut short``, ``skipped`` or
        ``not reached``.
        """
        return self.session_record.summary()

    def save_log(self, folder: str | Path | None = None) -> Path:
        """Write the log as CSV in a new file and return its path; never into the
        project folder, and never over another file.

        The file is named ``<client code>_<protocol id>_<date-time>.csv``, with ``-2``,
        ``-3``… added when that name is taken (two saves in the same second), and
        each row carries the client code and protocol, never a name. ``folder``
        defaults to :func:`default_sessions_dir`.
        """
        return self.session_record.save(
            folder,
            client_code=self.client_code,
            protocol=self.protocol,
            started_ms=self.session_started_at,  # written by the browser
        )

"""The guided-session timer: a widget that walks the practitioner through a protocol.

Time is kept in the browser from timestamps (start time, paused total and the
clock at every repaint), never by counting ticks and never in the kernel, so it
stays right when the tab is hidden, the kernel is busy or the widget is shown
twice. Python receives every event and keeps the record::

    >>> from protocol_tools import SessionTimer, load_library
    >>> timer = SessionTimer(load_library()["express-10"], client_code="C-0142")  # doctest: +SKIP
    >>> timer                               # shows the timer; press Start  # doctest: +SKIP
    >>> timer.log[["event", "step", "zone", "side"]].head()  # doctest: +SKIP
    >>> timer.record_adjustment(4, current_uA=200, reason="client felt a zap")  # doctest: +SKIP
    >>> timer.summary()                     # planned against actual seconds  # doctest: +SKIP
    >>> timer.save_log()        # ~/microcurrent-sessions/C-0142_express-10_….csv  # doctest: +SKIP

``speed`` > 1 rehearses the protocol fast (``speed=20`` runs a 20-minute
protocol in one minute); the log then records protocol seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import uuid
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ..core.atomic import write_new_file
from ..core.errors import ExportError, SessionError
from ..core.spreadsheet import frame_csv_text
from ..protocols.model import Protocol
from ..protocols.readiness import check_runnable
from ..reference.data import inside_repository, private_dir, reference
from ..screening.engine import check_client_code
from ..views.facemap import zone_geometry

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "LOG_COLUMNS",
    "SESSIONS_ENV",
    "SessionTimer",
    "check_runnable",
    "default_sessions_dir",
]

_STATIC = Path(__file__).parent / "static"

SESSIONS_ENV = "PROTOCOL_TOOLS_SESSIONS"
# Rehearsal runs a 20-minute protocol in 10 s at most; faster than that the
# countdown is unreadable and the cues run together.
MAX_SPEED = 120.0
_TEXT_LIMIT = 300
_CLOCK_ID_LIMIT = 64
# A front end numbers its events 1, 2, 3…; past JavaScript's largest exact whole
# number (Number.MAX_SAFE_INTEGER) a count is no longer a count.
_LARGEST_SEQ = 2**53 - 1
# The moments a log can hold: a browser clock before 1970 or past the last day a
# date can name is broken, and such a value would break every later view of the log.
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LATEST_MS = (dt.datetime(9999, 12, 31, tzinfo=dt.UTC) - _EPOCH).total_seconds() * 1000

# What the browser may report, and what Python itself adds to the log.
BROWSER_EVENTS = frozenset(
    {
        "started",
        "step_started",
        "step_ended",
        "step_skipped",
        "back",
        "paused",
        "resumed",
        "finished",
    }
)
LOG_COLUMNS = [
    "seq",
    "event",
    "step",
    "kind",
    "zone",
    "side",
    "browser_time",
    "browser_ms",
    "planned_s",
    "actual_s",
    "current_uA",
    "reason",
    "source",
    "logged_at",
]


def default_sessions_dir() -> Path:
    """Where session logs go: ``$PROTOCOL_TOOLS_SESSIONS`` or ``~/microcurrent-sessions``."""
    return private_dir(SESSIONS_ENV, "microcurrent-sessions")


def _text(value: Any) -> str | None:
    """Text for the log, cut to length; anything that is not text counts as missing."""
    if not isinstance(value, str) or value == "":
        return None
    return value[:_TEXT_LIMIT]


def _number(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not a real number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        return None
    return number if math.isfinite(number) else None


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _timestamp(value: Any) -> float | None:
    """A browser clock reading (epoch ms) the log can hold, else None."""
    ms = _number(value)
    return ms if ms is not None and 0 <= ms < _LATEST_MS else None


def _duration(value: Any) -> float | None:
    """Seconds spent on a step, else None (no step lasts longer than the clock's range)."""
    seconds = _number(value)
    return seconds if seconds is not None and 0 <= seconds < _LATEST_MS / 1000 else None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _turned_down(entry: dict[str, Any], current_uA: Any) -> float:
    """``current_uA`` if it is a lower current than step ``entry`` runs at; else SessionError."""
    step = entry["step"]
    limit = reference().limits["microcurrent"]["max_current_uA"]
    current = _number(current_uA)
    if current is None or not 0 < current < limit:
        raise SessionError(
            f"current_uA for step {step} must be a number of µA, more than 0 and below "
            f"{limit} µA, not {_shown(current_uA)}"
        )
    if entry["kind"] != "treatment":
        raise SessionError(f"step {step} is a {entry['kind']} step: it has no current")
    planned = entry.get("current_uA")
    if planned is not None and current >= planned:
        raise SessionError(
            f"current_uA {current:g} µA is not turned down: step {step} is set to "
            f"{planned:g} µA, so a lower current is needed (or record the zone as skipped)"
        )
    return current


def _step_dicts(protocol: Protocol) -> list[dict[str, Any]]:
    """The timeline as plain data for the browser, with display names added."""
    techniques = reference().techniques
    steps = []
    for entry in protocol.timeline():
        data = asdict(entry)
        technique = techniques.get(entry.technique) if entry.technique else None
        data["technique_name"] = technique.name if technique else (entry.technique or "")
        steps.append(data)
    return steps


class SessionTimer(anywidget.AnyWidget):
    """A step-by-step timer for one protocol, with cues, a face map and a log.

    ``SessionTimer(protocol, speed=1.0, client_code=None)``. Refuses drafts and
    protocols with errors (:class:`ProtocolFileError`). Show it in a notebook cell.
    """

    _esm = _STATIC / "session_timer.js"
    _css = _STATIC / "session_timer.css"

    # What to show: written by Python.
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
        if _number(speed) is None:  # traitlets would raise its own error, naming no field
            raise SessionError(
                f"speed must be a number more than 0 and at most {MAX_SPEED:g}, not {_shown(speed)}"
            )
        self.protocol = protocol
        self.client_code = (
            check_client_code(client_code, SessionError) if client_code is not None else None
        )
        self._rows: list[dict[str, Any]] = []
        # (clock id, seq) of every browser event logged: each front end numbers its
        # events from 1, so the number alone repeats after a page reload.
        self._seen: set[tuple[str, int]] = set()
        super().__init__(
            session_id=uuid.uuid4().hex,
            title=f"{protocol.name} ({protocol.id} {protocol.version})",
            steps=_step_dicts(protocol),
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

    # -- events from the browser ------------------------------------------
    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "event" and isinstance(content.get("event"), dict):
            self.receive(content["event"])
        elif content.get("type") == "adjustment":
            self._adjust_from_browser(content)

    def receive(self, event: dict[str, Any]) -> bool:
        """Add one event the browser reported to the log; False if ignored.

        Each front end's clock has a random id (``clock_id``) and numbers its events
        from 1 (``seq``). The pair is the event's identity: the same pair twice is a
        message sent twice and is logged once, while a reloaded page (a new clock id,
        counting from 1 again) is logged in full. Unknown events, and events without
        a usable number or clock id, are ignored; a clock reading or duration out of
        range is logged as missing.
        """
        if not isinstance(event, Mapping):
            return False
        name = event.get("event")
        seq = _whole(event.get("seq"))
        clock_id = event.get("clock_id")
        if not isinstance(name, str) or name not in BROWSER_EVENTS:
            return False
        if seq is None or not 0 < seq <= _LARGEST_SEQ:
            return False
        if not isinstance(clock_id, str) or not 0 < len(clock_id) <= _CLOCK_ID_LIMIT:
            return False
        if (clock_id, seq) in self._seen:
            return False
        self._seen.add((clock_id, seq))
        step_number = _whole(event.get("step"))
        entry = self._entry(step_number) if step_number is not None else None
        # A clock reading or duration out of range is logged as missing, so one bad
        # message never makes the log, the summary or the saved file fail.
        self._append(
            entry,
            seq=seq,
            event=name,
            browser_ms=_timestamp(event.get("at_ms")),
            planned_s=(
                entry["seconds"] if entry and name in {"step_ended", "step_skipped"} else None
            ),
            actual_s=_duration(event.get("actual_s")),
            reason=_text(event.get("reason")),
            source="browser",
        )
        return True

    def _adjust_from_browser(self, content: dict[str, Any]) -> None:
        try:
            self.record_adjustment(
                content.get("step"),
                current_uA=content.get("current_uA"),
                skipped=content.get("skipped") is True,
                reason=content.get("reason") or "",
                browser_ms=_timestamp(content.get("at_ms")),
            )
        except SessionError as error:
            self.notice = f"Not recorded: {error}"

    # -- what Python adds ---------------------------------------------------
    def _entry(self, step: int) -> dict[str, Any] | None:
        if 1 <= step <= len(self.steps):
            return self.steps[step - 1]
        return None

    def _step_entry(self, step: Any) -> dict[str, Any]:
        """The timeline entry of step number ``step``, or SessionError naming it."""
        number = _whole(step)
        entry = self._entry(number) if number is not None else None
        if entry is None:
            raise SessionError(
                f"step must be a step number from 1 to {len(self.steps)}, not {_shown(step)}"
            )
        return entry

    def _append(self, entry: dict[str, Any] | None, **row: Any) -> None:
        """Log one row; ``entry`` (a step of the timeline) fills step, kind, zone, side."""
        if entry is not None:
            row.update(
                step=entry["step"], kind=entry["kind"], zone=entry["zone"], side=entry["side"]
            )
        ms = row.get("browser_ms")
        row["browser_time"] = (
            (_EPOCH + dt.timedelta(milliseconds=ms)).isoformat(timespec="milliseconds")
            if ms is not None
            else None
        )
        row["logged_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        self._rows.append({column: row.get(column) for column in LOG_COLUMNS})
        self.logged_events = len(self._rows)

    def record(self, event: str, *, reason: str | None = None, step: int | None = None) -> None:
        """Add a note from Python to the log (the app records screening and overrides)."""
        if not isinstance(event, str) or not event.strip():
            raise SessionError(f"event must be a word such as 'screening', not {_shown(event)}")
        if reason is not None and not isinstance(reason, str):
            raise SessionError(f"reason must be text, not {_shown(reason)}")
        entry = self._step_entry(step) if step is not None else None
        self._append(entry, event=event.strip(), reason=_text(reason), source="python")

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
        entry = self._step_entry(step)
        step = entry["step"]
        if not isinstance(reason, str) or not reason.strip():
            raise SessionError(
                "an adjustment needs a reason in words (for example 'client felt a zap'), "
                f"not {_shown(reason)}"
            )
        reason = reason.strip()
        if not isinstance(skipped, bool):
            raise SessionError(f"skipped must be True or False, not {_shown(skipped)}")
        if browser_ms is not None and _timestamp(browser_ms) is None:
            raise SessionError(
                f"browser_ms must be a browser clock reading (ms), not {_shown(browser_ms)}"
            )
        if current_uA is None and not skipped:
            raise SessionError("say what changed: a new current_uA, or skipped=True")
        current = None if current_uA is None else _turned_down(entry, current_uA)
        self._append(
            entry,
            event="adjustment",
            browser_ms=browser_ms,
            current_uA=current,
            reason=_text(("zone skipped: " if skipped else "") + reason),
            source="python",
        )
        self.adjustments = [
            *self.adjustments,
            {"step": step, "current_uA": current, "skipped": skipped, "reason": _text(reason)},
        ]
        change = f"current {current:g} µA" if current is not None else "zone skipped"
        self.notice = f"Recorded for step {step}: {change} ({_text(reason)})"

    # -- the record ---------------------------------------------------------
    @property
    def log(self) -> pd.DataFrame:
        """Every event and adjustment so far, oldest first, as a DataFrame."""
        import pandas as pd

        frame = pd.DataFrame(self._rows, columns=LOG_COLUMNS)
        frame["step"] = frame["step"].astype("Int64")
        frame["seq"] = frame["seq"].astype("Int64")
        return frame

    def summary(self) -> pd.DataFrame:
        """One row per step: planned and actual seconds, the difference and the outcome.

        ``actual_s`` adds up every visit to the step (Back revisits one) in
        protocol seconds. ``outcome`` is ``done``, ``cut short``, ``skipped`` or
        ``not reached``.
        """
        import pandas as pd

        actual: dict[int, float] = {}
        completed: set[int] = set()
        skipped: set[int] = set()
        for row in self._rows:
            step = row["step"]
            if step is None or row["event"] not in {"step_ended", "step_skipped"}:
                continue
            actual[step] = actual.get(step, 0.0) + (row["actual_s"] or 0.0)
            if row["event"] == "step_skipped":
                skipped.add(step)
            elif row["reason"] in (None, "completed"):
                completed.add(step)
        notes: dict[int, list[str]] = {}
        for row in self._rows:
            if row["event"] == "adjustment" and row["step"] is not None:
                notes.setdefault(row["step"], []).append(
                    (f"{row['current_uA']:g} µA: " if row["current_uA"] is not None else "")
                    + (row["reason"] or "")
                )
        rows = []
        for entry in self.steps:
            number = entry["step"]
            if number in completed:
                outcome = "done"
            elif number in skipped:
                outcome = "skipped"
            elif number in actual:
                outcome = "cut short"
            else:
                outcome = "not reached"
            seconds = actual.get(number)
            rows.append(
                {
                    "step": number,
                    "kind": entry["kind"],
                    "what": entry["zone_name"] or entry["action"] or "",
                    "side": entry["side"] or "",
                    "planned_s": entry["seconds"],
                    "actual_s": None if seconds is None else round(seconds, 1),
                    "difference_s": (
                        None if seconds is None else round(seconds - entry["seconds"], 1)
                    ),
                    "outcome": outcome,
                    "adjustments": "; ".join(notes.get(number, [])),
                }
            )
        return pd.DataFrame(rows).set_index("step")

    def save_log(self, folder: str | Path | None = None) -> Path:
        """Write the log as CSV in a new file and return its path; never into the
        project folder, and never over another file.

        The file is named ``<client code>_<protocol id>_<date-time>.csv``, with ``-2``,
        ``-3``… added when that name is taken (two saves in the same second), and
        each row carries the client code and protocol, never a name. ``folder``
        defaults to :func:`default_sessions_dir`.
        """
        if not self.client_code:
            raise ExportError("set the client code (timer.client_code = 'C-0142') before saving")
        # Checked again here: the attribute can be set directly, and a name must never
        # reach a file name or a row.
        code = check_client_code(self.client_code, ExportError)
        if folder is not None and not isinstance(folder, str | os.PathLike):
            raise ExportError(f"folder must be a folder's path, not {_shown(folder)}")
        folder = Path(folder).expanduser() if folder is not None else default_sessions_dir()
        if inside_repository(folder):
            raise ExportError(
                f"{folder} is inside the project folder; session logs hold client data, so "
                "save them elsewhere (the default is ~/microcurrent-sessions)"
            )
        frame = self.log
        frame.insert(0, "client_code", code)
        frame.insert(1, "protocol", f"{self.protocol.id}@{self.protocol.version}")
        text = frame_csv_text(frame)
        stem = f"{code}_{self.protocol.id}_{self._started_stamp()}"
        return write_new_file(folder, stem, ".csv", text.encode("utf-8"))

    def _started_stamp(self) -> str:
        """When the session started (now if it has not), for a file name, in UTC."""
        started = _timestamp(self.session_started_at)  # written by the browser
        moment = _EPOCH + dt.timedelta(milliseconds=started) if started else dt.datetime.now(dt.UTC)
        return moment.strftime("%Y%m%d-%H%M%S")

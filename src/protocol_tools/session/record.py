"""The record of a guided session: events from the browser, notes and adjustments.

Pure Python (no widget): :class:`SessionRecord` checks every event a front end
reports, keeps the log, and turns it into a summary or a CSV file. The timer
widget hands it what the browser sends::

    >>> from protocol_tools import load_library
    >>> record = SessionRecord(timeline_steps(load_library()["express-10"]))
    >>> record.receive({"event": "started", "seq": 1, "clock_id": "a1", "at_ms": 0})
    True
    >>> record.receive({"event": "started", "seq": 1, "clock_id": "a1"})  # sent twice
    False
    >>> record.note("screening", reason="clear: none")
    >>> [row["event"] for row in record.rows]
    ['started', 'screening']
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.atomic import write_new_file
from ..core.errors import ExportError, SessionError
from ..core.paths import SESSIONS_ENV, inside_repository, sessions_dir
from ..core.privacy import check_client_code, shown_value
from ..core.spreadsheet import frame_csv_text
from ..protocols.model import Protocol
from ..reference.data import reference

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BROWSER_EVENTS",
    "LOG_COLUMNS",
    "SESSIONS_ENV",
    "SessionRecord",
    "clock_reading",
    "default_sessions_dir",
    "finite_number",
    "log_file_stem",
    "timeline_steps",
]

_TEXT_LIMIT = 300
# How an adjustment that left a zone out begins, in the log and the record.
_SKIPPED_NOTE = "zone skipped: "
_CLOCK_ID_LIMIT = 64
# A front end numbers its events 1, 2, 3…; past JavaScript's largest exact whole
# number (Number.MAX_SAFE_INTEGER) a count is no longer a count.
_LARGEST_SEQ = 2**53 - 1
# The moments a log can hold: a browser clock before 1970 or past the last day a
# date can name is broken, and such a value would break every later view of the log.
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_LATEST_MS = (dt.datetime(9999, 12, 31, tzinfo=dt.UTC) - _EPOCH).total_seconds() * 1000

# What the browser may report; Python itself adds notes and adjustments.
BROWSER_EVENTS = frozenset(
    {"started", "paused", "resumed", "finished"}  # the session
    | {"step_started", "step_ended", "step_skipped", "back"}  # its steps
)
LOG_COLUMNS = [
    *("seq", "event", "step", "kind", "zone", "side"),  # what happened, and where
    *("browser_time", "browser_ms", "planned_s", "actual_s"),  # when, and for how long
    *("current_uA", "reason", "source", "logged_at"),  # what changed, why, who logged it
]


def default_sessions_dir() -> Path:
    """Where session logs go: ``$PROTOCOL_TOOLS_SESSIONS`` or ``~/microcurrent-sessions``."""
    return sessions_dir()


# -- what a message may hold ------------------------------------------------------


def _text(value: Any) -> str | None:
    """Text for the log, cut to length; anything that is not text counts as missing."""
    if not isinstance(value, str) or value == "":
        return None
    return value[:_TEXT_LIMIT]


def finite_number(value: Any) -> float | None:
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


def clock_reading(value: Any) -> float | None:
    """A browser clock reading (epoch ms) the log can hold, else None."""
    ms = finite_number(value)
    return ms if ms is not None and 0 <= ms < _LATEST_MS else None


def _duration(value: Any) -> float | None:
    """Seconds spent on a step, else None (no step lasts longer than the clock's range)."""
    seconds = finite_number(value)
    return seconds if seconds is not None and 0 <= seconds < _LATEST_MS / 1000 else None


def _turned_down(entry: Mapping[str, Any], current_uA: Any) -> float:
    """``current_uA`` if it is a lower current than step ``entry`` runs at; else SessionError."""
    step = entry["step"]
    limit = reference().limits["microcurrent"]["max_current_uA"]
    current = finite_number(current_uA)
    if current is None or not 0 < current < limit:
        raise SessionError(
            f"current_uA for step {step} must be a number of µA, more than 0 and below "
            f"{limit} µA, not {shown_value(current_uA)}"
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


def timeline_steps(protocol: Protocol) -> list[dict[str, Any]]:
    """The timeline as plain data (for the browser and the log), with display names added."""
    techniques = reference().techniques
    steps = []
    for entry in protocol.timeline():
        data = asdict(entry)
        technique = techniques.get(entry.technique) if entry.technique else None
        data["technique_name"] = technique.name if technique else (entry.technique or "")
        steps.append(data)
    return steps


def log_file_stem(client_code: str, protocol_id: str, started_ms: Any) -> str:
    """``<client code>_<protocol id>_<date-time>``: when the session started (now if it
    has not, or the browser's reading is broken), in UTC.

    >>> log_file_stem("C-0142", "express-10", 1_790_000_000_000)
    'C-0142_express-10_20260921-141320'
    """
    started = clock_reading(started_ms)
    moment = _EPOCH + dt.timedelta(milliseconds=started) if started else dt.datetime.now(dt.UTC)
    return f"{client_code}_{protocol_id}_{moment.strftime('%Y%m%d-%H%M%S')}"


# -- the record ---------------------------------------------------------------------


class SessionRecord:
    """Every event and adjustment of one session, in order, for the steps ``steps``
    (:func:`timeline_steps`)."""

    def __init__(self, steps: Sequence[Mapping[str, Any]]) -> None:
        self.steps = steps
        self.rows: list[dict[str, Any]] = []
        # Called with each row as it is logged, and the browser clock's id (None for
        # a kernel note): the client record stores events as they happen.
        self.listeners: list[Callable[[dict[str, Any], str | None], None]] = []
        # The clock id of each row logged here, in order (see rows_with_clocks).
        self._clock_ids: list[str | None] = []
        # (clock id, seq) of every browser event logged: each front end numbers its
        # events from 1, so the number alone repeats after a page reload.
        self._seen: set[tuple[str, int]] = set()

    def receive(self, event: Any) -> bool:
        """Add one event the browser reported to the log; False if ignored.

        Each front end's clock has a random id (``clock_id``) and numbers its events
        from 1 (``seq``): the pair is the event's identity, so a message sent twice is
        logged once while a reloaded page (a new clock id) is logged in full. Unknown
        events, and events without a usable number or clock id, are ignored.
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
        entry = self._entry(event.get("step"))
        # A clock reading or duration out of range is logged as missing, so one bad
        # message never makes the log, the summary or the saved file fail.
        self._append(
            entry,
            clock_id=clock_id,
            seq=seq,
            event=name,
            browser_ms=clock_reading(event.get("at_ms")),
            planned_s=(
                entry["seconds"] if entry and name in {"step_ended", "step_skipped"} else None
            ),
            actual_s=_duration(event.get("actual_s")),
            reason=_text(event.get("reason")),
            source="browser",
        )
        return True

    def _entry(self, step: Any) -> Mapping[str, Any] | None:
        """The timeline entry of step number ``step``; None if it names no step."""
        number = _whole(step)
        return self.steps[number - 1] if number and 1 <= number <= len(self.steps) else None

    def step_entry(self, step: Any) -> Mapping[str, Any]:
        """The timeline entry of step number ``step``, or SessionError naming it."""
        entry = self._entry(step)
        if entry is None:
            raise SessionError(
                f"step must be a step number from 1 to {len(self.steps)}, not {shown_value(step)}"
            )
        return entry

    def _append(
        self, entry: Mapping[str, Any] | None, clock_id: str | None = None, **row: Any
    ) -> None:
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
        logged = {column: row.get(column) for column in LOG_COLUMNS}
        self.rows.append(logged)
        self._clock_ids.append(clock_id)
        for listener in self.listeners:
            listener(logged, clock_id)

    def note(self, event: str, *, reason: str | None = None, step: int | None = None) -> None:
        """Add a note from the kernel side (the app records screening and overrides)."""
        if not isinstance(event, str) or not event.strip():
            raise SessionError(
                f"event must be a word such as 'screening', not {shown_value(event)}"
            )
        if reason is not None and not isinstance(reason, str):
            raise SessionError(f"reason must be text, not {shown_value(reason)}")
        entry = self.step_entry(step) if step is not None else None
        self._append(entry, event=event.strip(), reason=_text(reason), source="python")

    def adjust(
        self,
        step: Any,
        *,
        current_uA: Any = None,
        skipped: Any = False,
        reason: Any,
        browser_ms: Any = None,
    ) -> dict[str, Any]:
        """Log a change made during the session (see ``SessionTimer.record_adjustment``)
        and return it as ``{step, current_uA, skipped, reason}``."""
        entry = self.step_entry(step)
        if not isinstance(reason, str) or not reason.strip():
            raise SessionError(
                "an adjustment needs a reason in words (for example 'client felt a zap'), "
                f"not {shown_value(reason)}"
            )
        reason = reason.strip()
        if not isinstance(skipped, bool):
            raise SessionError(f"skipped must be True or False, not {shown_value(skipped)}")
        if browser_ms is not None and clock_reading(browser_ms) is None:
            raise SessionError(
                f"browser_ms must be a browser clock reading (ms), not {shown_value(browser_ms)}"
            )
        if current_uA is None and not skipped:
            raise SessionError("say what changed: a new current_uA, or skipped=True")
        current = None if current_uA is None else _turned_down(entry, current_uA)
        self._append(
            entry,
            event="adjustment",
            browser_ms=browser_ms,
            current_uA=current,
            reason=_text((_SKIPPED_NOTE if skipped else "") + reason),
            source="python",
        )
        return {
            "step": entry["step"],
            "current_uA": current,
            "skipped": skipped,
            "reason": _text(reason),
        }

    # -- reading the record -----------------------------------------------------------
    def rows_with_clocks(self) -> list[tuple[dict[str, Any], str | None]]:
        """Every row with the id of the browser clock that sent it (None for a note),
        as a listener gets them: after a page reload two clocks share numbers, so the
        pair tells their events apart. Rows put in ``rows`` from elsewhere have none."""
        clocks = self._clock_ids if len(self._clock_ids) == len(self.rows) else []
        return [(row, clocks[n] if clocks else None) for n, row in enumerate(self.rows)]

    @property
    def log(self) -> pd.DataFrame:
        """Every event and adjustment so far, oldest first, as a DataFrame."""
        import pandas as pd

        frame = pd.DataFrame(self.rows, columns=LOG_COLUMNS)
        frame["step"] = frame["step"].astype("Int64")
        frame["seq"] = frame["seq"].astype("Int64")
        return frame

    def summary(self) -> pd.DataFrame:
        """One row per step: planned and actual seconds, the difference and the outcome."""
        import pandas as pd

        actual, outcomes = self._time_and_outcomes()
        notes = self._adjustment_notes()
        rows = []
        for entry in self.steps:
            number = entry["step"]
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
                    "outcome": outcomes.get(number, "not reached"),
                    "adjustments": "; ".join(notes.get(number, [])),
                }
            )
        return pd.DataFrame(rows).set_index("step")

    def step_results(self) -> list[dict[str, Any]]:
        """What each step came to, for the client record: ``step``, ``actual_s``,
        ``outcome``, ``skipped``, the last turned-down ``current_uA`` (None: as
        planned) and the adjustments' ``note``."""
        actual, outcomes = self._time_and_outcomes()
        notes = self._adjustment_notes()
        turned_down: dict[int, float] = {}
        left_out: set[int] = set()
        for row in self.rows:
            if row["event"] == "adjustment" and row["step"] is not None:
                if row["current_uA"] is not None:
                    turned_down[row["step"]] = row["current_uA"]
                if (row["reason"] or "").startswith(_SKIPPED_NOTE):
                    left_out.add(row["step"])
        results = []
        for entry in self.steps:
            number = entry["step"]
            seconds = actual.get(number)
            results.append(
                {
                    "step": number,
                    "actual_s": None if seconds is None else round(seconds, 1),
                    "outcome": outcomes.get(number, "not reached"),
                    "skipped": number in left_out or outcomes.get(number) == "skipped",
                    "current_uA": turned_down.get(number),
                    "note": "; ".join(notes.get(number, [])) or None,
                }
            )
        return results

    def _time_and_outcomes(self) -> tuple[dict[int, float], dict[int, str]]:
        """Seconds spent per step (every visit added) and each visited step's outcome."""
        actual: dict[int, float] = {}
        completed: set[int] = set()
        skipped: set[int] = set()
        for row in self.rows:
            step = row["step"]
            if step is None or row["event"] not in {"step_ended", "step_skipped"}:
                continue
            actual[step] = actual.get(step, 0.0) + (row["actual_s"] or 0.0)
            if row["event"] == "step_skipped":
                skipped.add(step)
            elif row["reason"] in (None, "completed"):
                completed.add(step)
        # Done wins over skipped (a step finished on a later visit), skipped over cut short.
        outcomes = {
            step: "done" if step in completed else "skipped" if step in skipped else "cut short"
            for step in actual
        }
        return actual, outcomes

    def _adjustment_notes(self) -> dict[int, list[str]]:
        notes: dict[int, list[str]] = {}
        for row in self.rows:
            if row["event"] == "adjustment" and row["step"] is not None:
                notes.setdefault(row["step"], []).append(
                    (f"{row['current_uA']:g} µA: " if row["current_uA"] is not None else "")
                    + (row["reason"] or "")
                )
        return notes

    def csv_text(self, client_code: str, protocol: Protocol) -> str:
        """The log as CSV, each row carrying the client code and the protocol."""
        frame = self.log
        frame.insert(0, "client_code", client_code)
        frame.insert(1, "protocol", f"{protocol.id}@{protocol.version}")
        return frame_csv_text(frame)

    def save(
        self, folder: Any, *, client_code: Any, protocol: Protocol, started_ms: Any = None
    ) -> Path:
        """Write the log as CSV in a new file in ``folder`` (None: the default folder);
        see ``SessionTimer.save_log``."""
        if not client_code:
            raise ExportError("set the client code (timer.client_code = 'C-0142') before saving")
        # Checked again here: the code can be set directly, and a name must never
        # reach a file name or a row.
        code = check_client_code(client_code, ExportError)
        if folder is not None and not isinstance(folder, str | os.PathLike):
            raise ExportError(f"folder must be a folder's path, not {shown_value(folder)}")
        folder = Path(folder).expanduser() if folder is not None else default_sessions_dir()
        if inside_repository(folder):
            raise ExportError(
                f"{folder} is inside the project folder; session logs hold client data, so "
                "save them elsewhere (the default is ~/microcurrent-sessions)"
            )
        text = self.csv_text(code, protocol)
        stem = log_file_stem(code, protocol.id, started_ms)
        return write_new_file(folder, stem, ".csv", text.encode("utf-8"))

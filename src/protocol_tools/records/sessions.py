"""A session's way into the record: events stored as they happen, the visit closed
with what each step came to, a visit left open recovered, old CSV logs imported.

:class:`VisitRecorder` listens to a :class:`~protocol_tools.session.record.SessionRecord`
(the guided session's log) and writes each row the moment it is logged, so a closed
tab or a restarted kernel loses at most the event in flight.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import selectinload

from ..core.errors import RecordError
from ..core.files import read_regular_file, special_kind
from ..core.privacy import check_client_code, shown_value
from ..core.spreadsheet import FORMULA_STARTS
from ..protocols.model import Protocol
from ..session.record import LOG_COLUMNS, SessionRecord, timeline_steps
from .rows import (
    EVENT_FIELDS,
    apply_step_result,
    client_row,
    ensure_client,
    fitted,
    now,
    planned_step,
)
from .schema import Event, Visit
from .store import RecordStore

__all__ = ["VisitRecorder", "import_log", "import_visit", "recover_open_visits"]

# The largest session log worth reading: a long session logs a few hundred rows.
_LOG_LIMIT_BYTES = 5_000_000
_NUMBER_COLUMNS = ("seq", "step", "browser_ms", "planned_s", "actual_s", "current_uA")


class VisitRecorder:
    """Stores one session in the record as it runs.

    ``VisitRecorder(store, code, protocol, **visit)`` opens the visit
    (:meth:`RecordStore.start_visit` takes ``visit``); :meth:`attach` makes every row
    the session logs go straight to the record; :meth:`finish` closes the visit.
    A row the record could not take is kept in the session's own log and named in
    ``problems``.
    """

    def __init__(self, store: RecordStore, code: str, protocol: Protocol, **visit: Any) -> None:
        self.store = store
        self.code = check_client_code(code, RecordError)
        self.steps = timeline_steps(protocol)
        self.problems: list[str] = []
        self.visit_id = store.start_visit(
            self.code,
            protocol_id=protocol.id,
            protocol_version=protocol.version,
            steps=self.steps,
            **visit,
        )
        self.practice = store.visit_is_practice(self.visit_id)

    def attach(self, record: SessionRecord) -> None:
        """Store every row ``record`` holds already and every row it logs from now on
        (attaching twice changes nothing: a note has no number to tell it apart)."""
        if self._store in record.listeners:
            return
        for row, clock_id in record.rows_with_clocks():
            self._store(row, clock_id)
        record.listeners.append(self._store)

    def _store(self, row: dict[str, Any], clock_id: str | None) -> None:
        try:
            self.store.add_event(self.visit_id, row, clock_id=clock_id)
        except (RecordError, SQLAlchemyError) as error:
            self.problems.append(f"an event could not be stored: {error}")

    def finish(self, record: SessionRecord, *, interrupted: bool = False) -> None:
        """Close the visit with each step's time, outcome and current."""
        self.store.finish_visit(self.visit_id, record.step_results(), interrupted=interrupted)

    def set_comfort(self, comfort: Mapping[int, str | None]) -> None:
        self.store.set_comfort(self.visit_id, comfort)


def _steps_of(visit: Visit) -> list[dict[str, Any]]:
    """The visit's planned steps in the form a SessionRecord reads."""
    return [
        {
            "step": s.step,
            "kind": s.kind,
            "zone": s.zone,
            "side": s.side,
            "seconds": s.planned_s,
            "current_uA": s.planned_uA,
            "zone_name": s.zone or "",
            "action": None,
        }
        for s in visit.steps
    ]


def recover_open_visits(store: RecordStore, code: str) -> int:
    """Close as interrupted every session of ``code`` left open (a closed tab, a
    restarted kernel), each step summed up from the events stored. Returns how many.

    One transaction: a session another app finishes meanwhile is either closed here
    (it was still open) or left as that app finished it.
    """
    code = check_client_code(code, RecordError)
    with store.transaction() as session:
        client = client_row(session, code, missing_ok=True)
        if client is None:
            return 0
        visits = session.scalars(
            select(Visit)
            .where(Visit.client_id == client.id, Visit.status == "open")
            .options(selectinload(Visit.steps), selectinload(Visit.events))
        ).all()
        for visit in visits:
            record = SessionRecord(_steps_of(visit))
            record.rows = [{c: getattr(e, c, None) for c in LOG_COLUMNS} for e in visit.events]
            by_number = {step.step: step for step in visit.steps}
            for result in record.step_results():
                apply_step_result(by_number[result["step"]], result)
            visit.status, visit.ended_at = "interrupted", now()
        return len(visits)


# -- session logs saved as CSV before the record existed ------------------------------


def _cell(column: str, text: str) -> Any:
    """A cell of a saved log as the record keeps it.

    >>> _cell("reason", "'=SUM(A1)"), _cell("reason", "'tis sore"), _cell("step", "3")
    ('=SUM(A1)', "'tis sore", 3)
    """
    if text == "":
        return None
    if column in _NUMBER_COLUMNS:
        try:
            number = float(text)
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return int(number) if column in ("seq", "step") else number
    # The CSV writer put an apostrophe before text a spreadsheet would run as a
    # formula, and only there: any other apostrophe was typed.
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _read_log(path: Path) -> tuple[bytes, list[dict[str, Any]]]:
    def check(status: os.stat_result) -> None:
        kind = special_kind(status.st_mode)
        if kind:
            raise RecordError(f"{path}: is {kind}, not a session log")
        if status.st_size > _LOG_LIMIT_BYTES:
            raise RecordError(f"{path}: too large for a session log")

    try:
        data = read_regular_file(path, _LOG_LIMIT_BYTES, check)
    except IsADirectoryError:
        raise RecordError(f"{path}: is a folder, not a session log") from None
    except OSError as error:
        raise RecordError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as error:
        raise RecordError(f"{path}: not a session log saved by the workbook ({error})") from None
    needed = {"client_code", "protocol", "event", "step"}
    missing = needed - set(reader.fieldnames or ())
    if missing:
        raise RecordError(
            f"{path}: not a session log saved by the workbook (no {', '.join(sorted(missing))}"
            " column)"
        )
    if not rows:
        raise RecordError(f"{path}: the log holds no events")
    return data, rows


def _day_of(rows: Sequence[Mapping[str, Any]], path: Path) -> dt.date:
    for row in rows:
        if row.get("browser_time"):
            return dt.datetime.fromisoformat(row["browser_time"]).date()
    for row in rows:
        if row.get("logged_at"):
            return dt.datetime.fromisoformat(row["logged_at"]).date()
    raise RecordError(f"{path}: no row says when the session took place")


def import_log(store: RecordStore, path: str | Path, library: Mapping[str, Protocol]) -> int | None:
    """Import one session log CSV as a visit; the visit's id, or None when this very
    file was imported before (the same log twice is one visit)."""
    path = Path(path)
    data, raw = _read_log(path)
    key = hashlib.sha256(data).hexdigest()
    if store.visit_with_import_key(key) is not None:
        return None
    code = check_client_code(raw[0]["client_code"], RecordError, f"{path}: client code")
    protocol_id, _, version = (raw[0]["protocol"] or "").partition("@")
    if not protocol_id:
        raise RecordError(f"{path}: the first row names no protocol")
    # Not library.get: a Library refuses an unknown id with its own error.
    if protocol_id not in library:
        raise RecordError(f"{path}: protocol {shown_value(protocol_id)} is not in the library")
    protocol = library[protocol_id]
    rows = [{c: _cell(c, row.get(c) or "") for c in LOG_COLUMNS} for row in raw]
    try:
        day = _day_of(rows, path)
    except ValueError:
        raise RecordError(f"{path}: a time in the log is not a date and time") from None
    steps = timeline_steps(protocol)
    record = SessionRecord(steps)
    record.rows = rows
    finished = any(row["event"] == "finished" for row in rows)
    return import_visit(
        store,
        code,
        protocol_id=protocol_id,
        protocol_version=version or protocol.version,
        steps=steps,
        day=day,
        rows=rows,
        results=record.step_results(),
        finished=finished,
        import_key=key,
    )


def import_visit(
    store: RecordStore,
    code: str,
    *,
    protocol_id: str,
    protocol_version: str,
    steps: Sequence[Mapping[str, Any]],
    day: dt.date,
    rows: Sequence[Mapping[str, Any]],
    results: Sequence[Mapping[str, Any]],
    finished: bool,
    import_key: str,
) -> int | None:
    """Store a whole session read from a saved log, in one transaction; None when a
    log with this fingerprint is stored already (another import won the race)."""
    try:
        with store.transaction() as session:
            client = ensure_client(session, code)
            visit = Visit(
                client_id=client.id,
                day=day,
                status="finished" if finished else "interrupted",
                practice=False,
                speed=1.0,
                protocol_id=protocol_id,
                protocol_version=protocol_version,
                import_key=import_key,
                created_at=now(),
            )
            session.add(visit)
            session.flush()
            by_number = {}
            for entry in steps:
                stored = planned_step(visit.id, entry)
                session.add(stored)
                by_number[stored.step] = stored
            for result in results:
                if result["step"] in by_number:
                    apply_step_result(by_number[result["step"]], result)
            for number, row in enumerate(rows):
                values = {name: row.get(name) for name in EVENT_FIELDS}
                # Imported rows keep their order; their own numbers may repeat.
                values["clock_id"] = f"import-{number}"
                session.add(Event(visit_id=visit.id, **fitted(Event, values)))
            return visit.id
    except IntegrityError:
        return None

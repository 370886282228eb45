"""Writing the client record: clients, visits, the events of a session as they happen.

Every method is one transaction: it all lands or none of it does, so a crash never
leaves half a visit, and two apps writing to one record at once each keep all they
wrote (SQLite queues writers; PostgreSQL runs them side by side). Reading the record
back is :mod:`.history`'s job.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = RecordStore(folder / "records.db")
    >>> store.add_client("C-0042").code
    'C-0042'
    >>> store.find_client("C-0042") is not None, store.find_client("C-0043")
    (True, None)
    >>> store.close()
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..core.errors import RecordError
from ..core.privacy import check_client_code, shown_value
from .database import READ_ONLY, database_url, open_engine, sqlite_file
from .rows import (
    EVENT_FIELDS,
    apply_step_result,
    client_row,
    comfort_id,
    comfort_levels,
    ensure_client,
    fitted,
    now,
    plain_data,
    planned_step,
    words,
)
from .schema import Client, Event, Sheet, Visit

__all__ = [
    "EVENT_FIELDS",
    "ClientInfo",
    "RecordStore",
    "apply_step_result",
    "client_row",
    "comfort_levels",
    "now",
    "planned_step",
]

_NAME_LIMIT = 200
_WORD_LIMIT = 40
# Screening outcomes that need an override to treat, and the one that never may.
_NEVER_OVERRIDDEN = "stop"
_NEEDS_DOCTOR = "clearance"


class ClientInfo:
    """A client as the record knows them: the code, and a display name if kept."""

    def __init__(self, client: Client) -> None:
        self.code = client.code
        self.display_name = client.display_name

    def __repr__(self) -> str:
        return f"ClientInfo({self.code!r})"


class RecordStore:
    """The client record at ``location`` (default ``$PROTOCOL_TOOLS_DB`` or
    ``~/microcurrent-records/records.db``): a file path or a database URL."""

    def __init__(self, location: str | os.PathLike[str] | None = None) -> None:
        self.url = database_url(location)
        self.engine = open_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def file(self) -> os.PathLike[str] | None:
        """The SQLite file holding the record (None for a server database)."""
        return sqlite_file(self.url)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed on leaving the block, rolled back on an error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads: on SQLite it waits for no writer and holds up
        none (a plain BEGIN in WAL mode); nothing in it is committed."""
        with self._sessions() as session:
            session.connection(execution_options={READ_ONLY: True})
            yield session

    # -- clients --------------------------------------------------------------------
    def add_client(self, code: str, display_name: str | None = None) -> ClientInfo:
        """Add a client (or return the one with that code: adding twice is harmless)."""
        code = check_client_code(code, RecordError)
        name = words(display_name, "a display name", _NAME_LIMIT) if display_name else None
        with self.transaction() as session:
            return ClientInfo(ensure_client(session, code, name))

    def find_client(self, code: str) -> ClientInfo | None:
        """The client with ``code``, or None."""
        code = check_client_code(code, RecordError)
        with self.reading() as session:
            client = client_row(session, code, missing_ok=True)
            return ClientInfo(client) if client else None

    # -- visits -----------------------------------------------------------------------
    def record_screening(
        self,
        code: str,
        screening: Mapping[str, Any],
        *,
        intake: Mapping[str, Any] | None = None,
        practice: bool = False,
    ) -> int:
        """Store a day's screening with the client (added if new); return the visit's id.

        ``screening`` is ``ScreeningResult.to_dict()``; ``intake`` the answers as
        plain data. A later session that day takes this visit over (:meth:`start_visit`).
        """
        code = check_client_code(code, RecordError)
        try:
            day = dt.date.fromisoformat(screening["date"])
            outcome = words(screening["outcome"], "a screening's outcome", _WORD_LIMIT)
        except (KeyError, TypeError, ValueError):
            raise RecordError(
                "a screening must give its date (YYYY-MM-DD) and outcome, as "
                "ScreeningResult.to_dict() does"
            ) from None
        stored, answers = plain_data(screening, "the screening"), plain_data(intake, "the intake")
        with self.transaction() as session:
            client = ensure_client(session, code)
            visit = Visit(
                client_id=client.id,
                day=day,
                status="screened",
                practice=practice,
                outcome=outcome,
                screening=stored,
                intake=answers,
                created_at=now(),
            )
            session.add(visit)
            session.flush()
            return visit.id

    def start_visit(
        self,
        code: str,
        *,
        protocol_id: str,
        protocol_version: str,
        steps: Sequence[Mapping[str, Any]],
        day: dt.date,
        screening: Mapping[str, Any] | None = None,
        intake: Mapping[str, Any] | None = None,
        speed: float = 1.0,
        practice: bool = False,
        override_reason: str | None = None,
        doctor_note_on_file: bool = False,
        session_id: str | None = None,
    ) -> int:
        """Open the visit a session runs in and return its id.

        ``steps`` is the protocol's timeline (``session.record.timeline_steps``).
        A speed other than 1 is a rehearsal: stored as practice, whatever was asked.
        The screening's outcome decides what an override needs (see
        :meth:`check_override`); a refused one raises RecordError, storing nothing.
        """
        code = check_client_code(code, RecordError)
        if isinstance(speed, bool) or not isinstance(speed, int | float) or not speed > 0:
            raise RecordError(f"speed must be a number above 0 (1 is real time), not {speed!r}")
        practice = practice or speed != 1
        outcome = screening["outcome"] if screening else None
        reason = self.check_override(
            outcome, override_reason, doctor_note_on_file, practice=practice
        )
        stored, answers = plain_data(screening, "the screening"), plain_data(intake, "the intake")
        with self.transaction() as session:
            client = ensure_client(session, code)
            visit = self._screened_today(session, client, day, screening, practice)
            if visit is None:
                visit = Visit(client_id=client.id, day=day, created_at=now())
                session.add(visit)
            visit.status, visit.practice, visit.speed = "open", practice, float(speed)
            visit.protocol_id, visit.protocol_version = protocol_id, protocol_version
            if stored is not None:
                visit.outcome, visit.screening = outcome, stored
            if answers is not None:
                visit.intake = answers
            visit.override_reason, visit.doctor_note_on_file = reason, bool(doctor_note_on_file)
            visit.session_id, visit.started_at = session_id, now()
            session.flush()
            for entry in steps:
                session.add(planned_step(visit.id, entry))
            return visit.id

    @staticmethod
    def check_override(
        outcome: str | None, reason: str | None, doctor_note: bool, *, practice: bool
    ) -> str | None:
        """The override reason to store, or RecordError when the outcome may not be
        overridden: "do not treat" never for a real client; "clearance" only with the
        doctor's note on file; every override only with a reason."""
        if outcome in (None, "proceed", "adjust"):
            return reason.strip() if isinstance(reason, str) and reason.strip() else None
        if outcome == _NEVER_OVERRIDDEN and not practice:
            raise RecordError("the screening says Do not treat: no override can start a session")
        reason = words(reason, "the reason for overriding the screening")
        if outcome == _NEEDS_DOCTOR and not doctor_note and not practice:
            raise RecordError(
                "the screening asks for a doctor's clearance: confirm the written note is on "
                "file before overriding"
            )
        return reason

    @staticmethod
    def _screened_today(
        session: Session,
        client: Client,
        day: dt.date,
        screening: Mapping[str, Any] | None,
        practice: bool,
    ) -> Visit | None:
        """Today's stored screening of this client with no session yet, if any; a
        rehearsal never takes over a real screening, nor a real session a practice one."""
        visits = session.scalars(
            select(Visit)
            .where(
                Visit.client_id == client.id,
                Visit.day == day,
                Visit.status == "screened",
                Visit.practice.is_(practice),
            )
            .order_by(Visit.id.desc())
        ).all()
        for visit in visits:
            if screening is None or visit.outcome == screening.get("outcome"):
                return visit
        return None

    def add_event(
        self, visit_id: int, row: Mapping[str, Any], *, clock_id: str | None = None
    ) -> bool:
        """Store one session event (a row of the session log) the moment it happens.

        A browser event with a clock id and number already stored is ignored
        (False), so a message sent twice, or a log imported twice, is one event.
        """
        values = {name: row.get(name) for name in EVENT_FIELDS}
        if values["seq"] is not None and clock_id is None:
            clock_id = "browser"
        values = fitted(Event, {**values, "clock_id": clock_id})
        try:
            with self.transaction() as session:
                session.add(Event(visit_id=visit_id, **values))
        except IntegrityError:
            # The same event again, or a visit that is not there (refused, not hidden).
            with self.reading() as session:
                self._visit(session, visit_id)
            return False
        return True

    def finish_visit(
        self,
        visit_id: int,
        steps: Sequence[Mapping[str, Any]],
        *,
        interrupted: bool = False,
    ) -> None:
        """Close a visit with what each step came to.

        ``steps``: one mapping per step with ``step`` and any of ``actual_s``,
        ``current_uA`` (the current used), ``skipped``, ``outcome``, ``comfort``
        (an id of :func:`comfort_levels`) and ``note``.
        """
        with self.transaction() as session:
            visit = self._visit(session, visit_id)
            by_number = {step.step: step for step in visit.steps}
            for change in steps:
                stored = by_number.get(change.get("step"))
                if stored is None:
                    raise RecordError(f"step {shown_value(change.get('step'))} is not in visit")
                apply_step_result(stored, change)
            visit.status = "interrupted" if interrupted else "finished"
            visit.ended_at = now()

    def set_comfort(self, visit_id: int, comfort: Mapping[int, str | None]) -> None:
        """Record how the client felt at each step, ``{step: comfort id}``."""
        with self.transaction() as session:
            visit = self._visit(session, visit_id)
            by_number = {step.step: step for step in visit.steps}
            for number, level in comfort.items():
                if number not in by_number:
                    raise RecordError(f"step {shown_value(number)} is not in this visit")
                by_number[number].comfort = comfort_id(level)

    def close_open_visits(self, code: str) -> int:
        """Close as interrupted every session of ``code`` left open (a closed tab, a
        restarted kernel); their events stay. Returns how many were closed."""
        code = check_client_code(code, RecordError)
        with self.transaction() as session:
            client = client_row(session, code, missing_ok=True)
            if client is None:
                return 0
            visits = session.scalars(
                select(Visit).where(Visit.client_id == client.id, Visit.status == "open")
            ).all()
            for visit in visits:
                visit.status, visit.ended_at = "interrupted", now()
            return len(visits)

    def record_sheet(
        self,
        code: str,
        file_name: str,
        *,
        protocol_id: str | None = None,
        visit_id: int | None = None,
    ) -> None:
        """Note that a sheet (its file name) was printed or filed for the client."""
        code = check_client_code(code, RecordError)
        with self.transaction() as session:
            client = ensure_client(session, code)
            session.add(
                Sheet(
                    client_id=client.id,
                    visit_id=visit_id,
                    protocol_id=protocol_id,
                    file_name=words(str(file_name), "a sheet's file name", 400),
                    printed_at=now(),
                )
            )

    def visit_is_practice(self, visit_id: int) -> bool:
        """Whether visit ``visit_id`` is practice (a rehearsal or a synthetic client)."""
        with self.reading() as session:
            return self._visit(session, visit_id).practice

    def visit_with_import_key(self, key: str) -> int | None:
        """The visit imported from the log with fingerprint ``key``, if any."""
        with self.reading() as session:
            return session.scalar(select(Visit.id).where(Visit.import_key == key))

    @staticmethod
    def _visit(session: Session, visit_id: int) -> Visit:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise RecordError(f"no visit {shown_value(visit_id)} is in the record")
        return visit

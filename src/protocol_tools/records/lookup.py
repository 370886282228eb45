"""What the command line and the session sheet look up in the client record: the
record itself (named as a person can read it), a day's stored screening, and the
settings carried forward from the last session before a given day.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> open_record(folder / "records.db", create=False) is None   # nothing recorded yet
    True
    >>> store = open_record(folder / "records.db")
    >>> _ = store.add_client("C-0042")
    >>> screening_on(store, "C-0042", dt.date(2026, 11, 23)) is None
    True
    >>> last_visit(store, "C-0042", "signature-lift-15", dt.date(2026, 11, 23))
    {}
    >>> store.close()
    >>> record_name("postgresql+psycopg://clinic:secret@db/records")
    'postgresql+psycopg://clinic:***@db/records'
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from sqlalchemy import select

from ..core.errors import RecordError
from ..core.privacy import check_client_code
from .database import database_url, shown_location, sqlite_file
from .history import carry_forward, client_record
from .schema import Visit
from .store import RecordStore, client_row

__all__ = ["last_visit", "open_record", "record_name", "screening_on"]

Location = str | os.PathLike[str] | None


def record_name(location: Location = None) -> str:
    """The record as a message names it: its file, or its URL without the password."""
    return shown_location(database_url(location))


def open_record(location: Location = None, *, create: bool = True) -> RecordStore | None:
    """The record at ``location`` (default ``$PROTOCOL_TOOLS_DB`` or the file).

    With ``create=False`` a record file that does not exist yet is not made: None
    (a command that only reads has nothing to read, and a mistyped ``--db`` must not
    leave an empty record behind). A record that cannot be opened (a folder, a file
    that is not a record) is a RecordError naming it.
    """
    path = sqlite_file(database_url(location))
    if path is not None and not create and not os.path.lexists(path):
        return None
    try:
        return RecordStore(location)
    except RecordError as error:
        where = record_name(location)
        message = str(error)
        if where in message:
            raise
        raise RecordError(f"{where}: {message}") from None


def screening_on(store: RecordStore, code: str, day: dt.date) -> dict[str, Any] | None:
    """The newest screening stored for client ``code`` on ``day`` (its
    ``ScreeningResult.to_dict()`` form), or None. Practice runs do not count: a
    rehearsal's screening is not the client's."""
    code = check_client_code(code, RecordError)
    with store.transaction() as session:
        client = client_row(session, code, missing_ok=True)
        if client is None:
            return None
        # Filtered here, not in SQL: a JSON column may hold a JSON null, not SQL's NULL.
        screenings = session.scalars(
            select(Visit.screening)
            .where(Visit.client_id == client.id, Visit.day == day, Visit.practice.is_(False))
            .order_by(Visit.id.desc())
        ).all()
    return next((dict(found) for found in screenings if found), None)


def last_visit(store: RecordStore, code: str, protocol_id: str, day: dt.date) -> dict[str, Any]:
    """What carries forward to a session of ``protocol_id`` on ``day``: the settings of
    the client's newest real session before that day (``history.carry_forward``), when
    it ran that protocol; ``{}`` otherwise (or when the client is not in the record)."""
    code = check_client_code(code, RecordError)
    if store.find_client(code) is None:
        return {}
    before = day.isoformat()
    visits = [visit for visit in client_record(store, code)["visits"] if visit["date"] < before]
    carried = carry_forward(visits)
    return carried if carried.get("protocol") == protocol_id else {}

"""Erasing a client: every row that names them, then the file rebuilt without them.

Deleting the client row deletes their visits, steps, events and sheets with it (the
schema's ``ON DELETE CASCADE``). A deleted row can linger in free pages and logs, so:

- on SQLite, pages are zeroed as they are freed (``secure_delete``), the write-ahead
  log is emptied and the file rebuilt (``VACUUM``): the code is gone from its bytes;
- on PostgreSQL, the tables are rewritten (``VACUUM FULL``), which drops the dead
  rows from the table files. The server's own write-ahead log and backups are the
  database administrator's to rotate; the closing note of the README says so.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from ..core.errors import RecordError
from ..core.privacy import check_client_code
from .schema import Base, Client, Visit
from .store import RecordStore, client_row

__all__ = ["compact", "forget_client"]

_CHECKPOINT = "PRAGMA wal_checkpoint(TRUNCATE)"


def _checkpointed(result: tuple | None, store: RecordStore) -> None:
    """A checkpoint's answer is (busy, log pages, pages moved); VACUUM answers nothing."""
    if result is not None and result[0] != 0:
        raise RecordError(
            f"the client's rows are deleted, but another app kept {store.file} busy, so its "
            "log still holds their bytes: close the other apps, then call compact() again"
        )


def forget_client(store: RecordStore, code: str) -> int:
    """Erase every trace of client ``code``; returns how many visits went with them.

    UnknownClientError when no client has that code (nothing is changed).
    """
    code = check_client_code(code, RecordError)
    with store.transaction() as session:
        client = client_row(session, code)
        assert client is not None  # client_row raised otherwise
        visits = session.scalar(select(func.count(Visit.id)).where(Visit.client_id == client.id))
        session.execute(delete(Client).where(Client.id == client.id))
    compact(store)
    return int(visits or 0)


def compact(store: RecordStore) -> None:
    """Rewrite the record without the rows deleted from it (:func:`forget_client` does
    this itself). RecordError when another app kept the SQLite file busy throughout:
    the rows are gone, their bytes may linger until this is run again."""
    with store.engine.connect() as connection:
        driver = connection.connection.driver_connection
        if store.file is not None:
            # Empty the log into the file, rebuild the file without free pages (the
            # rebuild goes through the log), then empty the log again.
            for statement in (_CHECKPOINT, "VACUUM", _CHECKPOINT):
                _checkpointed(driver.execute(statement).fetchone(), store)
            return
        # VACUUM cannot run inside a transaction block.
        driver.autocommit = True
        try:
            with driver.cursor() as cursor:
                for table in Base.metadata.sorted_tables:
                    cursor.execute(f"VACUUM FULL {table.name}")  # our own table names only
        finally:
            driver.autocommit = False

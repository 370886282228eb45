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

__all__ = ["forget_client"]


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
    _compact(store)
    return int(visits or 0)


def _compact(store: RecordStore) -> None:
    with store.engine.connect() as connection:
        driver = connection.connection.driver_connection
        if store.file is not None:
            statements = [
                "PRAGMA wal_checkpoint(TRUNCATE)",
                "VACUUM",
                "PRAGMA wal_checkpoint(TRUNCATE)",
            ]
            for statement in statements:
                driver.execute(statement)
            return
        # VACUUM cannot run inside a transaction block.
        driver.autocommit = True
        try:
            with driver.cursor() as cursor:
                for table in Base.metadata.sorted_tables:
                    cursor.execute(f"VACUUM FULL {table.name}")  # our own table names only
        finally:
            driver.autocommit = False

"""Opening the client record: where it is, who may read it, which schema it holds.

``$PROTOCOL_TOOLS_DB`` names the record: a database URL (``postgresql+psycopg://…``
for a clinic whose rooms share one) or a file path; by default it is the SQLite file
``~/microcurrent-records/records.db``, created on first use and readable only by its
owner. Opening brings an older schema up to date (Alembic migrations, in one
transaction each) and refuses, untouched, a record written by a newer version.

    >>> database_url("/tmp/somewhere/records.db")
    'sqlite:////tmp/somewhere/records.db'
    >>> database_url("postgresql+psycopg://clinic@db/records")
    'postgresql+psycopg://clinic@db/records'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from ..core.atomic import file_lock
from ..core.errors import RecordError
from ..core.paths import DB_ENV, inside_repository, records_location

__all__ = [
    "READ_ONLY",
    "database_url",
    "latest_revision",
    "open_engine",
    "schema_revision",
    "shown_location",
    "sqlite_file",
]

# An execution option: this connection's transaction only reads (RecordStore.reading).
READ_ONLY = "protocol_tools_read_only"

# SQLite waits this long for another writer (another room's app) before giving up.
_BUSY_TIMEOUT_MS = 10_000
# Alembic's own table, the one a record holds besides its own (empty once every
# migration is undone).
_VERSION_TABLE = "alembic_version"
# Postgres: one migration at a time, whoever opens the record first (an arbitrary key).
_MIGRATION_LOCK_KEY = 7_311_042


def database_url(location: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL of ``location`` (default: ``$PROTOCOL_TOOLS_DB`` or the file)."""
    where = str(location) if location is not None else records_location()
    if "://" in where:
        return where
    return f"sqlite:///{Path(where).expanduser().resolve()}"


# The first bytes of every SQLite database file (the file format's own magic string).
_SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return None if parsed.database == ":memory:" else Path(parsed.database)


def _prepare_file(path: Path) -> None:
    """Create the record's folder and file for the owner alone; never in the project."""
    if inside_repository(path.parent):
        raise RecordError(
            f"{path} is inside the project folder; the record holds client data, so keep it "
            f"elsewhere (set {DB_ENV}, or use the default ~/microcurrent-records/records.db)"
        )
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_EXCL-free create with owner-only rights; an existing file keeps its rights.
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            header = os.read(handle, len(_SQLITE_HEADER))
        finally:
            os.close(handle)
    except OSError as error:
        raise RecordError(f"cannot open the record {path}: {error.strerror}") from None
    # Looked at before any lock file is made beside it: a user's other file given
    # by mistake is left exactly as it was, with nothing new next to it.
    if header and header != _SQLITE_HEADER:
        raise RecordError(f"{path} is not a client record (not a SQLite database file)")


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is turned off: BEGIN is ours (_sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Erased pages are overwritten with zeros, not just marked free: a forgotten
    # client cannot be read back from the file. FULL makes every commit durable.
    # (The write-ahead log, which lets readers and the writer go on side by side, is
    # switched on once the file is known to be a record: _use_wal.)
    for pragma in (
        "foreign_keys = ON",
        "secure_delete = ON",
        f"busy_timeout = {_BUSY_TIMEOUT_MS}",
        "synchronous = FULL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _use_wal(connection: Connection) -> None:
    """Switch a record file to the write-ahead log (kept in the file from then on).
    Run outside any transaction: SQLite changes the journal only there."""
    connection.connection.dbapi_connection.execute("PRAGMA journal_mode = WAL")


def shown_location(url: str) -> str:
    """The record as a message names it: its file, or its URL without a password.

    >>> shown_location("postgresql+psycopg://clinic:secret@db/records")
    'postgresql+psycopg://clinic:***@db/records'
    """
    path = sqlite_file(url)
    if path is not None:
        return str(path)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return f"the database named by {DB_ENV}"


def _sqlite_begin(connection: Connection) -> None:
    # A writer takes the write lock at BEGIN, so two writers queue instead of one
    # failing with "database is locked" halfway through a visit. A reader takes none:
    # in WAL mode it reads the last commit while a writer goes on.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def open_engine(location: str | os.PathLike[str] | None = None) -> Engine:
    """An engine on the record at ``location``, its schema brought up to date."""
    url = database_url(location)
    path = sqlite_file(url)
    if path is not None:
        _prepare_file(path)
    try:
        engine = create_engine(url, pool_pre_ping=path is None)
    except (ArgumentError, ImportError) as error:
        raise RecordError(f"{DB_ENV} is not a database this tool can open: {error}") from None
    if path is not None:
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    try:
        _bring_up_to_date(engine, path)
    except DBAPIError as error:
        engine.dispose()
        raise RecordError(f"cannot open the record {shown_location(url)}: {error.orig}") from None
    except RecordError:
        engine.dispose()
        raise
    return engine


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", "protocol_tools.records:migrations")
    config.attributes["connection"] = connection
    return config


def latest_revision() -> str:
    """The newest schema this version of the package knows."""
    config = Config()
    config.set_main_option("script_location", "protocol_tools.records:migrations")
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None  # the package ships its migrations
    return head


def schema_revision(connection: Connection) -> str | None:
    """The schema revision a record holds (None: an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def _bring_up_to_date(engine: Engine, path: Path | None) -> None:
    if path is not None:
        # Two apps opening a new file at once: one creates the tables, the other waits.
        with file_lock(path.with_name(path.name + ".lock")):
            _migrate(engine)
    else:
        _migrate(engine)


def _migrate(engine: Engine) -> None:
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            connection.commit()
        try:
            current = _checked_revision(connection)
            if not postgres:
                _use_wal(connection)
            if current != latest_revision():
                command.upgrade(_alembic_config(connection), "head")
                connection.commit()
        finally:
            # A failed statement leaves the transaction unusable: end it before unlocking,
            # so the error the user sees is the first one.
            connection.rollback()
            if postgres:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
                connection.commit()


def _checked_revision(connection: Connection) -> str | None:
    """The revision the database holds, once it is known to be a record this version
    can use (RecordError otherwise). Only reads: a refused database is left as it was."""
    connection.execution_options(**{READ_ONLY: True})
    try:
        current = schema_revision(connection)
        tables = set(inspect(connection).get_table_names()) - {_VERSION_TABLE}
    finally:
        connection.rollback()
        connection.execution_options(**{READ_ONLY: False})
    scripts = ScriptDirectory.from_config(_alembic_config(connection))
    if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        raise RecordError(
            f"this record was written by a newer version of protocol-tools (schema {current}); "
            f"this version knows schema {latest_revision()} at most. Update protocol-tools; "
            "the record was not changed"
        )
    if current is None and tables:
        raise RecordError(
            "this database already holds tables that are not a client record "
            f"({', '.join(sorted(tables))}); point {DB_ENV} at an empty database or a "
            "record file. It was not changed"
        )
    return current

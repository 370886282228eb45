"""Opening the record: who may read the file, where it may be, which schema it holds,
and what is refused (untouched) when it is not a record this version can use."""

from __future__ import annotations

import hashlib
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, Table, create_engine, inspect, select, text

from conftest import ROOT
from protocol_tools import RecordError
from protocol_tools.core.paths import DB_ENV, inside_repository, records_location
from protocol_tools.records.database import (
    database_url,
    latest_revision,
    schema_revision,
    sqlite_file,
)
from protocol_tools.records.schema import Base
from protocol_tools.records.store import RecordStore

CODE = "C-0042"


@contextmanager
def raw_engine(location: str) -> Iterator[Engine]:
    """A plain engine on ``location``: none of the record's checks, pragmas or migrations."""
    url = database_url(location)
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def migrate(location: str, revision: str, *, down: bool = False) -> None:
    """Run the package's migrations on ``location`` up (or down) to ``revision``."""
    with raw_engine(location) as engine, engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", "protocol_tools.records:migrations")
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def revision_of(location: str) -> str | None:
    with raw_engine(location) as engine, engine.connect() as connection:
        return schema_revision(connection)


def snapshot(location: str) -> object:
    """What is in the record, to compare before and after a refusal: the bytes of a
    SQLite file (and of any log beside it), or every table and row of a database."""
    path = sqlite_file(database_url(location))
    if path is not None:
        # The lock beside the file is empty: it only queues apps opening the record.
        files = sorted(p for p in path.parent.glob(path.name + "*") if p.suffix != ".lock")
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    with raw_engine(location) as engine, engine.connect() as connection:
        return {
            table: sorted(map(tuple, connection.execute(select(table_of(connection, table)))))
            for table in sorted(inspect(connection).get_table_names())
        }


def table_of(connection, name: str) -> Table:
    return Table(name, MetaData(), autoload_with=connection)


# -- where the file is, and who may read it ------------------------------------------


def test_the_file_and_its_folder_are_the_owners_alone(tmp_path):
    folder = tmp_path / "records"
    with RecordStore(folder / "records.db") as store:
        store.add_client(CODE)
        modes = {
            path.name: stat.S_IMODE(path.stat().st_mode)
            for path in folder.iterdir()
            if path.name.startswith("records.db") and not path.name.endswith(".lock")
        }
        # The write-ahead log and its index hold client data too, while the record is open.
        assert {"records.db", "records.db-wal", "records.db-shm"} <= set(modes)
        assert set(modes.values()) == {0o600}
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_existing_file_keeps_its_rights(tmp_path):
    path = tmp_path / "records.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    RecordStore(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_record_inside_the_project_is_refused_and_not_created():
    path = ROOT / "records-under-test" / "records.db"
    with pytest.raises(RecordError, match="inside the project folder"):
        RecordStore(path)
    assert not path.exists()
    assert not path.parent.exists()


def test_the_default_record_is_outside_the_project(tmp_path, monkeypatch):
    monkeypatch.delenv(DB_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert not inside_repository(Path(records_location()).parent)
    with RecordStore() as store:
        assert store.file == tmp_path / "microcurrent-records" / "records.db"
        store.add_client(CODE)
    assert (tmp_path / "microcurrent-records" / "records.db").stat().st_size > 0


def test_the_project_holds_no_record_and_git_would_ignore_one():
    tracked = subprocess.run(
        ["git", "ls-files", "*.db", "*.db-*", "*.sqlite*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert tracked.stdout == ""
    for name in ("records.db", "records.db-wal", "records.db-shm", "clinic.sqlite3"):
        ignored = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, check=False)
        assert ignored.returncode == 0, f"{name} is not ignored by .gitignore"


def test_a_folder_that_cannot_be_made_is_refused_clearly(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder would go")
    with pytest.raises(RecordError, match="cannot open the record"):
        RecordStore(blocker / "records.db")


def test_a_url_of_no_known_database_is_refused_clearly():
    with pytest.raises(RecordError, match=DB_ENV):
        RecordStore("nosuchdatabase://somewhere/records")


# -- the schema ------------------------------------------------------------------------


def test_the_migrations_make_exactly_the_models_tables(store):
    with store.engine.connect() as connection:
        assert schema_revision(connection) == latest_revision()
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_opening_twice_migrates_once_and_keeps_the_data(location):
    with RecordStore(location) as store:
        store.add_client(CODE)
    before = snapshot(location)
    with RecordStore(location) as store:
        assert store.find_client(CODE) is not None
    if sqlite_file(database_url(location)) is None:
        assert snapshot(location) == before


def test_a_record_at_an_older_revision_is_brought_up_to_date(location):
    first = "0001"
    migrate(location, first)
    with raw_engine(location) as engine, engine.begin() as connection:
        connection.execute(
            text("INSERT INTO clients (code, created_at) VALUES (:code, CURRENT_TIMESTAMP)"),
            {"code": CODE},
        )
    assert revision_of(location) == first
    with RecordStore(location) as store:
        assert store.find_client(CODE) is not None
    assert revision_of(location) == latest_revision()


def test_a_record_with_every_migration_undone_is_built_again(location):
    RecordStore(location).close()
    migrate(location, "base", down=True)
    assert revision_of(location) is None
    with RecordStore(location) as store:
        store.add_client(CODE)
    assert revision_of(location) == latest_revision()


def test_a_record_from_a_newer_version_is_refused_untouched(location):
    with RecordStore(location) as store:
        store.add_client(CODE)
    with raw_engine(location) as engine, engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_later'"))
    before = snapshot(location)
    with pytest.raises(RecordError, match="newer version of protocol-tools") as refused:
        RecordStore(location)
    assert "9999_from_later" in str(refused.value)
    assert "was not changed" in str(refused.value)
    assert snapshot(location) == before


def test_a_database_holding_other_tables_is_refused_untouched(location):
    with raw_engine(location) as engine, engine.begin() as connection:
        connection.execute(text("CREATE TABLE patients (name VARCHAR(40))"))
        connection.execute(text("INSERT INTO patients VALUES ('somebody else''s data')"))
    before = snapshot(location)
    with pytest.raises(RecordError, match="not a client record"):
        RecordStore(location)
    assert snapshot(location) == before


@pytest.mark.parametrize(
    "content",
    [b"name,date\nJane,2026-11-23\n" * 50, b"SQLite format 3\x00" + b"\xff" * 4080, b"\x00" * 4096],
    ids=["a spreadsheet", "a broken header", "zeros"],
)
def test_a_file_that_is_not_a_database_is_refused_clearly_and_left_alone(tmp_path, content):
    path = tmp_path / "records.db"
    path.write_bytes(content)
    refusal = r"cannot open the record|is not a client record"
    with pytest.raises(RecordError, match=refusal) as refused:
        RecordStore(path)
    assert str(path) in str(refused.value)
    assert path.read_bytes() == content
    beside = sorted(entry.name for entry in tmp_path.iterdir())
    # A file that is not SQLite at all is refused before a lock file is made beside it.
    says_sqlite = content.startswith(b"SQLite format 3\x00")
    assert beside == (["records.db", "records.db.lock"] if says_sqlite else ["records.db"])

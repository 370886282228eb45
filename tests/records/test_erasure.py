"""Forgetting a client: every row goes, and on SQLite no byte of the record's files
still holds their code or anything they said; other clients stay as they were."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import MetaData, Table, inspect, select, text

from conftest import intake_answers
from helpers import TODAY, count_rows, express_protocol, run_session, screening_of
from protocol_tools import UnknownClientError
from protocol_tools.records.erasure import forget_client
from protocol_tools.records.history import client_list, export_record
from protocol_tools.records.schema import Base, Client, Event, Visit, VisitStep
from protocol_tools.records.sessions import VisitRecorder
from protocol_tools.records.store import RecordStore
from protocol_tools.session.record import SessionRecord

GONE, KEPT = "C-7731", "C-5519"
# Words only each client's rows hold, so the bytes of the files can be searched.
GONE_WORDS, KEPT_WORDS = "ZEBRA-quill-7731", "OKAPI-lantern-5519"
VISITS = 6


def client_with_history(store: RecordStore, code: str, words: str) -> None:
    """Several visits, each with an intake, a screening, notes and adjustments that
    carry ``words``, and a sheet whose file name carries the code."""
    for n in range(VISITS):
        intake = intake_answers(client=code, date=TODAY, conditions=[], skin_in_treatment_area=[])
        intake["notes"] = f"{words} intake {n}"
        screening = screening_of(code)
        store.record_screening(code, screening, intake=intake)
        run_session(store, code, TODAY, screening=screening, turned_down=200)
        recorder = VisitRecorder(store, code, express_protocol(), day=TODAY, practice=True)
        record = SessionRecord(recorder.steps)
        recorder.attach(record)
        record.note("practice-note", reason=f"{words} note {n} " + "x" * 400)
        recorder.finish(record)
    store.record_sheet(code, f"{code}_express-10_{words}.pdf", protocol_id="express-10")


def record_files(store: RecordStore) -> dict[str, bytes]:
    """The bytes of the record file and of every log SQLite keeps beside it."""
    path = store.file
    names = [path.name + suffix for suffix in ("", "-wal", "-shm", "-journal")]
    return {
        name: (path.parent / name).read_bytes() for name in names if (path.parent / name).exists()
    }


def test_a_forgotten_client_is_not_in_any_byte_of_the_sqlite_files(tmp_path):
    with RecordStore(tmp_path / "records.db") as store:
        client_with_history(store, GONE, GONE_WORDS)
        client_with_history(store, KEPT, KEPT_WORDS)
        before = record_files(store)
        assert any(GONE_WORDS.encode() in data for data in before.values())
        assert forget_client(store, GONE) == 2 * VISITS
        after = record_files(store)
        assert "records.db" in after
        for name, data in after.items():
            for trace in (GONE, GONE_WORDS):
                assert trace.encode() not in data, f"{trace} is still in {name}"
                assert trace.encode("utf-16-le") not in data, f"{trace} is still in {name}"
        # The other client is whole, in the file and through the record.
        assert KEPT_WORDS.encode() in b"".join(after.values())
        kept = export_record(store, KEPT)
        assert len(kept["visits"]) == 2 * VISITS
        assert [row["client"] for row in client_list(store)] == [KEPT]
    # Closed and opened again, the record is sound and still has no trace.
    with RecordStore(tmp_path / "records.db") as store:
        with store.reading() as session:
            assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert count_rows(store, Client) == 1
        for data in record_files(store).values():
            assert GONE_WORDS.encode() not in data


def test_a_reader_in_another_app_only_delays_the_erasure(tmp_path):
    path = tmp_path / "records.db"
    with RecordStore(path) as store:
        client_with_history(store, GONE, GONE_WORDS)
        client_with_history(store, KEPT, KEPT_WORDS)
        reading = threading.Event()

        def read_for_a_while() -> None:
            # Another app in the middle of reading the record: a snapshot that still
            # holds the client, which the log must keep until the read ends.
            other = sqlite3.connect(path, isolation_level=None)
            try:
                other.execute("BEGIN")
                assert other.execute("SELECT count(*) FROM clients").fetchone() == (2,)
                reading.set()
                time.sleep(1.5)
                other.execute("COMMIT")
            finally:
                other.close()

        reader = threading.Thread(target=read_for_a_while)
        reader.start()
        try:
            assert reading.wait(30)
            forget_client(store, GONE)
        finally:
            reader.join()
        for name, data in record_files(store).items():
            assert GONE_WORDS.encode() not in data, f"{GONE_WORDS} is still in {name}"


def every_row(store: RecordStore) -> list[str]:
    """Every row of every table, as text."""
    rows = []
    with store.reading() as session:
        connection = session.connection()
        for name in inspect(connection).get_table_names():
            table = Table(name, MetaData(), autoload_with=connection)
            rows += [repr(tuple(row)) for row in connection.execute(select(table))]
    return rows


def file_nodes(store: RecordStore) -> dict[str, int]:
    """Where each table of the record keeps its rows on the server's disk: VACUUM FULL
    writes them anew."""
    query = text("SELECT relname, relfilenode FROM pg_class WHERE relname = ANY(:names)")
    names = list(Base.metadata.tables)
    with store.reading() as session:
        return dict(session.execute(query, {"names": names}).all())


def test_a_forgotten_client_is_in_no_row_of_the_database(store):
    client_with_history(store, GONE, GONE_WORDS)
    client_with_history(store, KEPT, KEPT_WORDS)
    events_kept = count_rows(store, Event) // 2
    before = file_nodes(store) if store.file is None else {}
    assert forget_client(store, GONE) == 2 * VISITS
    rows = every_row(store)
    assert not [row for row in rows if GONE in row or GONE_WORDS in row]
    assert any(KEPT_WORDS in row for row in rows)
    assert count_rows(store, Visit) == 2 * VISITS
    assert count_rows(store, Event) == events_kept
    assert count_rows(store, VisitStep) > 0
    if store.file is None:
        # Every table was rewritten (VACUUM FULL), leaving the dead rows behind.
        after = file_nodes(store)
        assert set(after) == set(before) == set(Base.metadata.tables)
        assert all(after[name] != before[name] for name in before)


def test_forgetting_a_code_not_in_the_record_changes_nothing(store):
    client_with_history(store, KEPT, KEPT_WORDS)
    before = every_row(store)
    with pytest.raises(UnknownClientError, match=GONE):
        forget_client(store, GONE)
    assert every_row(store) == before

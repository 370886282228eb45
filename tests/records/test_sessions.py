"""A session's way into the record: each event stored as it is logged, a visit left
open recovered, and session logs saved as CSV imported once, or refused by name."""

from __future__ import annotations

import os

import pytest

from helpers import TODAY, count_rows, express_protocol, first_treatment, run_session
from protocol_tools import RecordError, load_library
from protocol_tools.records.history import client_record, export_record
from protocol_tools.records.schema import Client, Event, Visit
from protocol_tools.records.sessions import VisitRecorder, import_log, recover_open_visits
from protocol_tools.records.store import RecordStore
from protocol_tools.session.record import SessionRecord, timeline_steps

CODE = "C-0042"
CLOCK = "a1b2c3d4e5f60718"
RELOADED = "ffeeddccbbaa9988"
STARTED_MS = 1_795_000_000_000  # 2026-11-18, in the browser's clock


@pytest.fixture(scope="module")
def library():
    return load_library()


def recorder_and_log(store: RecordStore) -> tuple[VisitRecorder, SessionRecord]:
    recorder = VisitRecorder(store, CODE, express_protocol(), day=TODAY)
    return recorder, SessionRecord(recorder.steps)


def event(seq: int, name: str, clock: str = CLOCK, **more) -> dict:
    return {"event": name, "seq": seq, "clock_id": clock, "at_ms": STARTED_MS + seq, **more}


def test_each_event_is_in_the_record_the_moment_it_is_logged(store):
    recorder, record = recorder_and_log(store)
    recorder.attach(record)
    step = first_treatment(recorder.steps)["step"]
    assert count_rows(store, Event) == 0
    record.receive(event(1, "started"))
    assert count_rows(store, Event) == 1
    record.receive(event(2, "step_started", step=step))
    record.receive(event(2, "step_started", step=step))  # sent twice: logged once
    assert count_rows(store, Event) == 2
    record.adjust(step, current_uA=180, reason="client felt a zap")
    record.note("screening", reason="proceed")
    assert count_rows(store, Event) == 4
    assert count_rows(store, Visit, status="open") == 1  # not finished, all stored
    record.receive(event(3, "step_ended", step=step, actual_s=40.0))
    recorder.finish(record)
    visit = client_record(store, CODE)["visits"][0]
    assert visit["status"] == "finished"
    done = next(s for s in visit["steps"] if s["step"] == step)
    assert (done["actual_s"], done["current_uA"], done["outcome"]) == (40.0, 180, "done")
    assert recorder.problems == []


def test_events_logged_before_the_recorder_came_are_all_stored(store):
    recorder, record = recorder_and_log(store)
    record.receive(event(1, "started"))
    record.receive(event(2, "paused"))
    # The page was reloaded: a new clock numbers its events from 1 again.
    record.receive(event(1, "resumed", clock=RELOADED))
    record.receive(event(2, "paused", clock=RELOADED))
    recorder.attach(record)
    record.receive(event(3, "resumed", clock=RELOADED))
    assert count_rows(store, Event) == len(record.rows) == 5
    recorder.attach(record)  # a second attach stores nothing twice
    record.note("screening", reason="proceed")
    assert count_rows(store, Event) == len(record.rows) == 6


def test_a_visit_left_open_is_closed_as_interrupted_from_its_stored_events(location):
    with RecordStore(location) as store:
        recorder, record = recorder_and_log(store)
        recorder.attach(record)
        first, second = [s["step"] for s in recorder.steps if s["kind"] == "treatment"][:2]
        record.receive(event(1, "started"))
        record.receive(event(2, "step_started", step=first))
        record.receive(event(3, "step_ended", step=first, actual_s=88.5))
        record.adjust(second, skipped=True, reason="cold sore on that side")
        record.receive(event(4, "step_started", step=second))
        # The tab is closed here: no finish.
    with RecordStore(location) as store:
        assert recover_open_visits(store, CODE) == 1
        assert recover_open_visits(store, CODE) == 0
        visit = client_record(store, CODE)["visits"][0]
    assert visit["status"] == "interrupted"
    steps = {s["step"]: s for s in visit["steps"]}
    assert (steps[first]["actual_s"], steps[first]["outcome"]) == (88.5, "done")
    assert steps[second]["skipped"] is True
    assert "cold sore" in steps[second]["note"]
    assert steps[second + 1]["outcome"] == "not reached"


def test_recovering_a_client_not_in_the_record_finds_nothing(store):
    assert recover_open_visits(store, "C-0099") == 0
    assert count_rows(store, Client) == 0


# -- session logs saved as CSV ---------------------------------------------------------


def saved_log(folder) -> os.PathLike:
    """A session log as the guided session saves it: two steps, one turned down."""
    record = SessionRecord(timeline_steps(express_protocol()))
    step = first_treatment(record.steps)["step"]
    record.receive(event(1, "started"))
    record.receive(event(2, "step_started", step=step))
    record.adjust(step, current_uA=200, reason="=HYPERLINK(tingles)")
    record.receive(event(3, "step_ended", step=step, actual_s=90.0))
    record.note("aftercare", reason="'tis done, aftercare given")
    record.receive(event(4, "finished"))
    return record.save(folder, client_code=CODE, protocol=express_protocol(), started_ms=0)


def test_a_log_imported_twice_is_one_visit(store, tmp_path, library):
    log = saved_log(tmp_path)
    visit = import_log(store, log, library)
    assert isinstance(visit, int)
    assert import_log(store, log, library) is None
    assert count_rows(store, Visit) == 1
    assert count_rows(store, Event) == 6
    stored = export_record(store, CODE)["visits"][0]
    assert (stored["date"], stored["status"], stored["protocol"]) == (
        "2026-11-18",
        "finished",
        "express-10",
    )
    jaw = next(s for s in stored["steps"] if s["current_uA"] == 200)
    assert (jaw["actual_s"], jaw["outcome"]) == (90.0, "done")
    # A formula-like reason was kept as text by the CSV writer, and is read back as
    # written; an apostrophe the practitioner typed stays.
    reasons = [e["reason"] for e in stored["events"]]
    assert "=HYPERLINK(tingles)" in reasons
    assert "'tis done, aftercare given" in reasons


def test_the_same_session_from_a_copy_of_the_log_is_still_one_visit(store, tmp_path, library):
    log = saved_log(tmp_path)
    copy = tmp_path / "copy" / log.name
    copy.parent.mkdir()
    copy.write_bytes(log.read_bytes())
    assert import_log(store, log, library) is not None
    assert import_log(store, copy, library) is None
    assert count_rows(store, Visit) == 1


def not_a_log(tmp_path, kind: str):
    path = tmp_path / f"{kind}.csv"
    if kind == "spreadsheet":
        path.write_text("name,date,amount\nAna,2026-11-18,40\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "only-a-header":
        path.write_text("client_code,protocol,seq,event,step\n")
    elif kind == "short-row":
        path.write_text("client_code,protocol,seq,event,step\nC-0042\n")
    elif kind == "folder":
        path.mkdir()
    elif kind == "pipe":
        os.mkfifo(path)
    elif kind == "not-utf8":
        path.write_bytes(b"client_code,protocol,event,step\n\xff\xfe,\x81\n")
    elif kind == "unknown-protocol":
        log = saved_log(tmp_path)
        path.write_text(log.read_text().replace("express-10@", "lift-of-the-future@"))
    elif kind == "a-name-for-a-code":
        log = saved_log(tmp_path)
        path.write_text(log.read_text().replace(CODE, "Jane Doe"))
    elif kind == "no-time":
        path.write_text("client_code,protocol,seq,event,step\nC-0042,express-10@1.0.0,1,started,\n")
    return path


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("spreadsheet", "not a session log"),
        ("empty", "not a session log"),
        ("only-a-header", "no events"),
        ("short-row", "names no protocol"),
        ("folder", "is a folder"),
        ("pipe", "is a named pipe"),
        ("not-utf8", "not a session log"),
        ("unknown-protocol", "lift-of-the-future"),
        ("a-name-for-a-code", "not a client code"),
        ("no-time", "when the session took place"),
    ],
)
def test_a_file_that_is_not_a_usable_log_is_refused_by_name(tmp_path, library, kind, says):
    path = not_a_log(tmp_path, kind)
    with RecordStore(tmp_path / "record" / "records.db") as store:
        with pytest.raises(RecordError, match=says) as refused:
            import_log(store, path, library)
        assert path.name in str(refused.value)
        assert count_rows(store, Client) == 0
        assert count_rows(store, Visit) == 0


def test_a_log_with_an_unknown_protocol_stores_nothing_on_either_backend(store, tmp_path, library):
    path = not_a_log(tmp_path, "unknown-protocol")
    with pytest.raises(RecordError, match=path.name):
        import_log(store, path, library)
    assert count_rows(store, Client) == 0


def test_a_session_run_through_the_recorder_is_a_finished_real_visit(store):
    visit = run_session(store, CODE, turned_down=150)
    assert not store.visit_is_practice(visit)
    stored = client_record(store, CODE)["visits"][0]
    assert stored["status"] == "finished"
    assert [a["current_uA"] for a in stored["adjustments"]] == [150]

"""Reading the record back: the client list, one client's visits as JSON, what the
next visit starts from, and the export that holds everything."""

from __future__ import annotations

import datetime as dt
import json

from conftest import intake_answers
from helpers import TODAY, express_protocol, first_treatment, run_session, screening_of
from protocol_tools.records.history import client_list, client_record, export_record, next_due
from protocol_tools.records.store import comfort_levels
from protocol_tools.reference.data import session_care
from protocol_tools.session.record import timeline_steps

CODE, OTHER, NEW = "C-0042", "C-0043", "C-0044"
EARLIER = TODAY - dt.timedelta(days=30)
LATER = TODAY + dt.timedelta(days=3)


def due_after(day: dt.date) -> dict:
    """The next visit's window, worked out from the data file's weeks."""
    weeks = session_care().next_visit.weeks
    return {
        "from": (day + dt.timedelta(weeks=weeks.min)).isoformat(),
        "by": (day + dt.timedelta(weeks=weeks.max)).isoformat(),
    }


def test_next_due_follows_the_data_file():
    assert next_due(TODAY) == due_after(TODAY)
    assert next_due(None) is None
    assert next_due(dt.date.max) is None


def test_the_client_list_counts_only_real_sessions(store):
    run_session(store, CODE, EARLIER)
    run_session(store, CODE, TODAY)
    run_session(store, CODE, LATER, speed=10)  # a rehearsal: not a visit
    run_session(store, CODE, LATER, practice=True)  # a synthetic client: not a visit
    store.record_screening(CODE, screening_of(CODE, LATER))  # screened, not treated
    store.record_screening(OTHER, screening_of(OTHER, TODAY))
    store.add_client(NEW)
    rows = {row["client"]: row for row in client_list(store)}
    assert list(rows) == [CODE, OTHER, NEW]
    assert rows[CODE] == {
        "client": CODE,
        "visits": 2,
        "last_visit": TODAY.isoformat(),
        "next_due": due_after(TODAY),
    }
    assert rows[OTHER] == {"client": OTHER, "visits": 0, "last_visit": None, "next_due": None}
    assert rows[NEW]["visits"] == 0


def test_a_client_record_holds_what_the_issue_asks_for(store):
    visit = run_session(store, CODE, EARLIER, turned_down=180)
    jaw = first_treatment(timeline_steps(express_protocol()))["step"]
    store.set_comfort(visit, {jaw: "twitching"})
    store.record_sheet(CODE, "C-0042_express-10.pdf", protocol_id="express-10", visit_id=visit)
    record = client_record(store, CODE)
    assert {"client", "visits", "carry_forward", "sheets"} <= set(record)
    assert record["client"] == CODE
    [stored] = record["visits"]
    expected = {"date", "protocol", "protocol_version", "outcome", "practice", "steps"}
    assert expected | {"adjustments"} <= set(stored)
    assert (stored["date"], stored["protocol"], stored["protocol_version"]) == (
        EARLIER.isoformat(),
        "express-10",
        express_protocol().version,
    )
    assert stored["practice"] is False
    assert len(stored["steps"]) == len(timeline_steps(express_protocol()))
    step_keys = {"zone", "side", "planned_s", "actual_s", "current_uA", "comfort", "skipped"}
    assert all(step_keys <= set(step) for step in stored["steps"])
    turned = next(step for step in stored["steps"] if step["step"] == jaw)
    assert (turned["zone"], turned["side"], turned["planned_uA"]) == ("jawline", "right", 250)
    assert (turned["actual_s"], turned["current_uA"], turned["comfort"]) == (
        61.5,
        180,
        "twitching",
    )
    assert "twitching" in comfort_levels()
    assert [a["step"] for a in stored["adjustments"]] == [jaw]
    assert "client felt a zap" in stored["adjustments"][0]["note"]
    assert [sheet["file"] for sheet in record["sheets"]] == ["C-0042_express-10.pdf"]
    # Plain data: the command line prints it as JSON as it is.
    assert json.loads(json.dumps(record)) == record


def test_the_next_visit_starts_from_the_newest_real_session(store):
    run_session(store, CODE, EARLIER, turned_down=150)
    run_session(store, CODE, TODAY, turned_down=200)
    run_session(store, CODE, LATER, turned_down=100, speed=10)  # a rehearsal
    run_session(store, CODE, LATER, turned_down=120, practice=True)
    store.record_screening(CODE, screening_of(CODE, LATER + dt.timedelta(days=1)))
    record = client_record(store, CODE)
    assert [v["date"] for v in record["visits"]][-2:] == [TODAY.isoformat(), EARLIER.isoformat()]
    carried = record["carry_forward"]
    assert (carried["from_visit"], carried["protocol"]) == (TODAY.isoformat(), "express-10")
    jaw = first_treatment(timeline_steps(express_protocol()))["step"]
    by_step = {step["step"]: step for step in carried["steps"]}
    assert by_step[jaw]["current_uA"] == 200
    assert all(step["step"] != 1 for step in carried["steps"])  # prep steps carry nothing


def test_a_client_with_only_practice_and_screenings_has_nothing_to_carry(store):
    run_session(store, CODE, TODAY, speed=10)
    store.record_screening(CODE, screening_of(CODE, LATER))
    assert client_record(store, CODE)["carry_forward"] == {}


def test_an_interrupted_session_still_carries_forward(store):
    visit = store.start_visit(
        CODE,
        protocol_id="express-10",
        protocol_version="1.0.0",
        steps=timeline_steps(express_protocol()),
        day=TODAY,
    )
    jaw = first_treatment(timeline_steps(express_protocol()))["step"]
    store.finish_visit(visit, [{"step": jaw, "current_uA": 210}], interrupted=True)
    carried = client_record(store, CODE)["carry_forward"]
    assert carried["from_visit"] == TODAY.isoformat()
    assert {s["step"]: s["current_uA"] for s in carried["steps"]}[jaw] == 210


def test_the_export_holds_intake_screening_and_every_event(store):
    intake = intake_answers(client=CODE, date=TODAY, sensitive_skin=True)
    screening = screening_of(CODE, sensitive_skin=True)
    store.record_screening(CODE, screening, intake=intake)
    run_session(store, CODE, TODAY, screening=screening)
    run_session(store, OTHER, TODAY)
    exported = export_record(store, CODE)
    [visit] = exported["visits"]
    assert visit["screening"] == screening
    assert visit["intake"]["sensitive_skin"] is True
    assert visit["intake"]["date"] == TODAY.isoformat()
    assert [e["event"] for e in visit["events"]] == [
        "started",
        "step_started",
        "step_ended",
        "finished",
    ]
    assert {e["source"] for e in visit["events"]} == {"browser"}
    # Times read alike from both backends: ISO text in UTC.
    for moment in (exported["created_at"], exported["exported_at"], visit["started_at"]):
        assert dt.datetime.fromisoformat(moment).utcoffset() == dt.timedelta(0)
    assert json.loads(json.dumps(exported)) == exported
    assert OTHER not in json.dumps(exported)

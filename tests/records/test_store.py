"""Writing the record: clients, visits, events, override rules, comfort; and what two
or three apps writing at once, or an app killed mid-visit, leave in it."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import pytest
from sqlalchemy import text

import helpers
from conftest import intake_answers
from helpers import TODAY, count_rows, express_protocol, first_treatment, screening_of
from protocol_tools import RecordError, UnknownClientError
from protocol_tools.records.database import latest_revision
from protocol_tools.records.history import client_record, export_record
from protocol_tools.records.schema import Client, Event, Visit, VisitStep
from protocol_tools.records.store import RecordStore, comfort_levels
from protocol_tools.session.record import timeline_steps

CODE = "C-0042"


@pytest.fixture(scope="module")
def steps() -> list[dict]:
    return timeline_steps(express_protocol())


def start(store: RecordStore, steps: list[dict], code: str = CODE, **visit) -> int:
    return store.start_visit(
        code, protocol_id="express-10", protocol_version="1.0.0", steps=steps, day=TODAY, **visit
    )


# -- clients ------------------------------------------------------------------------


def test_a_client_added_twice_is_one_client(store):
    first = store.add_client(CODE)
    again = store.add_client(f"  {CODE} ", display_name="Ana")
    assert (first.code, again.code) == (CODE, CODE)
    assert count_rows(store, Client) == 1
    assert store.find_client(CODE).display_name == "Ana"
    assert store.find_client("C-0043") is None


def test_a_name_where_a_code_belongs_is_refused_and_nothing_is_stored(store, steps):
    with pytest.raises(RecordError, match="not a client code"):
        store.add_client("Jane Doe")
    with pytest.raises(RecordError, match="not a client code"):
        start(store, steps, code="Jane Doe")
    with pytest.raises(RecordError, match="not a client code"):
        store.record_screening("Jane Doe", screening_of(CODE))
    assert count_rows(store, Client) == 0
    assert count_rows(store, Visit) == 0


def test_an_unknown_client_has_no_record(store):
    with pytest.raises(UnknownClientError, match="C-0099"):
        client_record(store, "C-0099")


# -- visits and events --------------------------------------------------------------


def test_a_visit_stores_its_plan_its_events_and_what_each_step_came_to(store, steps):
    visit = start(store, steps)
    assert count_rows(store, VisitStep, visit_id=visit) == len(steps)
    assert count_rows(store, Visit, status="open") == 1
    row = {"seq": 1, "event": "step_started", "step": 3, "zone": "jawline", "side": "right"}
    assert store.add_event(visit, row, clock_id="clock-a") is True
    assert store.add_event(visit, row, clock_id="clock-a") is False  # sent twice: one event
    assert store.add_event(visit, row, clock_id="clock-b") is True  # a reloaded page
    # Kernel notes carry no number: each is its own event.
    assert store.add_event(visit, {"event": "screening", "reason": "proceed"}) is True
    assert store.add_event(visit, {"event": "screening", "reason": "proceed"}) is True
    assert count_rows(store, Event, visit_id=visit) == 4
    jaw = first_treatment(steps)["step"]
    store.finish_visit(
        visit,
        [{"step": jaw, "actual_s": 88.0, "current_uA": 200, "outcome": "done", "comfort": None}],
    )
    done = client_record(store, CODE)["visits"][0]
    assert done["status"] == "finished"
    stored = next(s for s in done["steps"] if s["step"] == jaw)
    assert (stored["actual_s"], stored["current_uA"], stored["planned_uA"]) == (88.0, 200, 250)
    assert stored["outcome"] == "done"
    assert done["adjustments"] == [{"step": jaw, "current_uA": 200, "skipped": False, "note": None}]


def test_an_event_for_a_visit_that_does_not_exist_is_an_error_not_a_duplicate(store):
    with pytest.raises(RecordError, match="no visit"):
        store.add_event(12345, {"seq": 1, "event": "started"}, clock_id="a")


def test_text_too_long_for_a_column_is_cut_to_fit_on_both_backends(store, steps):
    # PostgreSQL refuses text longer than a column; SQLite would keep it whole.
    visit = start(store, steps)
    assert store.add_event(visit, {"event": "n" * 200, "reason": "r" * 5000, "zone": "z" * 99})
    [stored] = export_record(store, CODE)["visits"][0]["events"]
    columns = Event.__table__.columns
    assert stored["event"] == "n" * columns["event"].type.length
    assert stored["zone"] == "z" * columns["zone"].type.length
    assert stored["reason"] == "r" * 5000  # free text has no column length


def test_a_step_the_visit_does_not_have_is_refused_and_the_visit_stays_open(store, steps):
    visit = start(store, steps)
    with pytest.raises(RecordError, match="step 999"):
        store.finish_visit(visit, [{"step": 1, "outcome": "done"}, {"step": 999}])
    assert count_rows(store, Visit, status="open") == 1
    assert count_rows(store, VisitStep, outcome="done") == 0


def test_a_rehearsal_is_stored_as_practice_whatever_was_asked(store, steps):
    visit = start(store, steps, speed=10, practice=False)
    assert store.visit_is_practice(visit)
    real = start(store, steps)
    assert not store.visit_is_practice(real)
    stored = {v["speed"]: v["practice"] for v in client_record(store, CODE)["visits"]}
    assert stored == {10.0: True, 1.0: False}


@pytest.mark.parametrize("speed", [0, -1, float("nan"), "fast", True])
def test_a_speed_that_is_no_speed_is_refused_and_nothing_stored(store, steps, speed):
    with pytest.raises(RecordError, match="speed must be a number above 0"):
        start(store, steps, speed=speed)
    assert count_rows(store, Visit) == 0


# -- overrides ------------------------------------------------------------------------


def override_refused(store, steps, match: str, answers: dict, **visit) -> None:
    screening = screening_of(CODE, **answers)
    with pytest.raises(RecordError, match=match):
        start(store, steps, screening=screening, **visit)
    # A refusal stores nothing: no visit, not even the client.
    assert count_rows(store, Visit) == 0
    assert count_rows(store, Client) == 0


def test_do_not_treat_is_never_overridden_for_a_real_client(store, steps):
    override_refused(
        store, steps, "Do not treat", {"pregnant": True}, override_reason="she insists"
    )
    override_refused(
        store,
        steps,
        "Do not treat",
        {"implanted_devices": ["pacemaker"]},
        override_reason="doctor said fine",
        doctor_note_on_file=True,
    )


def test_do_not_treat_may_be_practised_on_a_rehearsal(store, steps):
    screening = screening_of(CODE, pregnant=True)
    assert screening["outcome"] == "stop"
    visit = start(store, steps, screening=screening, speed=10, override_reason="drill")
    assert store.visit_is_practice(visit)
    practice = start(store, steps, screening=screening, practice=True, override_reason="drill")
    assert store.visit_is_practice(practice)


def test_a_clearance_needs_the_doctors_note_and_a_reason(store, steps):
    heart = {"conditions": ["heart-condition"]}
    assert screening_of(CODE, **heart)["outcome"] == "clearance"
    override_refused(store, steps, "clearance", heart, override_reason="she has one")
    override_refused(store, steps, "reason", heart, doctor_note_on_file=True)
    visit = start(
        store,
        steps,
        screening=screening_of(CODE, **heart),
        doctor_note_on_file=True,
        override_reason=" note from Dr. K., 2026-11-20 ",
    )
    stored = client_record(store, CODE)["visits"][0]
    assert stored["override_reason"] == "note from Dr. K., 2026-11-20"
    assert stored["doctor_note_on_file"] is True
    assert not store.visit_is_practice(visit)


def test_a_postponement_needs_a_reason(store, steps):
    retinoid = {"last_retinoid_use": TODAY - dt.timedelta(days=2)}
    assert screening_of(CODE, **retinoid)["outcome"] == "postpone"
    override_refused(store, steps, "reason", retinoid)
    override_refused(store, steps, "reason", retinoid, override_reason="   ")
    start(store, steps, screening=screening_of(CODE, **retinoid), override_reason="stopped early")
    assert count_rows(store, Visit) == 1


# -- comfort, screenings ----------------------------------------------------------------


def test_comfort_is_one_of_the_levels_of_the_data_file(store, steps):
    visit = start(store, steps)
    jaw = first_treatment(steps)["step"]
    levels = list(comfort_levels())
    mildest, strongest = levels[0], levels[-1]
    store.set_comfort(visit, {jaw: strongest, jaw + 1: mildest})
    with pytest.raises(RecordError, match="comfort must be one of"):
        store.set_comfort(visit, {jaw: mildest, jaw + 1: "ouch"})
    # The refused call changed nothing, not even the step before the bad one.
    assert client_record(store, CODE)["visits"][0]["comfort"] == [strongest, mildest]
    with pytest.raises(RecordError, match="not in this visit"):
        store.set_comfort(visit, {999: mildest})


def test_a_session_on_the_day_of_a_screening_continues_that_visit(store, steps):
    screening = screening_of(CODE, sensitive_skin=True)
    intake = intake_answers(client=CODE, date=TODAY, sensitive_skin=True)
    screened = store.record_screening(CODE, screening, intake=intake)
    visit = start(store, steps, screening=screening)
    assert visit == screened
    assert count_rows(store, Visit) == 1
    stored = client_record(store, CODE)["visits"][0]
    assert (stored["status"], stored["outcome"]) == ("open", "adjust")


def test_a_screening_the_record_cannot_keep_is_refused_whole(store, steps):
    with pytest.raises(RecordError, match="date"):
        store.record_screening(CODE, {"outcome": "proceed"})
    with pytest.raises(RecordError, match="intake"):
        store.record_screening(CODE, screening_of(CODE), intake={"photo": object()})
    with pytest.raises(RecordError, match="screening"):
        start(store, steps, screening={**screening_of(CODE), "score": float("nan")})
    assert count_rows(store, Client) == 0
    assert count_rows(store, Visit) == 0


def test_a_rehearsal_does_not_take_over_the_days_real_screening(store, steps):
    screening = screening_of(CODE)
    screened = store.record_screening(CODE, screening)
    rehearsal = start(store, steps, screening=screening, speed=10)
    real = start(store, steps, screening=screening)
    assert rehearsal != screened
    assert real == screened
    assert not store.visit_is_practice(real)


def test_open_visits_are_closed_as_interrupted(store, steps):
    start(store, steps)
    start(store, steps)
    assert store.close_open_visits(CODE) == 2
    assert count_rows(store, Visit, status="interrupted") == 2
    assert store.close_open_visits("C-0099") == 0


def test_a_sheet_is_noted_by_its_file_name(store):
    store.record_sheet(CODE, "C-0042_express-10_20261123.pdf", protocol_id="express-10")
    sheets = client_record(store, CODE)["sheets"]
    assert [s["file"] for s in sheets] == ["C-0042_express-10_20261123.pdf"]


# -- several apps at once, and an app killed mid-visit -------------------------------------


def run_workers(target, argument_lists) -> None:
    """Run ``target`` in one spawned process per argument list, all released together."""
    context = multiprocessing.get_context("spawn")
    together = context.Barrier(len(argument_lists))
    workers = [context.Process(target=target, args=(*args, together)) for args in argument_lists]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(helpers.WORKER_SECONDS)
    assert [worker.exitcode for worker in workers] == [0] * len(workers)


def test_three_apps_writing_at_once_lose_nothing(location):
    RecordStore(location).close()  # the schema first: opening at once has its own test
    visits, events = 3, 12
    codes = ["C-0042", "C-0042", "C-0043"]  # two rooms see the same client
    run_workers(helpers.record_visits, [(location, code, visits, events) for code in codes])
    with RecordStore(location) as store:
        assert count_rows(store, Client) == 2
        assert count_rows(store, Visit, status="finished") == len(codes) * visits
        assert count_rows(store, Event) == len(codes) * visits * events
        assert count_rows(store, VisitStep) == len(codes) * visits * len(
            timeline_steps(express_protocol())
        )


def test_apps_adding_the_same_clients_at_once_add_each_once(location):
    RecordStore(location).close()
    codes = [f"C-{n:04d}" for n in range(1, 31)]
    run_workers(helpers.add_clients, [(location, codes)] * 3)
    with RecordStore(location) as store:
        assert count_rows(store, Client) == len(codes)


def test_two_apps_opening_a_new_record_at_once_make_one_schema(location):
    run_workers(helpers.open_new_record, [(location, "C-0042"), (location, "C-0043")])
    with RecordStore(location) as store:
        with store.reading() as session:
            versions = session.execute(text("SELECT version_num FROM alembic_version")).all()
        assert versions == [(latest_revision(),)]
        assert count_rows(store, Client) == 2


def test_an_app_killed_mid_visit_leaves_no_half_visit(location):
    events = 7
    context = multiprocessing.get_context("spawn")
    written = context.Event()
    worker = context.Process(target=helpers.die_mid_visit, args=(location, CODE, events, written))
    worker.start()
    try:
        assert written.wait(helpers.WORKER_SECONDS)
    finally:
        worker.kill()  # SIGKILL: no cleanup, no rollback by the app itself
        worker.join(helpers.WORKER_SECONDS)
    assert worker.exitcode == -9
    with RecordStore(location) as store:
        assert count_rows(store, Visit) == 1
        assert count_rows(store, Visit, status="finished") == 1
        assert count_rows(store, Event) == events
        assert count_rows(store, VisitStep) == len(timeline_steps(express_protocol()))
        # The record takes the next visit as if nothing had happened.
        visit = start(store, timeline_steps(express_protocol()))
        assert store.add_event(visit, {"seq": 1, "event": "started"}, clock_id="after")
        assert count_rows(store, Visit) == 2

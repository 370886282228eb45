"""How quickly the client record answers once it holds years of work.

Builds a SQLite record of 1,000 clients with 20 visits each (every visit the
express-10 steps, with currents turned down, comfort answers and a few events), in
one transaction of bulk inserts, then prints the median of several runs of:

- opening a client's page: ``client_record`` and the page's tables and chart series
  (``records.page_data``), what the client page computes before drawing;
- ``protocol-tools clients show CODE --format json``'s work: ``client_record`` and
  the JSON text;
- storing one session event (``RecordStore.add_event``: one transaction, committed
  to disk), what the guided session does at every step;
- ``protocol-tools due``'s work: ``due_list`` for a week, every client also on a
  clinic plan of ``data/plans.yaml`` (the three in turn), each plan's dates matched
  with the client's visits.

Each figure is printed beside the target it is measured against and their ratio
(below 1 is within the target). Synthetic data only; the file is deleted after.

Run: ``.venv/bin/python benchmarks/bench_records.py`` (about 15 s).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from protocol_tools import RecordStore, client_record, load_library
from protocol_tools.records.page_data import (
    adjustment_rows,
    comfort_series,
    current_series,
    sheet_rows,
    visit_rows,
)
from protocol_tools.records.schema import Client, ClientPlan, Event, Visit, VisitStep
from protocol_tools.records.store import comfort_levels
from protocol_tools.series.adherence import due_list
from protocol_tools.session.record import timeline_steps

CLIENTS = 1_000
VISITS = 20
EVENTS_PER_VISIT = 6
RUNS = 25
EVENT_RUNS = 200
DUE_RUNS = 5
# The targets, in seconds.
PAGE_TARGET = 0.100
SHOW_TARGET = 0.100
EVENT_TARGET = 0.005
DUE_TARGET = 1.0
FIRST_DAY = dt.date(2025, 1, 6)
# Each client's plan, in turn, chosen at the 13th visit (8 visits of it made since);
# the front desk's week four weeks after the last visit.
PLANS = ("starter-course", "weekly-then-monthly", "maintenance")
PLAN_START = FIRST_DAY + dt.timedelta(weeks=4 * (VISITS - 8))
DUE_WEEK = FIRST_DAY + dt.timedelta(weeks=4 * VISITS)


def _step_rows(visit_id: int, steps: list[dict], number: int, levels: list[str]) -> list[dict]:
    rows = []
    for step in steps:
        planned = step["current_uA"]
        used = planned - 10 * (number % 4) if planned and step["zone"] == "under-eyes" else planned
        treated = step["kind"] == "treatment"
        rows.append(
            {
                "visit_id": visit_id,
                "step": step["step"],
                "kind": step["kind"],
                "zone": step["zone"],
                "side": step["side"],
                "planned_s": step["seconds"],
                "actual_s": step["seconds"] - 1,
                "planned_uA": planned,
                "current_uA": used,
                "outcome": "done",
                "skipped": False,
                "comfort": levels[(number + step["step"]) % 2] if treated else None,
                "note": None,
            }
        )
    return rows


def _event_rows(visit_id: int, steps: list[dict]) -> list[dict]:
    return [
        {
            "visit_id": visit_id,
            "clock_id": "bench",
            "seq": seq,
            "event": "step_started",
            "step": step["step"],
            "kind": step["kind"],
            "zone": step["zone"],
            "side": step["side"],
            "planned_s": step["seconds"],
            "source": "bench",
        }
        for seq, step in enumerate(steps[:EVENTS_PER_VISIT], start=1)
    ]


def build(store: RecordStore) -> None:
    """1,000 clients x 20 visits, bulk-inserted in one transaction."""
    protocol = load_library()["express-10"]
    steps = timeline_steps(protocol)
    levels = list(comfort_levels())
    moment = dt.datetime.now(dt.UTC)
    clients, visits, step_rows, events, plans = [], [], [], [], []
    for client in range(1, CLIENTS + 1):
        clients.append({"id": client, "code": f"C-{client:04d}", "created_at": moment})
        plan = PLANS[client % len(PLANS)]
        plans.append(
            {
                "client_id": client,
                "plan_id": plan,
                "kind": "clinic",
                "start": PLAN_START,
                "created_at": moment,
            }
        )
        for number in range(VISITS):
            visit_id = (client - 1) * VISITS + number + 1
            visits.append(
                {
                    "id": visit_id,
                    "client_id": client,
                    "day": FIRST_DAY + dt.timedelta(weeks=4 * number),
                    "status": "finished",
                    "practice": number == 0,
                    "speed": 1.0,
                    "protocol_id": protocol.id,
                    "protocol_version": protocol.version,
                    "outcome": "proceed",
                    "screening": {"outcome": "proceed", "client": f"C-{client:04d}"},
                    "doctor_note_on_file": False,
                    "created_at": moment,
                    "started_at": moment,
                    "ended_at": moment,
                }
            )
            step_rows += _step_rows(visit_id, steps, number, levels)
            events += _event_rows(visit_id, steps)
    with store.transaction() as session:
        for model, rows in ((Client, clients), (Visit, visits), (VisitStep, step_rows)):
            session.execute(insert(model), rows)
        session.execute(insert(Event), events)
        session.execute(insert(ClientPlan), plans)
    print(
        f"record: {CLIENTS:,} clients, {len(visits):,} visits, {len(step_rows):,} steps, "
        f"{len(events):,} events, {len(plans):,} plans"
    )


def median_seconds(function, runs: int) -> float:
    times = []
    for run in range(runs):
        start = time.perf_counter()
        function(run)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(what: str, seconds: float, target: float, runs: int) -> None:
    print(
        f"{what:<44} median {seconds * 1000:7.2f} ms over {runs} runs   "
        f"target < {target * 1000:g} ms   ratio {seconds / target:.2f}"
    )


def code_of(run: int) -> str:
    return f"C-{(run * 37) % CLIENTS + 1:04d}"  # a different client each run


def measure(store: RecordStore) -> None:
    def page_data(run: int) -> None:
        record = client_record(store, code_of(run))
        visit_rows(record)
        adjustment_rows(record)
        sheet_rows(record)
        current_series(record)
        comfort_series(record)

    def show_json(run: int) -> None:
        json.dumps(client_record(store, code_of(run)), indent=2, ensure_ascii=False)

    event_visit = VISITS * (CLIENTS // 2)

    def store_event(run: int) -> None:
        row = {"seq": run + 1, "event": "step_started", "step": 3, "zone": "jawline"}
        store.add_event(event_visit, row, clock_id="bench-live")

    page_data(0)  # warm the reference data, like an app already running
    page = median_seconds(page_data, RUNS)
    report("client page data (record + tables + series)", page, PAGE_TARGET, RUNS)
    show = median_seconds(show_json, RUNS)
    report("clients show CODE (record + JSON)", show, SHOW_TARGET, RUNS)
    event = median_seconds(store_event, EVENT_RUNS)
    report("store one event (add_event)", event, EVENT_TARGET, EVENT_RUNS)

    def due(_run: int) -> None:
        due_list(store, DUE_WEEK)

    listed = due_list(store, DUE_WEEK)
    assert len(listed) == CLIENTS, len(listed)
    seconds = median_seconds(due, DUE_RUNS)
    report(f"due --week (due_list, {CLIENTS:,} clients)", seconds, DUE_TARGET, DUE_RUNS)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, RecordStore(Path(folder) / "records.db") as store:
        start = time.perf_counter()
        build(store)
        print(f"built in {time.perf_counter() - start:.1f} s")
        measure(store)


if __name__ == "__main__":
    main()

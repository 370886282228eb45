"""Planned against done: the summary of how a client keeps to a plan, each client's
plans with their visits and home sessions, and the front desk's list on a record of
1,000 clients (on SQLite and PostgreSQL, through the ``store`` fixture)."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import bulk_clients
from protocol_tools.reference.data import session_care
from protocol_tools.series.adherence import (
    adherence_summary,
    client_adherence,
    due_list,
    slot_rows,
)
from protocol_tools.series.schedule import PlanError, plan_slots

WEEK = dt.timedelta(weeks=1)
DAY = dt.timedelta(days=1)
MONDAY = dt.date(2027, 1, 4)
# The front desk's week in the big record.
W = dt.date(2027, 3, 1)
CLIENTS = 1_000
ROW_KEYS = {"client", "due_from", "due_by", "status", "plan", "last_visit", "protocol"}


# -- the summary -----------------------------------------------------------------------------


def test_the_summary_counts_each_status_and_the_share_on_time():
    # Maintenance: on time, made late, then missed; judged on 1 May.
    made = [MONDAY, MONDAY + 7 * WEEK]  # the second three weeks after its date
    today = dt.date(2027, 5, 1)
    slots = plan_slots("maintenance", MONDAY, made=made, today=today)
    summary = adherence_summary(slots, today)
    assert summary["counts"]["on time"] == 1
    assert summary["counts"]["late"] == 1
    assert summary["counts"]["missed"] == 1
    assert summary["made"] == 2
    assert summary["due_so_far"] == 3
    assert summary["on_time_share"] == 0.33
    assert sum(summary["counts"].values()) == len(slots)


def test_an_early_visit_counts_as_kept():
    made = [MONDAY, MONDAY + 10 * DAY]  # the second more than two weeks before its date
    today = MONDAY + 3 * WEEK
    summary = adherence_summary(plan_slots("maintenance", MONDAY, made=made, today=today), today)
    assert summary["counts"]["early"] == 1
    assert summary["on_time_share"] == 1.0


def test_before_anything_is_due_there_is_no_share():
    today = MONDAY - DAY
    summary = adherence_summary(plan_slots("maintenance", MONDAY, today=today), today)
    assert summary["due_so_far"] == 0
    assert summary["on_time_share"] is None
    assert summary["counts"]["upcoming"] == 10


def test_slot_rows_are_plain_data():
    slots = plan_slots("maintenance", MONDAY, made=[MONDAY], today=MONDAY + DAY)
    rows = slot_rows(slots)
    assert rows[0] == {
        "number": 1,
        "phase": "Every 4 to 6 weeks",
        "date": "2027-01-04",
        "late_after": "2027-01-18",
        "status": "on time",
        "made": "2027-01-04",
    }
    assert rows[1]["made"] is None
    assert [row["date"] for row in rows] == sorted(row["date"] for row in rows)


# -- one client's plans --------------------------------------------------------------------


def test_a_clients_clinic_plan_counts_visits_and_the_home_plan_home_sessions(store):
    home_days = [MONDAY + n * DAY for n in (0, 1, 3, 4)]
    bulk_clients(
        store,
        {
            "C-0042": {
                "visits": [MONDAY, MONDAY + 4 * WEEK],
                "practice": [MONDAY + 2 * WEEK],  # a rehearsal is not a visit
                "plans": [
                    ("maintenance", "clinic", MONDAY, None),
                    ("home-routine", "home", MONDAY, None),
                ],
                "home": home_days,
            }
        },
    )
    today = MONDAY + 5 * WEEK
    plans = client_adherence(store, "C-0042", today)
    assert set(plans) == {"clinic", "home"}
    clinic, home = plans["clinic"], plans["home"]
    assert clinic["plan"] == "maintenance"
    assert clinic["name"] == "Maintenance only, every 4 to 6 weeks"
    assert clinic["start"] == "2027-01-04"
    assert [s["made"] for s in clinic["slots"][:3]] == ["2027-01-04", "2027-02-01", None]
    assert clinic["summary"]["made"] == 2
    assert home["summary"]["made"] == len(home_days)
    assert home["slots"][0]["made"] == "2027-01-04"


def test_a_client_without_a_plan_has_none(store):
    bulk_clients(store, {"C-0042": {"visits": [MONDAY]}})
    assert client_adherence(store, "C-0042", MONDAY) == {}


def test_an_ended_plan_is_not_followed(store):
    plans = [
        ("starter-course", "clinic", MONDAY, MONDAY + WEEK),
        ("maintenance", "clinic", MONDAY + WEEK, None),
    ]
    bulk_clients(store, {"C-0042": {"plans": plans}})
    assert client_adherence(store, "C-0042", MONDAY)["clinic"]["plan"] == "maintenance"


# -- the front desk ------------------------------------------------------------------------


def big_record(weeks_min: int) -> tuple[dict, dict]:
    """1,000 synthetic clients in six groups, and what `due` must say of each group's
    clients in the week W: (status, due_from, due_by), or None when not listed."""
    clients, expected = {}, {}
    for number in range(1, CLIENTS + 1):
        code, group = f"C-{number:04d}", number % 6
        if group == 0:  # no plan, last visit ten weeks ago (a rehearsal since)
            last = W - 10 * WEEK
            clients[code] = {"visits": [W - 30 * WEEK, last], "practice": [W - WEEK]}
            expected[code] = ("overdue", last, None)
        elif group == 1:  # no plan, the usual interval ends this week
            last = W - weeks_min * WEEK - 2 * DAY
            clients[code] = {"visits": [last]}
            expected[code] = ("due", last, None)
        elif group == 2:  # maintenance kept; an older plan ended
            start = W - 7 * WEEK
            clients[code] = {
                "visits": [start, start + 4 * WEEK],
                "plans": [
                    ("starter-course", "clinic", W - 30 * WEEK, start),
                    ("maintenance", "clinic", start, None),
                ],
            }
            expected[code] = ("upcoming", W + WEEK, W + 3 * WEEK)
        elif group == 3:  # a starting course nobody came to
            start = W - 3 * WEEK
            clients[code] = {"plans": [("starter-course", "clinic", start, None)]}
            expected[code] = ("overdue", start, start + DAY)
        elif group == 4:  # maintenance done: back to the usual interval
            start = W - 41 * WEEK
            visits = [start + 4 * n * WEEK for n in range(10)]
            clients[code] = {"visits": visits, "plans": [("maintenance", "clinic", start, None)]}
            expected[code] = ("due", visits[-1], None)
        else:  # a home plan and a rehearsal only: no clinic visit is due
            clients[code] = {"practice": [W], "plans": [("home-routine", "home", W, None)]}
            expected[code] = None
    return clients, expected


def test_due_on_a_record_of_a_thousand_clients(store):
    weeks = session_care().next_visit.weeks
    clients, expected = big_record(weeks.min)
    bulk_clients(store, clients)
    rows = due_list(store, W)
    by_client = {row["client"]: row for row in rows}
    assert len(rows) == sum(1 for value in expected.values() if value is not None) == 834
    assert all(set(row) == ROW_KEYS for row in rows)
    for code in list(expected)[::37]:  # a sample across every group
        want = expected[code]
        if want is None:
            assert code not in by_client
            continue
        status, day, by = want
        row = by_client[code]
        assert row["protocol"] == ("express-10 1.0.0" if row["last_visit"] else None)
        assert row["status"] == status, code
        if by is None:  # the usual interval after the last visit made
            assert row["last_visit"] == day.isoformat()
            assert row["due_from"] == (day + weeks.min * WEEK).isoformat()
            assert row["due_by"] == (day + weeks.max * WEEK).isoformat()
        else:
            assert (row["due_from"], row["due_by"]) == (day.isoformat(), by.isoformat())


def test_due_is_sorted_most_urgent_first(store):
    clients, _ = big_record(session_care().next_visit.weeks.min)
    bulk_clients(store, dict(list(clients.items())[:60]))
    rows = due_list(store, W)
    order = ["overdue", "due", "upcoming"]
    keys = [(order.index(row["status"]), row["due_from"], row["client"]) for row in rows]
    assert keys == sorted(keys)
    assert rows[0]["status"] == "overdue"
    assert {row["status"] for row in rows} == set(order)


def test_a_visit_missed_before_one_made_is_not_what_is_due(store):
    # Starting course: visits on the 1st, 2nd and 4th dates; the 3rd was missed.
    planned = [s.date for s in plan_slots("starter-course", MONDAY, today=MONDAY)]
    made = [planned[0], planned[1], planned[3]]
    bulk_clients(
        store, {"C-0042": {"visits": made, "plans": [("starter-course", "clinic", MONDAY, None)]}}
    )
    (row,) = due_list(store, planned[3] + DAY)
    assert row["due_from"] == planned[4].isoformat()
    assert row["status"] == "due"
    assert row["protocol"] == "express-10 1.0.0"  # what to get ready for the visit


def test_a_plan_taken_out_of_the_data_falls_back_to_the_usual_interval(store, data_copy):
    bulk_clients(
        store, {"C-0042": {"visits": [MONDAY], "plans": [("maintenance", "clinic", MONDAY, None)]}}
    )
    plans = data_copy / "plans.yaml"
    plans.write_text(plans.read_text().replace("id: maintenance", "id: upkeep-only"))
    (row,) = due_list(store, MONDAY + WEEK)
    weeks = session_care().next_visit.weeks
    assert row["due_from"] == (MONDAY + weeks.min * WEEK).isoformat()
    assert row["status"] == "upcoming"


def test_a_week_past_the_calendar_is_refused(store):
    bulk_clients(store, {"C-0042": {"visits": [MONDAY]}})
    with pytest.raises(PlanError, match="9999-12-31"):
        due_list(store, dt.date(9999, 12, 30))


def test_an_empty_record_has_nobody_due(store):
    assert due_list(store, W) == []


def test_a_followed_plan_the_data_no_longer_holds_is_named_with_the_client(store, data_copy):
    bulk_clients(store, {"C-0042": {"plans": [("maintenance", "clinic", MONDAY, None)]}})
    plans = data_copy / "plans.yaml"
    plans.write_text(plans.read_text().replace("id: maintenance", "id: upkeep-only"))
    with pytest.raises(PlanError, match="C-0042 follows the plan 'maintenance', which data"):
        client_adherence(store, "C-0042", MONDAY)

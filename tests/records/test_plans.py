"""Plans and home sessions in the client record, on SQLite and PostgreSQL: choosing a
plan (a second one ends the first), the reads the front desk makes for every client
at once, and home sessions; bad input stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import bulk_clients, count_rows
from protocol_tools.core.errors import RecordError, UnknownClientError
from protocol_tools.records.plans import (
    choose_plan,
    current_plans,
    home_session_days,
    log_home_session,
    visit_days,
)
from protocol_tools.records.schema import Client, ClientPlan, HomeSession
from protocol_tools.series.schedule import PlanError

MONDAY = dt.date(2027, 1, 4)
PAST = dt.date(2026, 11, 20)


def test_choosing_a_plan_stores_it_and_adds_a_new_client(store):
    assert choose_plan(store, "C-0042", "starter-course", MONDAY) == {
        "plan": "starter-course",
        "kind": "clinic",
        "start": "2027-01-04",
    }
    assert store.find_client("C-0042") is not None
    assert current_plans(store) == {
        "C-0042": {"clinic": {"plan": "starter-course", "start": MONDAY}}
    }


def test_choosing_twice_ends_the_first_plan_and_keeps_it(store):
    choose_plan(store, "C-0042", "starter-course", MONDAY)
    later = MONDAY + dt.timedelta(weeks=6)
    choose_plan(store, "C-0042", "maintenance", later)
    assert current_plans(store, "C-0042")["C-0042"]["clinic"] == {
        "plan": "maintenance",
        "start": later,
    }
    assert count_rows(store, ClientPlan) == 2
    assert count_rows(store, ClientPlan, plan_id="starter-course", ended_on=later) == 1
    assert count_rows(store, ClientPlan, plan_id="maintenance", ended_on=None) == 1


def test_a_clinic_plan_and_a_home_plan_go_side_by_side(store):
    choose_plan(store, "C-0042", "maintenance", MONDAY)
    choose_plan(store, "C-0042", "home-routine", MONDAY)
    plans = current_plans(store, "C-0042")["C-0042"]
    assert {kind: plan["plan"] for kind, plan in plans.items()} == {
        "clinic": "maintenance",
        "home": "home-routine",
    }
    assert count_rows(store, ClientPlan, ended_on=None) == 2


def test_current_plans_of_one_client_or_all(store):
    choose_plan(store, "C-0042", "maintenance", MONDAY)
    choose_plan(store, "C-0043", "starter-course", MONDAY)
    assert set(current_plans(store)) == {"C-0042", "C-0043"}
    assert set(current_plans(store, "C-0043")) == {"C-0043"}
    assert current_plans(store, "C-0404") == {}


@pytest.mark.parametrize(
    ("plan", "start", "error", "message"),
    [
        ("starter-coarse", MONDAY, PlanError, "the plans are: starter-course"),
        ("starter-course", dt.date(9999, 1, 4), PlanError, "past the last date"),
        ("maintenance", dt.date(9995, 12, 31), PlanError, "past the last date"),
    ],
)
def test_a_plan_that_cannot_be_used_stores_nothing(store, plan, start, error, message):
    with pytest.raises(error, match=message):
        choose_plan(store, "C-0042", plan, start)
    assert count_rows(store, ClientPlan) == 0
    assert count_rows(store, Client) == 0  # the client is not added either


def test_a_name_for_a_code_is_refused(store):
    with pytest.raises(RecordError, match="is not a client code"):
        choose_plan(store, "Jane Doe", "maintenance", MONDAY)
    assert count_rows(store, Client) == 0


def test_visit_days_are_client_visits_made_oldest_first(store):
    bulk_clients(
        store,
        {
            "C-0042": {
                "visits": [MONDAY + dt.timedelta(weeks=4), MONDAY],
                "practice": [MONDAY + dt.timedelta(weeks=1)],  # a rehearsal is no visit
            },
            "C-0043": {"visits": [MONDAY]},
            "C-0044": {"practice": [MONDAY]},
        },
    )
    screened = (MONDAY + dt.timedelta(weeks=8)).isoformat()
    store.record_screening("C-0042", {"outcome": "proceed", "date": screened})
    assert visit_days(store) == {
        "C-0042": [MONDAY, MONDAY + dt.timedelta(weeks=4)],  # the screening alone is no visit
        "C-0043": [MONDAY],
    }
    assert visit_days(store, "C-0043") == {"C-0043": [MONDAY]}


def test_home_sessions_are_noted_and_read_back_in_order(store):
    store.add_client("C-0042")
    log_home_session(store, "C-0042", PAST, minutes=10, note="evening, as the client says")
    log_home_session(store, "C-0042", PAST - dt.timedelta(days=2))
    assert home_session_days(store, "C-0042") == [PAST - dt.timedelta(days=2), PAST]
    assert count_rows(store, HomeSession, minutes=10) == 1


@pytest.mark.parametrize(
    ("given", "error", "message"),
    [
        ({"code": "C-0404"}, UnknownClientError, "no client with the code C-0404"),
        ({"day": dt.date.today() + dt.timedelta(days=1)}, RecordError, "has not happened yet"),
        ({"minutes": 0}, RecordError, "minutes must be"),
        ({"minutes": -5}, RecordError, "minutes must be"),
        ({"minutes": float("inf")}, RecordError, "minutes must be"),
        ({"minutes": True}, RecordError, "minutes must be"),
        ({"minutes": "10"}, RecordError, "minutes must be"),
        ({"code": "Jane Doe"}, RecordError, "is not a client code"),
    ],
)
def test_a_home_session_that_cannot_be_noted_stores_nothing(store, given, error, message):
    store.add_client("C-0042")
    values = {"code": "C-0042", "day": PAST, "minutes": None, **given}
    with pytest.raises(error, match=message):
        log_home_session(store, values["code"], values["day"], minutes=values["minutes"])
    assert count_rows(store, HomeSession) == 0
    assert count_rows(store, Client) == 1


def test_home_sessions_of_an_unknown_client_is_a_clear_error(store):
    with pytest.raises(UnknownClientError):
        home_session_days(store, "C-0404")

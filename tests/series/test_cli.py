"""``plan``, ``plans``, ``due``, ``home`` and ``compare-costs`` from the command line:
what each prints (text and ``--format json``), what it stores, and bad input refused
with a clear message (exit 1, or 2 for wrong usage) and nothing stored."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import pytest
from icalendar import Calendar

from helpers import bulk_clients, count_rows
from protocol_tools.cli import main
from protocol_tools.records.plans import current_plans, home_session_days
from protocol_tools.records.schema import Client, ClientPlan, HomeSession
from protocol_tools.records.store import RecordStore
from protocol_tools.reference.data import plans_file

START = "2026-12-07"
MONDAY = dt.date(2026, 12, 7)
PAST = "2026-11-20"  # a day before any run of these tests
NAME = "Synthetic Testname"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def run_json(capsys, *argv: str):
    status, out, err = run(capsys, *argv, "--format", "json")
    assert status == 0, err
    return json.loads(out)


def usage(capsys, *argv: str) -> str:
    """The message of a command refused as wrong usage (exit 2)."""
    try:
        status = main(list(argv))
    except SystemExit as stopped:  # argparse's own refusals
        status = stopped.code
    out, err = capsys.readouterr()
    assert status == 2, out + err
    assert "Traceback" not in err
    return err


@pytest.fixture
def db(tmp_path) -> str:
    """A record with C-0042 (a name kept) and C-0043, each with one visit long ago."""
    location = tmp_path / "records.db"
    with RecordStore(location) as store:
        bulk_clients(store, {"C-0042": {"visits": [dt.date(2026, 6, 1)]}, "C-0043": {}})
        store.add_client("C-0042", NAME)
    return str(location)


def stored(db: str, model, **where) -> int:
    with RecordStore(db) as store:
        return count_rows(store, model, **where)


# -- plan CODE PLAN: store ------------------------------------------------------------------


def test_storing_a_plan_prints_its_dates_and_each_dates_phase(db, capsys):
    data = run_json(capsys, "plan", "C-0042", "starter-course", "--start", START, "--db", db)
    assert (data["client"], data["plan"], data["kind"], data["start"]) == (
        "C-0042",
        "starter-course",
        "clinic",
        START,
    )
    dates = data["dates"]
    assert dates[0] == START
    assert dates == sorted(dates)
    assert all(dt.date.fromisoformat(day) for day in dates)
    assert len(data["phases"]) == len(dates) == 20
    assert data["phases"][0] == "Twice a week, first month"
    assert data["phases"][-1] == "Maintenance every 4 to 6 weeks"
    assert [s["date"] for s in data["slots"]] == dates
    assert [s["phase"] for s in data["slots"]] == data["phases"]
    assert data["replaced"] is None
    with RecordStore(db) as store:
        assert current_plans(store, "C-0042")["C-0042"]["clinic"]["plan"] == "starter-course"


def test_storing_a_plan_in_words(db, capsys):
    status, out, _ = run(capsys, "plan", "C-0042", "maintenance", "--start", START, "--db", db)
    assert status == 0
    assert "Stored: C-0042 follows Maintenance only, every 4 to 6 weeks" in out
    assert "Mon 7 Dec 2026" in out
    assert "count from the visit made before each" in out
    assert NAME not in out


def test_choosing_a_second_plan_ends_the_first(db, capsys):
    run_json(capsys, "plan", "C-0042", "starter-course", "--start", START, "--db", db)
    data = run_json(capsys, "plan", "C-0042", "maintenance", "--start", "2027-02-01", "--db", db)
    assert data["replaced"] == {"plan": "starter-course", "start": START}
    assert stored(db, ClientPlan) == 2
    assert stored(db, ClientPlan, plan_id="starter-course", ended_on=dt.date(2027, 2, 1)) == 1
    _, out, _ = run(capsys, "plan", "C-0042", "weekly-then-monthly", "--db", db)
    assert "This ends Maintenance only, every 4 to 6 weeks" in out


def test_a_plan_for_a_new_client_adds_the_client(tmp_path, capsys):
    db = str(tmp_path / "new.db")
    run_json(capsys, "plan", "C-0099", "home-routine", "--start", START, "--db", db)
    assert stored(db, Client, code="C-0099") == 1
    assert stored(db, ClientPlan, kind="home") == 1


@pytest.mark.parametrize(
    ("plan", "start", "message"),
    [
        ("starter-coarse", START, "no plan is called 'starter-coarse'; the plans are: "),
        ("starter-course", "9999-03-01", "past the last date the calendar holds"),
        ("maintenance", "9995-01-01", "past the last date the calendar holds"),
    ],
)
def test_a_plan_that_cannot_be_used_stores_nothing(tmp_path, capsys, plan, start, message):
    db = tmp_path / "never.db"
    status, out, err = run(capsys, "plan", "C-0042", plan, "--start", start, "--db", str(db))
    assert status == 1
    assert message in err
    assert out == ""
    assert not db.exists()  # not even an empty record


def test_an_unknown_plan_lists_the_plans(db, capsys):
    _, _, err = run(capsys, "plan", "C-0042", "weekly", "--db", db)
    for entry in plans_file().plans:
        assert entry.id in err
    assert stored(db, ClientPlan) == 0


@pytest.mark.parametrize("bad", ["2026-02-30", "07/12/2026", "2026-12-07T10:00", "tomorrow", ""])
def test_a_bad_date_is_wrong_usage(db, capsys, bad):
    err = usage(capsys, "plan", "C-0042", "maintenance", "--start", bad, "--db", db)
    assert "is not a date like 2026-12-07" in err
    assert stored(db, ClientPlan) == 0


def test_a_name_where_the_code_belongs_is_refused(db, capsys):
    status, _, err = run(capsys, "plan", "Jane Doe", "maintenance", "--db", db)
    assert status == 1
    assert "is not a client code" in err
    assert stored(db, ClientPlan) == 0


def test_a_plans_file_out_of_bounds_names_file_line_and_field(db, capsys, data_copy):
    path = data_copy / "plans.yaml"
    path.write_text(path.read_text().replace("count: 8\n", "count: 10000\n", 1))
    status, _, err = run(capsys, "plan", "C-0042", "maintenance", "--db", db)
    assert status == 1
    assert re.search(r"plans\.yaml:\d+:\d+ plans\[0\]\.phases\[0\]\.count: 10000 visits", err)
    assert stored(db, ClientPlan) == 0


# -- plan CODE: show --------------------------------------------------------------------------


def test_showing_a_clients_plans_with_what_was_done(tmp_path, capsys):
    db = str(tmp_path / "records.db")
    made = [MONDAY, dt.date(2027, 1, 25)]  # on time; the second three weeks late
    with RecordStore(db) as store:
        bulk_clients(store, {"C-0042": {"visits": made, "home": [MONDAY]}})
    run_json(capsys, "plan", "C-0042", "maintenance", "--start", START, "--db", db)
    run_json(capsys, "plan", "C-0042", "home-routine", "--start", START, "--db", db)
    data = run_json(capsys, "plan", "C-0042", "--as-of", "2027-03-15", "--db", db)
    assert data["client"] == "C-0042"
    assert data["as_of"] == "2027-03-15"
    clinic = data["plans"]["clinic"]
    assert clinic["dates"][:3] == [
        "2026-12-07",
        "2027-01-04",
        "2027-02-22",
    ]  # moved by the late one
    assert clinic["phases"] == ["Every 4 to 6 weeks"] * 10
    assert [s["status"] for s in clinic["slots"][:4]] == ["on time", "late", "missed", "upcoming"]
    assert clinic["summary"]["on_time_share"] == 0.33
    assert data["plans"]["home"]["summary"]["made"] == 1
    _, out, _ = run(capsys, "plan", "C-0042", "--as-of", "2027-03-15", "--db", db)
    assert "Clinic plan: Maintenance only, every 4 to 6 weeks" in out
    assert "1 of 3 visits due so far were on time (33%)." in out
    assert "Missed" in out
    assert "Home plan: Home device routine" in out


def test_a_client_without_a_plan_is_told_how_to_choose_one(db, capsys):
    status, out, _ = run(capsys, "plan", "C-0043", "--db", db)
    assert status == 0
    assert "C-0043 has no plan yet; choose one with: protocol-tools plan C-0043 PLAN" in out
    assert run_json(capsys, "plan", "C-0043", "--db", db)["plans"] == {}


def test_showing_a_client_the_record_lacks_is_a_clear_error(db, capsys):
    status, out, err = run(capsys, "plan", "C-0404", "--db", db)
    assert status == 1
    assert "no client with the code C-0404 is in the record" in err
    assert out == ""
    assert stored(db, Client, code="C-0404") == 0


def test_showing_from_a_record_that_does_not_exist_makes_none(tmp_path, capsys):
    missing = tmp_path / "missing.db"
    status, _, err = run(capsys, "plan", "C-0042", "--db", str(missing))
    assert status == 1
    assert "there is no client record at" in err
    assert not missing.exists()


# -- plan CODE --ics ------------------------------------------------------------------------


def test_the_calendar_holds_the_visits_to_come_under_the_code(db, tmp_path, capsys):
    run_json(capsys, "plan", "C-0042", "starter-course", "--start", START, "--db", db)
    target = tmp_path / "C-0042.ics"
    data = run_json(
        capsys, "plan", "C-0042", "--ics", "-o", str(target), "--as-of", "2026-12-01", "--db", db
    )
    calendar = Calendar.from_ical(target.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert [e.decoded("dtstart").isoformat() for e in events] == data["dates"]
    assert len(events) == 20
    assert all("C-0042" in str(e["summary"]) for e in events)
    assert NAME.encode() not in target.read_bytes()
    assert target.stat().st_mode & 0o777 == 0o600  # client data: readable by its owner alone


def test_the_name_goes_in_only_when_asked(db, tmp_path, capsys):
    run_json(capsys, "plan", "C-0042", "maintenance", "--start", START, "--db", db)
    target = tmp_path / "named.ics"
    run(capsys, "plan", "C-0042", "--ics", "-o", str(target), "--show-name", "--db", db)
    summaries = {str(e["summary"]) for e in Calendar.from_ical(target.read_bytes()).walk("VEVENT")}
    assert summaries == {f"Microcurrent facial: {NAME}"}


def test_an_existing_calendar_is_kept_unless_forced(db, tmp_path, capsys):
    run_json(capsys, "plan", "C-0042", "maintenance", "--start", START, "--db", db)
    target = tmp_path / "C-0042.ics"
    target.write_bytes(b"mine")
    status, _, err = run(capsys, "plan", "C-0042", "--ics", "-o", str(target), "--db", db)
    assert status == 1
    assert "already exists" in err
    assert "--force" in err
    assert target.read_bytes() == b"mine"
    status, _, _ = run(capsys, "plan", "C-0042", "--ics", "-o", str(target), "--force", "--db", db)
    assert status == 0
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_two_exports_give_the_same_uids(db, tmp_path, capsys):
    run_json(capsys, "plan", "C-0042", "maintenance", "--start", START, "--db", db)
    uids = []
    for name in ("one.ics", "two.ics"):
        run(capsys, "plan", "C-0042", "--ics", "-o", str(tmp_path / name), "--db", db)
        calendar = Calendar.from_ical((tmp_path / name).read_bytes())
        uids.append([str(e["uid"]) for e in calendar.walk("VEVENT")])
    assert uids[0] == uids[1]
    assert len(set(uids[0])) == 10


@pytest.mark.parametrize(
    ("code", "message"),
    [("C-0404", "no client with the code C-0404"), ("C-0043", "C-0043 has no clinic plan")],
)
def test_no_calendar_for_an_unknown_client_or_one_without_a_plan(
    db, tmp_path, capsys, code, message
):
    target = tmp_path / "x.ics"
    status, _, err = run(capsys, "plan", code, "--ics", "-o", str(target), "--db", db)
    assert status == 1
    assert message in err
    assert not target.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["C-0042", "maintenance", "--ics", "-o", "x.ics"], "store it first, then export"),
        (["C-0042", "-o", "x.ics"], "add --ics"),
        (["C-0042", "--ics"], "--ics needs -o FILE.ics"),
        (["C-0042", "--start", START], "--start goes with a plan to store"),
    ],
)
def test_options_that_do_not_go_together_are_wrong_usage(db, tmp_path, capsys, argv, message):
    assert message in usage(capsys, "plan", *argv, "--db", db)
    assert stored(db, ClientPlan) == 0
    assert not (tmp_path / "x.ics").exists()


# -- plans ------------------------------------------------------------------------------------


def test_plans_lists_every_template_with_its_phases_in_words(capsys):
    status, out, _ = run(capsys, "plans")
    assert status == 0
    for entry in plans_file().plans:
        assert f"{entry.id}: {entry.name}" in out
        assert entry.source[:40] in out
    assert "8 visits, twice a week" in out
    data = run_json(capsys, "plans")
    assert [p["id"] for p in data] == [p.id for p in plans_file().plans]
    starter = data[0]
    assert set(starter) >= {"id", "name", "kind", "source", "phases"}
    assert starter["phases"][2]["words"] == (
        "8 visits, every 4 weeks, each counted from the visit actually made"
    )


def test_plans_with_a_broken_plans_file_is_a_clear_error(capsys, data_copy):
    path = data_copy / "plans.yaml"
    path.write_text(path.read_text().replace("every: {weeks: 1}", "every: {weeks: 0}", 1))
    status, out, err = run(capsys, "plans")
    assert status == 1
    assert re.search(r"plans\.yaml:\d+:\d+ plans\[0\]\.phases\[1\]\.every\.weeks: ", err)
    assert out == ""


# -- due ----------------------------------------------------------------------------------------


def test_due_lists_the_front_desk_in_order(tmp_path, capsys):
    db = str(tmp_path / "records.db")
    with RecordStore(db) as store:
        bulk_clients(
            store,
            {
                "C-0001": {"visits": [dt.date(2026, 9, 7)]},  # long ago: overdue
                "C-0002": {"visits": [dt.date(2026, 11, 9)]},  # four weeks before: due
                "C-0003": {"plans": [("maintenance", "clinic", dt.date(2026, 12, 21), None)]},
                "C-0004": {},  # no visit and no plan: not listed
            },
        )
    rows = run_json(capsys, "due", "--week", START, "--db", db)
    assert [(r["client"], r["status"]) for r in rows] == [
        ("C-0001", "overdue"),
        ("C-0002", "due"),
        ("C-0003", "upcoming"),
    ]
    assert all({"client", "due_from", "due_by", "status"} <= set(row) for row in rows)
    assert rows[2]["due_from"] == "2026-12-21"
    _, out, _ = run(capsys, "due", "--week", START, "--db", db)
    assert "1 overdue, 1 due this week, 1 coming up" in out
    assert out.index("C-0001") < out.index("C-0002") < out.index("C-0003")
    assert "C-0004" not in out


def test_due_without_a_record_lists_nobody_and_makes_no_record(tmp_path, capsys):
    missing = tmp_path / "missing.db"
    assert run_json(capsys, "due", "--db", str(missing)) == []
    status, out, _ = run(capsys, "due", "--db", str(missing))
    assert status == 0
    assert "No clients in the record yet" in out
    assert not missing.exists()


def test_due_with_a_bad_week(db, capsys):
    assert "is not a date" in usage(capsys, "due", "--week", "2026-13-01", "--db", db)
    status, _, err = run(capsys, "due", "--week", "9999-12-30", "--db", db)
    assert status == 1
    assert "9999-12-31" in err


# -- home ---------------------------------------------------------------------------------------


def test_home_notes_a_session_the_client_reports(db, capsys):
    data = run_json(capsys, "home", "C-0042", "--date", PAST, "--minutes", "10", "--db", db)
    assert data == {"client": "C-0042", "date": PAST, "minutes": 10.0}
    _, out, _ = run(capsys, "home", "C-0042", "--date", PAST, "--db", db)
    assert out.strip() == f"noted: C-0042 did a home session on {PAST}"
    with RecordStore(db) as store:
        assert home_session_days(store, "C-0042") == [dt.date.fromisoformat(PAST)] * 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["C-0404", "--date", PAST], "no client with the code C-0404"),
        (["C-0042", "--date", "2999-01-01"], "has not happened yet"),
        (["C-0042", "--date", PAST, "--minutes", "0"], "minutes must be"),
        (["C-0042", "--date", PAST, "--minutes", "nan"], "minutes must be"),
        (["C-0042", "--date", PAST, "--minutes", "-5"], "minutes must be"),
    ],
)
def test_home_refuses_and_stores_nothing(db, capsys, argv, message):
    status, _, err = run(capsys, "home", *argv, "--db", db)
    assert status == 1
    assert message in err
    assert stored(db, HomeSession) == 0
    assert stored(db, Client, code="C-0404") == 0


def test_home_with_a_bad_date_or_minutes_is_wrong_usage(db, capsys):
    assert "is not a date" in usage(capsys, "home", "C-0042", "--date", "30/11/2026", "--db", db)
    assert "invalid float" in usage(capsys, "home", "C-0042", "--minutes", "ten", "--db", db)
    assert stored(db, HomeSession) == 0


# -- compare-costs --------------------------------------------------------------------------------


def test_compare_costs_prints_the_three_options(capsys):
    rows = run_json(capsys, "compare-costs", "--months", "12", "--start", "2027-01-04")
    assert [row["option"] for row in rows] == ["Clinic only", "Home device only", "Clinic and home"]
    assert rows[0]["cost"] == {"min": 4600, "max": 11500}
    status, out, _ = run(capsys, "compare-costs", "--months", "12", "--start", "2027-01-04")
    assert status == 0
    assert "Over 12 months from Mon 4 Jan 2027" in out
    assert "$4,600 to $11,500" in out
    assert "What each gives:" in out
    assert "Founding article" in out


def test_compare_costs_follows_the_data(capsys, data_copy):
    path = data_copy / "costs.yaml"
    path.write_text(path.read_text().replace("  price: 350\n", "  price: 420\n"))
    rows = run_json(capsys, "compare-costs", "--months", "3")
    assert rows[1]["cost"] == {"min": 420, "max": 420}


@pytest.mark.parametrize("months", ["0", "-3", "121", "10000"])
def test_compare_costs_refuses_a_period_out_of_bounds(capsys, months):
    status, out, err = run(capsys, "compare-costs", "--months", months)
    assert status == 1
    assert "from 1 to 120" in err
    assert out == ""


def test_compare_costs_with_months_not_a_number_is_wrong_usage(capsys):
    assert "invalid int value" in usage(capsys, "compare-costs", "--months", "a year")


def test_the_installed_command_answers_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "protocol_tools", "plan", "C-0042", "no-such-plan", "--db",
         str(tmp_path / "r.db")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("error: no plan is called 'no-such-plan'")
    assert "Traceback" not in result.stderr

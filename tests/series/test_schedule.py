"""A plan's dates (month ends, leap years, clocks changing, several visits a week) and
how the visits made are matched to them: on time, early, late, missed, due, upcoming,
and a visit made late moving what follows when the plan counts from the last visit."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time

import pytest

from protocol_tools.reference.data import plans_file
from protocol_tools.reference.models import PlanEntry, PlanPhase
from protocol_tools.series.schedule import (
    STATUSES,
    PlanError,
    find_plan,
    phase_dates,
    phase_gap,
    plan_slots,
)

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(weeks=1)
MONDAY = dt.date(2027, 1, 4)


def phase(**given) -> PlanPhase:
    values = {"name": "Phase", "count": 4, "late_after_days": 2, **given}
    return PlanPhase.model_validate(values)


def entry(*phases: PlanPhase, kind: str = "clinic") -> PlanEntry:
    return PlanEntry(id="test-plan", name="Test plan", kind=kind, source="a test", phases=phases)


def iso(days) -> list[str]:
    return [day.isoformat() for day in days]


# -- the templates -----------------------------------------------------------------------


@pytest.mark.parametrize("plan", [p.id for p in plans_file().plans])
@pytest.mark.parametrize(
    "start", [dt.date(2027, 1, 31), dt.date(2028, 2, 29), dt.date(2026, 12, 7)]
)
def test_every_template_gives_its_visits_in_order_phase_by_phase(plan, start):
    template = find_plan(plan)
    slots = plan_slots(plan, start, today=start)
    assert len(slots) == sum(p.count for p in template.phases)
    assert slots[0].date == start
    assert all(a.date < b.date for a, b in itertools.pairwise(slots))
    assert [s.number for s in slots] == list(range(1, len(slots) + 1))
    names = [p.name for p in template.phases for _ in range(p.count)]
    assert [s.phase for s in slots] == names
    assert {s.status for s in slots} <= {"due", "upcoming"}  # nothing is past on day one
    for slot, late in zip(
        slots, [p.late_after_days for p in template.phases for _ in range(p.count)], strict=True
    ):
        assert slot.late_after == slot.date + late * DAY


def test_the_starting_course_runs_twice_a_week_then_weekly_then_every_four_weeks():
    slots = plan_slots("starter-course", MONDAY, today=MONDAY)
    days = [s.date for s in slots]
    assert iso(days[:8]) == [
        "2027-01-04", "2027-01-08", "2027-01-11", "2027-01-15",
        "2027-01-18", "2027-01-22", "2027-01-25", "2027-01-29",
    ]  # fmt: skip
    weekly, upkeep = days[8:12], days[12:]
    assert all(b - a == WEEK for a, b in itertools.pairwise(weekly))
    assert all(b - a == 4 * WEEK for a, b in itertools.pairwise(upkeep))


def test_an_unknown_plan_is_refused_naming_the_plans_there_are():
    with pytest.raises(PlanError) as caught:
        find_plan("starter-coarse")
    message = str(caught.value)
    assert "'starter-coarse'" in message
    for plan in plans_file().plans:
        assert plan.id in message


# -- month ends and leap years -----------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "months", "expected"),
    [
        # The month's own day, else its last day; the day comes back when it can.
        ("2027-01-31", 1, "2027-01-31 2027-02-28 2027-03-31 2027-04-30 2027-05-31"),
        ("2028-01-31", 1, "2028-01-31 2028-02-29 2028-03-31 2028-04-30 2028-05-31"),
        ("2027-01-30", 1, "2027-01-30 2027-02-28 2027-03-30 2027-04-30 2027-05-30"),
        ("2027-01-15", 1, "2027-01-15 2027-02-15 2027-03-15 2027-04-15 2027-05-15"),
        ("2027-08-31", 6, "2027-08-31 2028-02-29 2028-08-31 2029-02-28 2029-08-31"),
        ("2027-12-31", 2, "2027-12-31 2028-02-29 2028-04-30 2028-06-30 2028-08-31"),
    ],
)
def test_monthly_dates_keep_the_day_or_take_the_months_last(first, months, expected):
    monthly = phase(count=5, every={"months": months})
    assert iso(phase_dates(monthly, dt.date.fromisoformat(first))) == expected.split()


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (dt.date(2028, 2, 28), ["2028-02-28", "2028-02-29", "2028-03-01"]),
        (dt.date(2027, 2, 28), ["2027-02-28", "2027-03-01", "2027-03-02"]),
        (dt.date(2100, 2, 28), ["2100-02-28", "2100-03-01", "2100-03-02"]),  # not a leap year
    ],
)
def test_daily_dates_count_the_leap_day_only_in_a_leap_year(first, expected):
    assert iso(phase_dates(phase(count=3, every={"days": 1}), first)) == expected


def test_monthly_dates_from_the_last_visit_keep_the_month_end_while_none_is_made():
    monthly = phase(count=4, every={"months": 1}, late_after_days=7, counts_from="last-visit")
    slots = plan_slots(entry(monthly), dt.date(2027, 1, 31), today=dt.date(2027, 1, 1))
    assert iso(s.date for s in slots) == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]


def test_monthly_dates_from_the_last_visit_count_from_the_visit_made():
    monthly = phase(count=4, every={"months": 1}, late_after_days=7, counts_from="last-visit")
    made = [dt.date(2027, 1, 31), dt.date(2027, 3, 10)]  # the second ten days late
    slots = plan_slots(entry(monthly), dt.date(2027, 1, 31), made=made, today=dt.date(2027, 3, 11))
    assert iso(s.date for s in slots) == ["2027-01-31", "2027-02-28", "2027-04-10", "2027-05-10"]
    assert [s.status for s in slots] == ["on time", "late", "upcoming", "upcoming"]


# -- the clocks change -------------------------------------------------------------------


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch):
    """The process's local time zone set to one whose clocks change in March."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("plan", ["starter-course", "weekly-then-monthly", "maintenance"])
def test_dates_across_a_clock_change_keep_weekday_and_interval(plan, new_york):
    # 2027: clocks go forward on 14 March in the US and on 28 March in Europe.
    start = dt.date(2027, 3, 1)
    slots = plan_slots(plan, start, today=start)
    assert all(type(s.date) is dt.date for s in slots)  # dates, never times of day
    by_weeks = {p.name: p.every.weeks for p in find_plan(plan).phases if p.every and p.every.weeks}
    for name, weeks in by_weeks.items():
        days = [s.date for s in slots if s.phase == name]
        assert any(dt.date(2027, 3, 7) <= day <= dt.date(2027, 4, 4) for day in days) or weeks > 1
        assert {(b - a).days for a, b in itertools.pairwise(days)} == {7 * weeks}
        assert len({day.weekday() for day in days}) == 1


def test_weekly_dates_across_both_clock_changes_are_mondays_seven_days_apart(new_york):
    days = phase_dates(phase(count=6, every={"weeks": 1}), dt.date(2027, 3, 8))
    assert iso(days) == [
        "2027-03-08", "2027-03-15", "2027-03-22", "2027-03-29", "2027-04-05", "2027-04-12",
    ]  # fmt: skip
    assert {day.weekday() for day in days} == {0}
    autumn = phase_dates(phase(count=3, every={"weeks": 1}), dt.date(2027, 10, 25))
    assert iso(autumn) == ["2027-10-25", "2027-11-01", "2027-11-08"]


# -- several visits a week ---------------------------------------------------------------


@pytest.mark.parametrize("times", range(1, 8))
@pytest.mark.parametrize("first", [MONDAY, dt.date(2027, 1, 6), dt.date(2027, 1, 10)])
def test_times_a_week_are_spread_over_each_week(times, first):
    days = phase_dates(phase(count=times * 4, times_per_week=times), first)
    assert days[0] == first
    assert len(days) == times * 4
    for week in range(4):  # each 7 days from the first hold that many visits
        begin = first + week * WEEK
        assert sum(begin <= day < begin + WEEK for day in days) == times
    gaps = [(b - a).days for a, b in itertools.pairwise(days)]
    assert min(gaps) >= 1
    assert max(gaps) <= math.ceil(7 / times) + 1
    assert phase_gap(phase(count=1, times_per_week=times)).days == math.ceil(7 / times)


def test_twice_a_week_from_a_monday_is_monday_and_friday():
    days = phase_dates(phase(count=4, times_per_week=2), MONDAY)
    assert [day.strftime("%a") for day in days] == ["Mon", "Fri", "Mon", "Fri"]


# -- visits made against the plan ----------------------------------------------------------

WEEKLY = entry(phase(count=4, every={"weeks": 1}, late_after_days=2))


def statuses(plan, made, today, start=MONDAY):
    return [
        (s.date.isoformat(), s.status, s.made)
        for s in plan_slots(plan, start, made=made, today=today)
    ]


def test_on_time_late_missed_due_and_upcoming():
    made = [MONDAY, dt.date(2027, 1, 14)]  # on time; the second a day past its window
    got = statuses(WEEKLY, made, today=dt.date(2027, 1, 25))
    assert got == [
        ("2027-01-04", "on time", MONDAY),
        ("2027-01-11", "late", dt.date(2027, 1, 14)),
        ("2027-01-18", "missed", None),
        ("2027-01-25", "due", None),
    ]
    assert statuses(WEEKLY, made, today=dt.date(2027, 1, 15))[2][1] == "upcoming"
    assert set(STATUSES) >= {status for _, status, _ in got}


def test_a_visit_well_before_its_date_is_early():
    got = statuses(WEEKLY, [dt.date(2027, 1, 8)], today=dt.date(2027, 1, 12))
    assert got[:2] == [("2027-01-04", "missed", None), ("2027-01-11", "early", dt.date(2027, 1, 8))]


def test_a_visit_nearer_the_next_date_counts_for_that_one():
    # Nobody came on the 4th; the visit on the 10th is the one planned for the 11th.
    got = statuses(WEEKLY, [dt.date(2027, 1, 10)], today=dt.date(2027, 1, 12))
    assert got[:2] == [
        ("2027-01-04", "missed", None),
        ("2027-01-11", "on time", dt.date(2027, 1, 10)),
    ]


def test_visits_before_the_start_do_not_count():
    got = statuses(WEEKLY, [dt.date(2026, 12, 28)], today=MONDAY)
    assert got[0] == ("2027-01-04", "due", None)


def test_a_late_visit_moves_what_follows_when_the_plan_counts_from_the_last_visit():
    made = [MONDAY, dt.date(2027, 2, 22)]  # the second three weeks after its date
    slots = plan_slots("maintenance", MONDAY, made=made, today=dt.date(2027, 2, 23))
    assert [(s.date.isoformat(), s.status) for s in slots[:4]] == [
        ("2027-01-04", "on time"),
        ("2027-02-01", "late"),
        ("2027-03-22", "upcoming"),  # four weeks after the visit made, not after the 1st
        ("2027-04-19", "upcoming"),
    ]


def test_a_missed_visit_keeps_the_planned_rhythm():
    slots = plan_slots("maintenance", MONDAY, made=[MONDAY], today=dt.date(2027, 3, 1))
    assert [(s.date.isoformat(), s.status) for s in slots[:3]] == [
        ("2027-01-04", "on time"),
        ("2027-02-01", "missed"),
        ("2027-03-01", "due"),
    ]


def test_an_early_visit_moves_what_follows_earlier():
    made = [MONDAY, dt.date(2027, 1, 15)]  # more than 14 days before 1 February
    slots = plan_slots("maintenance", MONDAY, made=made, today=dt.date(2027, 1, 16))
    assert slots[1].status == "early"
    assert slots[2].date == dt.date(2027, 2, 12)


def test_the_next_phase_starts_from_the_last_visit_of_the_one_before():
    two = entry(
        phase(name="Weekly", count=2, every={"weeks": 1}),
        phase(name="Monthly", count=2, every={"weeks": 4}, late_after_days=7),
    )
    made = [MONDAY, dt.date(2027, 1, 13)]  # the second two days late
    slots = plan_slots(two, MONDAY, made=made, today=dt.date(2027, 1, 14))
    assert [(s.phase, s.date.isoformat()) for s in slots] == [
        ("Weekly", "2027-01-04"),
        ("Weekly", "2027-01-11"),
        ("Monthly", "2027-01-20"),
        ("Monthly", "2027-02-17"),
    ]


# -- dates past the calendar ---------------------------------------------------------------


@pytest.mark.parametrize("start", [dt.date(9999, 1, 4), dt.date(9990, 6, 1), dt.date.max])
def test_a_start_whose_dates_run_past_the_calendar_is_refused(start):
    with pytest.raises(PlanError, match="past the last date"):
        plan_slots("starter-course", start)


def test_the_last_start_that_fits_is_computed():
    start = dt.date(9989, 1, 2)
    slots = plan_slots("weekly-then-monthly", start, today=start)
    assert len(slots) == 18
    assert slots[-1].date == dt.date(9989, 11, 27)

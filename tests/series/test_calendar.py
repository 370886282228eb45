"""The ``.ics`` export read back by the icalendar library: one all-day event per visit
still to come, the client code (never the name unless asked), and UIDs that stay the
same from one export to the next so a calendar updates instead of doubling."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from protocol_tools.series.calendar import plan_calendar
from protocol_tools.series.schedule import plan_slots

MONDAY = dt.date(2027, 1, 4)
NAME = "Synthetic Testname"


def events(data: bytes) -> list:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def upcoming(plan: str = "starter-course", made=(), today: dt.date = MONDAY - dt.timedelta(days=1)):
    return plan_slots(plan, MONDAY, made=list(made), today=today)


def test_each_visit_to_come_is_one_all_day_event_on_its_date():
    slots = upcoming()
    parsed = events(plan_calendar("C-0042", "starter-course", slots))
    assert len(parsed) == len(slots) == 20
    starts = [event.decoded("dtstart") for event in parsed]
    assert starts == [slot.date for slot in slots]
    assert all(type(day) is dt.date for day in starts)  # a date: no hour to shift
    ends = [event.decoded("dtend") for event in parsed]
    assert all(end - start == dt.timedelta(days=1) for start, end in zip(starts, ends, strict=True))


def test_visits_made_or_missed_are_left_out():
    today = MONDAY + dt.timedelta(days=6)
    slots = upcoming(made=[MONDAY], today=today)  # the 1st made, the 2nd missed
    parsed = events(plan_calendar("C-0042", "starter-course", slots))
    coming = [slot for slot in slots if slot.status in ("due", "upcoming")]
    assert len(parsed) == len(coming) == len(slots) - 2
    assert parsed[0].decoded("dtstart") == coming[0].date


def test_the_summary_carries_the_code_never_the_name_unless_asked():
    slots = upcoming()[:3]
    plain = plan_calendar("C-0042", "starter-course", slots)
    assert all("C-0042" in str(event["summary"]) for event in events(plain))
    assert NAME.encode() not in plain
    named = plan_calendar("C-0042", "starter-course", slots, name=NAME + "\u202e")
    summaries = {str(event["summary"]) for event in events(named)}
    assert summaries == {f"Microcurrent facial: {NAME}"}  # the bidi control removed


def test_uids_stay_the_same_from_one_export_to_the_next():
    slots = upcoming()
    first = plan_calendar(
        "C-0042", "starter-course", slots, stamp=dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    )
    again = plan_calendar(
        "C-0042", "starter-course", slots, stamp=dt.datetime(2027, 2, 1, tzinfo=dt.UTC)
    )
    assert first != again  # stamped at another moment
    uids = [str(event["uid"]) for event in events(first)]
    assert uids == [str(event["uid"]) for event in events(again)]
    assert len(set(uids)) == len(uids)
    other = [
        str(event["uid"]) for event in events(plan_calendar("C-0043", "starter-course", slots))
    ]
    assert not set(other) & set(uids)


def test_a_visit_keeps_its_uid_when_a_late_visit_moves_its_date():
    before = upcoming("maintenance", made=[MONDAY], today=MONDAY + dt.timedelta(days=1))
    late = MONDAY + dt.timedelta(weeks=7)
    after = upcoming("maintenance", made=[MONDAY, late], today=late)
    old = {
        str(e["uid"]): e.decoded("dtstart")
        for e in events(plan_calendar("C-0042", "maintenance", before))
    }
    new = {
        str(e["uid"]): e.decoded("dtstart")
        for e in events(plan_calendar("C-0042", "maintenance", after))
    }
    assert set(new) < set(old)  # the visit made is no longer to come
    moved = [uid for uid in new if new[uid] != old[uid]]
    assert moved
    assert all(new[uid] > old[uid] for uid in moved)


def test_dates_across_a_clock_change_stay_dates():
    spring = plan_slots("weekly-then-monthly", dt.date(2027, 3, 8), today=dt.date(2027, 3, 1))
    parsed = events(plan_calendar("C-0042", "weekly-then-monthly", spring))
    starts = [event.decoded("dtstart") for event in parsed]
    assert starts[:4] == [dt.date(2027, 3, 8) + dt.timedelta(weeks=n) for n in range(4)]
    assert b"DTSTART;VALUE=DATE:20270315" in plan_calendar("C-0042", "weekly-then-monthly", spring)


def test_the_calendar_names_the_plan_and_when_each_visit_is_still_on_time():
    slots = upcoming()[:1]
    (event,) = events(plan_calendar("C-0042", "starter-course", slots))
    description = str(event["description"])
    assert "Starting course, then maintenance" in description
    assert slots[0].late_after.isoformat() in description

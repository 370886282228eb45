"""A client's upcoming visits as an ``.ics`` file, for the calendar people already use.

One all-day event per visit still to come (a date has no hour to shift when the
clocks change), named by the client code, never the name unless it is asked for.
Each event's ``UID`` is made from the client, plan and visit number, so a calendar
that imports a newer export updates the events instead of doubling them.

    >>> import datetime as dt
    >>> from protocol_tools.series.schedule import plan_slots
    >>> slots = plan_slots("maintenance", dt.date(2027, 1, 4), today=dt.date(2027, 1, 1))
    >>> text = plan_calendar("C-0042", "maintenance", slots[:2]).decode()
    >>> text.count("BEGIN:VEVENT"), "DTSTART;VALUE=DATE:20270104" in text
    (2, True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from icalendar import Calendar, Event

from ..core.text import without_bidi_controls
from .schedule import PlanSlot, find_plan

__all__ = ["plan_calendar"]

_PRODUCT = "-//protocol-tools//microcurrent workbook//EN"
_STILL_TO_COME = ("due", "upcoming")


def plan_calendar(
    client: str,
    plan: str,
    slots: Sequence[PlanSlot],
    *,
    name: str | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """The visits of ``slots`` still to come as an iCalendar file (bytes, RFC 5545)."""
    entry = find_plan(plan)
    who = without_bidi_controls(name) if name else client
    calendar = Calendar()
    calendar.add("prodid", _PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Microcurrent visits: {who}")
    moment = stamp or dt.datetime.now(dt.UTC)
    for slot in slots:
        if slot.status not in _STILL_TO_COME:
            continue
        event = Event()
        key = f"{client}|{entry.id}|{slot.number}".encode()
        event.add("uid", hashlib.sha256(key).hexdigest()[:32] + "@protocol-tools")
        event.add("dtstamp", moment)
        event.add("dtstart", slot.date)
        event.add("dtend", slot.date + dt.timedelta(days=1))
        event.add("summary", f"Microcurrent facial: {who}")
        event.add(
            "description",
            f"{entry.name}, visit {slot.number} ({slot.phase}). "
            f"Still on time until {slot.late_after.isoformat()}.",
        )
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()

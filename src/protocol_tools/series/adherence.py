"""Planned against done: each client's plan matched with the visits made, and the
front desk's list of who is due, overdue or coming up.

The dates come from :mod:`.schedule`; the visits and plans from the client record.
A client with no plan is due by the repeat interval of ``data/session_care.yaml``
(4 to 6 weeks after the last visit made).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..core.text import add_days
from ..records.history import next_due
from ..records.plans import current_plans, home_session_days, last_protocols, visit_days
from ..records.store import RecordStore
from ..reference.data import plans_file
from ..reference.models import PlanEntry
from .schedule import PlanError, PlanSlot, find_plan, plan_slots

__all__ = ["adherence_summary", "client_adherence", "due_list", "slot_rows"]

_WEEK = dt.timedelta(days=7)
# What the front desk list calls a client's next visit.
DUE_STATUSES = ("overdue", "due", "upcoming")


def adherence_summary(slots: Sequence[PlanSlot], today: dt.date) -> dict[str, Any]:
    """How a client keeps to a plan: counts per status, and the share of the visits
    due by ``today`` that were made on time (None before the first is due).

    >>> from protocol_tools.series.schedule import plan_slots
    >>> made = [dt.date(2027, 1, 4), dt.date(2027, 2, 8)]
    >>> slots = plan_slots("maintenance", dt.date(2027, 1, 4), made=made, today=dt.date(2027, 4, 1))
    >>> summary = adherence_summary(slots, dt.date(2027, 4, 1))
    >>> summary["counts"]["on time"], summary["counts"]["missed"], summary["on_time_share"]
    (2, 1, 0.67)
    """
    counts = Counter(slot.status for slot in slots)
    past = [slot for slot in slots if slot.made is not None or slot.late_after < today]
    on_time = sum(1 for slot in past if slot.status in ("on time", "early"))
    return {
        "counts": {
            status: counts.get(status, 0)
            for status in ("early", "on time", "late", "missed", "due", "upcoming")
        },
        "made": sum(1 for slot in slots if slot.made is not None),
        "due_so_far": len(past),
        "on_time_share": round(on_time / len(past), 2) if past else None,
    }


def slot_rows(slots: Sequence[PlanSlot]) -> list[dict[str, Any]]:
    """The slots as plain data (JSON, tables): number, phase, date, late_after, status, made."""
    return [
        {
            "number": s.number,
            "phase": s.phase,
            "date": s.date.isoformat(),
            "late_after": s.late_after.isoformat(),
            "status": s.status,
            "made": s.made.isoformat() if s.made else None,
        }
        for s in slots
    ]


def client_adherence(store: RecordStore, code: str, today: dt.date | None = None) -> dict[str, Any]:
    """A client's plans (clinic and home) with their dates matched to what was done.

    ``{kind: {"plan", "name", "start", "slots", "summary"}}``; clinic plans count the
    client visits made, home plans the home sessions reported.
    """
    today = today or dt.date.today()
    plans = current_plans(store, code).get(code, {})
    result: dict[str, Any] = {}
    for kind, chosen in plans.items():
        if kind == "clinic":
            made = visit_days(store, code).get(code, [])
        else:
            made = home_session_days(store, code)
        entry = _followed_plan(code, chosen["plan"])
        slots = plan_slots(entry, chosen["start"], made=made, today=today)
        result[kind] = {
            "plan": chosen["plan"],
            "name": entry.name,
            "start": chosen["start"].isoformat(),
            "slots": slot_rows(slots),
            "summary": adherence_summary(slots, today),
        }
    return result


def _followed_plan(code: str, plan_id: str) -> PlanEntry:
    """The plan client ``code`` follows; a PlanError saying so when the data no longer
    has it (a clinic renamed or removed it)."""
    try:
        return find_plan(plan_id)
    except PlanError as error:
        raise PlanError(
            f"{code} follows the plan {plan_id!r}, which data/plans.yaml no longer holds; "
            f"choose another with: protocol-tools plan {code} PLAN ({error})"
        ) from None


def _next_open(slots: Sequence[PlanSlot]) -> PlanSlot | None:
    """The first planned visit not made after the last one made: the one the front
    desk books next (a visit missed before one that was made is past booking)."""
    last_made = max((slot.number for slot in slots if slot.made is not None), default=0)
    return next((slot for slot in slots if slot.number > last_made), None)


def _due_window(
    clinic: dict[str, Any] | None,
    made: list[dt.date],
    today: dt.date,
    entries: dict[str, PlanEntry],
) -> dict[str, str] | None:
    """``{"from", "by"}`` of the client's next visit: the plan's next open date, or
    (no plan, the plan done or no longer in the data) the repeat interval after the
    last visit made."""
    if clinic:
        entry = entries.get(clinic["plan"])
        try:
            slots = plan_slots(entry, clinic["start"], made=made, today=today) if entry else []
        except PlanError:  # a start whose dates the calendar cannot hold
            slots = []
        slot = _next_open(slots)
        if slot is not None:
            return {"from": slot.date.isoformat(), "by": slot.late_after.isoformat()}
    return next_due(made[-1]) if made else None


def due_list(
    store: RecordStore, week: dt.date | None = None, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every client due in the week starting ``week`` or overdue by then, and those
    coming up, most urgent first: ``client``, ``due_from``, ``due_by``, ``status``
    (``overdue``, ``due``, ``upcoming``), ``plan``, the ``last_visit`` and the
    ``protocol`` it used (what to get ready; None before a first session).

    One read of all plans and all visit days, whatever the number of clients.
    """
    week = week or dt.date.today()
    today = today or week
    week_end = add_days(week, _WEEK.days, "the week's end", PlanError)
    plans = current_plans(store)
    days = visit_days(store)
    protocols = last_protocols(store)
    # Read once for every client; a plan since taken out of the data is left out, and
    # its clients are due by the usual interval.
    entries = {entry.id: entry for entry in plans_file().plans}
    rows = []
    for client in sorted(set(plans) | set(days)):
        made = days.get(client, [])
        clinic = plans.get(client, {}).get("clinic")
        window = _due_window(clinic, made, today, entries)
        if window is None:
            continue  # no visit made and no plan: nothing is due yet
        due_from, due_by = (
            dt.date.fromisoformat(window["from"]),
            dt.date.fromisoformat(window["by"]),
        )
        status = "overdue" if due_by < week else "due" if due_from < week_end else "upcoming"
        rows.append(
            {
                "client": client,
                "due_from": window["from"],
                "due_by": window["by"],
                "status": status,
                "plan": clinic["plan"] if clinic else None,
                "last_visit": made[-1].isoformat() if made else None,
                "protocol": protocols.get(client),
            }
        )
    order = {status: index for index, status in enumerate(DUE_STATUSES)}
    rows.sort(key=lambda row: (order[row["status"]], row["due_from"], row["client"]))
    return rows

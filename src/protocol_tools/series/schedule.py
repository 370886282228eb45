"""A plan's dates, and how the visits actually made keep to them.

A plan (``data/plans.yaml``) is phases that follow each other; a phase repeats a
number of times, every so many days, weeks or months, or so many times a week.
Dates come from dateutil: ``rrule`` for the repeats, ``relativedelta`` for month
arithmetic, so 31 January plus a month is the last day of February (the plan file
says so: the same day each month, or the month's last day when it is shorter).

    >>> monthly = PlanPhase(name="Monthly", count=4, every={"months": 1}, late_after_days=7)
    >>> [day.isoformat() for day in phase_dates(monthly, dt.date(2028, 1, 31))]
    ['2028-01-31', '2028-02-29', '2028-03-31', '2028-04-30']

A phase that ``counts_from: last-visit`` dates each visit from the one actually
made: a visit made late moves every date after it.

    >>> made = [dt.date(2027, 1, 31), dt.date(2027, 3, 21)]  # the second three weeks late
    >>> slots = plan_slots("maintenance", dt.date(2027, 1, 31), made=made,
    ...                    today=dt.date(2027, 3, 22))
    >>> [(s.date.isoformat(), s.status) for s in slots[:3]]
    [('2027-01-31', 'on time'), ('2027-02-28', 'late'), ('2027-04-18', 'upcoming')]
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule

from ..core.errors import ProtocolToolsError
from ..reference.data import plans_file
from ..reference.models import PlanEntry, PlanPhase

__all__ = [
    "STATUSES",
    "PlanError",
    "PlanSlot",
    "find_plan",
    "phase_dates",
    "phase_gap",
    "plan_slots",
]

_WEEK = 7
# What a visit made against a planned date is called (the chart and `due` use these).
STATUSES = ("early", "on time", "late", "missed", "due", "upcoming")


class PlanError(ProtocolToolsError):
    """A plan cannot be used: unknown, or its dates would run past the calendar."""


@dataclass(frozen=True)
class PlanSlot:
    """One planned visit: its date, phase, and what happened (``status``, ``made``)."""

    number: int
    phase: str
    date: dt.date
    late_after: dt.date
    status: str
    made: dt.date | None = None


def find_plan(plan: str | PlanEntry) -> PlanEntry:
    """The plan with id ``plan`` in ``data/plans.yaml`` (PlanError naming the known ones)."""
    if isinstance(plan, PlanEntry):
        return plan
    plans = {entry.id: entry for entry in plans_file().plans}
    if plan not in plans:
        raise PlanError(f"no plan is called {plan!r}; the plans are: {', '.join(plans)}")
    return plans[plan]


def phase_gap(phase: PlanPhase) -> relativedelta:
    """The time from one visit of ``phase`` to the next."""
    if phase.times_per_week:
        return relativedelta(days=math.ceil(_WEEK / phase.times_per_week))
    every = phase.every
    assert every is not None  # the data check insists on one way to repeat
    return relativedelta(days=every.days or 0, weeks=every.weeks or 0, months=every.months or 0)


def _weekdays(first: dt.date, times: int) -> tuple[int, ...]:
    """``times`` weekdays spread over the week, starting on ``first``'s."""
    return tuple(
        sorted({(first.weekday() + round(i * _WEEK / times)) % _WEEK for i in range(times)})
    )


def phase_dates(phase: PlanPhase, first: dt.date) -> list[dt.date]:
    """Every date of ``phase`` when its first visit is on ``first`` (rrule's dates)."""
    start = dt.datetime.combine(first, dt.time())
    if phase.times_per_week:
        rule = rrule(
            WEEKLY,
            dtstart=start,
            count=phase.count,
            byweekday=_weekdays(first, phase.times_per_week),
        )
    elif phase.every and phase.every.months:
        # The same day each month, or the month's last day when the month is shorter.
        days = tuple(range(28, first.day + 1)) if first.day > 28 else (first.day,)
        rule = rrule(
            MONTHLY,
            dtstart=start,
            count=phase.count,
            interval=phase.every.months,
            bymonthday=days,
            bysetpos=-1,
        )
    else:
        every = phase.every
        assert every is not None
        days = (every.days or 0) + _WEEK * (every.weeks or 0)
        rule = rrule(DAILY, dtstart=start, count=phase.count, interval=days)
    return [moment.date() for moment in rule]


def _check_span(start: dt.date) -> None:
    limit = plans_file().limits.max_plan_years
    try:
        end = start + relativedelta(years=limit)
        dt.date(end.year, 12, 31)
    except (OverflowError, ValueError):
        raise PlanError(
            f"a plan starting on {start.isoformat()} would run past the last date the calendar "
            "holds; check the year"
        ) from None


def _phase_slots(
    phase: PlanPhase, first: dt.date, made: list[dt.date]
) -> Iterator[tuple[dt.date, dt.date | None]]:
    """(planned date, visit made for it) for each visit of ``phase``, in order."""
    every = phase_gap(phase)
    # Whole days: plain date arithmetic (much quicker); months need relativedelta.
    gap = every if every.months else dt.timedelta(days=every.days)
    if phase.counts_from == "plan":
        planned = phase_dates(phase, first)
        for index, day in enumerate(planned):
            following = planned[index + 1] if index + 1 < len(planned) else day + gap
            yield day, _take(made, day, following, phase)
        return
    # Dates count from the last visit made (or the phase's first date) in whole gaps,
    # so a month from 31 January stays on the month's last day while none is made.
    anchor, steps = first, 0
    for _ in range(phase.count):
        day = anchor + gap * steps
        visit = _take(made, day, day + gap, phase, closest=False)
        yield day, visit
        if visit is not None:
            anchor, steps = visit, 1
        else:
            steps += 1


def _take(
    made: list[dt.date],
    day: dt.date,
    following: dt.date,
    phase: PlanPhase,
    *,
    closest: bool = True,
) -> dt.date | None:
    """The first visit not yet counted, removed from ``made``, if it is this date's: on
    or before its last on-time day, or else before the next date and (``closest``:
    dates planned ahead) nearer this date than that one. A visit from the last one
    made (``closest=False``) is this date's anywhere before the next."""
    if not made:
        return None
    visit = made[0]
    on_time = visit <= day + dt.timedelta(days=phase.late_after_days)
    nearer = not closest or (visit - day) < (following - visit)
    if on_time or (visit < following and nearer):
        return made.pop(0)
    return None


def plan_slots(
    plan: str | PlanEntry,
    start: dt.date,
    *,
    made: Sequence[dt.date] = (),
    today: dt.date | None = None,
) -> list[PlanSlot]:
    """Every planned visit of ``plan`` from ``start``, each matched with a visit made.

    ``made``: the dates of the client visits made since the plan started. Each slot's
    ``status``: ``early``, ``on time``, ``late`` (made, after ``late_after``),
    ``missed`` (no visit, and its time has passed), ``due`` (its window is open
    today) or ``upcoming``.
    """
    entry = find_plan(plan)
    _check_span(start)
    today = today or dt.date.today()
    visits = sorted(day for day in made if day >= start)
    try:
        return _slots(entry, start, visits, today)
    except (OverflowError, ValueError):  # visits made so late the dates run off the calendar
        raise PlanError(
            f"the dates of {entry.id} from {start.isoformat()} run past the last date the "
            "calendar holds; check the start and the visits' dates"
        ) from None


def _slots(
    entry: PlanEntry, start: dt.date, visits: list[dt.date], today: dt.date
) -> list[PlanSlot]:
    slots: list[PlanSlot] = []
    first = start
    for phase in entry.phases:
        last = None
        for day, visit in _phase_slots(phase, first, visits):
            late_after = day + dt.timedelta(days=phase.late_after_days)
            slots.append(
                PlanSlot(
                    len(slots) + 1,
                    phase.name,
                    day,
                    late_after,
                    _status(day, late_after, visit, today),
                    visit,
                )
            )
            last = visit or day
        first = (last or first) + phase_gap(phase)
    return slots


def _status(day: dt.date, late_after: dt.date, visit: dt.date | None, today: dt.date) -> str:
    if visit is not None:
        if visit < day - (late_after - day):
            return "early"
        return "on time" if visit <= late_after else "late"
    if today > late_after:
        return "missed"
    return "due" if today >= day else "upcoming"

"""Clinic, home, or both: sessions, time and cost over a period, side by side.

Prices, minutes and what each option gives come from ``data/costs.yaml`` (the
founding article's figures, which a clinic may change); the sessions come from the
plans that file names. Nothing here claims more than those sources say.

    >>> rows = compare_costs(12, start=dt.date(2027, 1, 4))
    >>> [(row["option"], row["clinic_sessions"], row["home_sessions"]) for row in rows]
    [('Clinic only', 23, 0), ('Home device only', 0, 153), ('Clinic and home', 14, 153)]
    >>> rows[0]["cost"]
    {'min': 4600, 'max': 11500}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta

from ..reference.data import costs, plans_file
from .schedule import PlanError, find_plan, phase_gap, plan_slots

__all__ = ["compare_costs", "longest_comparison"]

_MONTHS_A_YEAR = 12


def longest_comparison() -> int:
    """The most months a comparison may cover: the plans' own bound
    (``limits.max_plan_years`` of ``data/plans.yaml``); longer says nothing."""
    return plans_file().limits.max_plan_years * _MONTHS_A_YEAR


def _sessions(plan_id: str, start: dt.date, months: int) -> int:
    """Sessions of the plan within ``months``; past the plan's end its last phase goes
    on (upkeep does not stop because the plan's list of dates did)."""
    slots = plan_slots(plan_id, start, today=start)  # PlanError for a start past the calendar
    try:
        end = start + relativedelta(months=months)
        count = sum(1 for slot in slots if slot.date < end)
        day, gap = slots[-1].date, phase_gap(find_plan(plan_id).phases[-1])
        while day + gap < end:
            day += gap
            count += 1
    except (OverflowError, ValueError):
        raise PlanError(
            f"{months} months from {start.isoformat()} run past the last date the calendar "
            "holds; check the year"
        ) from None
    return count


def compare_costs(months: int, *, start: dt.date | None = None) -> list[dict[str, Any]]:
    """Clinic only, home device only, and clinic plus home upkeep over ``months``.

    Each row: ``option``, ``clinic_sessions``, ``home_sessions``, ``minutes`` and
    ``cost`` (``{"min", "max"}``), ``currency``, ``gives`` and ``sources``.
    """
    longest = longest_comparison()
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= longest:
        raise PlanError(f"months must be a whole number from 1 to {longest}, not {months!r}")
    start = start or dt.date.today()
    prices = costs()
    clinic, home, plans = prices.clinic_session, prices.home_device, prices.compare
    options = [
        ("Clinic only", plans.clinic_plan, None),
        ("Home device only", None, plans.home_plan),
        ("Clinic and home", plans.both.clinic_plan, plans.both.home_plan),
    ]
    rows = []
    for name, clinic_plan, home_plan in options:
        visits = _sessions(clinic_plan, start, months) if clinic_plan else 0
        at_home = _sessions(home_plan, start, months) if home_plan else 0
        device = home.price if home_plan else 0
        parts = ((clinic, clinic_plan), (home, home_plan))
        gives = [kind.gives for kind, used in parts if used]
        sources = sorted(
            {
                text
                for kind, used in parts
                if used
                for text in (kind.source, kind.gives_source, kind.minutes_source)
            }
        )
        rows.append(
            {
                "option": name,
                "months": months,
                "clinic_sessions": visits,
                "home_sessions": at_home,
                "minutes": {
                    "min": visits * clinic.minutes.min + at_home * home.minutes.min,
                    "max": visits * clinic.minutes.max + at_home * home.minutes.max,
                },
                "cost": {
                    "min": visits * clinic.price.min + device,
                    "max": visits * clinic.price.max + device,
                },
                "currency": prices.currency,
                "gives": " ".join(gives),
                "sources": sources,
            }
        )
    return rows

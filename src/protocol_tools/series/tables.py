"""Plans, adherence, the front desk's list and the cost comparison in people's words:
the rows of the tables and the sentences the views and the plan sheet show.

Plain data only (no widgets, no plotly). Every status reads as a symbol *and* words,
so no view needs colour to say it; plans are named by their names, never their ids.

    >>> adherence_sentence({"due_so_far": 9, "on_time_share": 0.78,
    ...                     "counts": {"on time": 6, "early": 1}}, "clinic")
    '7 of 9 visits due so far were on time (78%).'
    >>> status_words("missed")
    '✖ Missed'
    >>> money(4600, "USD"), money(350, "EUR")
    ('$4,600', '350 EUR')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.text import number
from ..records.page_data import zone_name
from ..records.rows import comfort_levels
from ..reference.data import costs, plans_file
from ..reference.models import PlanPhase
from ..sheets.text import long_date
from .schedule import PlanError, find_plan

__all__ = [
    "DUE_MARKS",
    "STATUS_MARKS",
    "adherence_sentence",
    "comparison_plans",
    "counts_sentence",
    "due_words",
    "kind_words",
    "money",
    "phase_words",
    "plan_choices",
    "plan_name",
    "settings_lines",
    "slot_table_rows",
    "status_words",
    "what_is_counted",
]

# A planned visit's status: (symbol, words). The symbol repeats the words; the
# chart draws each status with its own marker shape too.
STATUS_MARKS = {
    "early": ("✔", "Made early"),
    "on time": ("✔", "Made on time"),
    "late": ("⚠", "Made late"),
    "missed": ("✖", "Missed"),
    "due": ("➜", "Due now"),
    "upcoming": ("○", "Coming up"),
}
# The front desk list's status: (symbol, words).
DUE_MARKS = {
    "overdue": ("⚠", "Overdue"),
    "due": ("➜", "Due this week"),
    "upcoming": ("○", "Coming up"),
}
_KIND_WORDS = {"clinic": "clinic visits", "home": "home sessions"}
_TIMES = {1: "once", 2: "twice"}
_SIDES = {"left": "L", "right": "R", "both": "L+R"}
_CURRENCY_SIGNS = {"USD": "$"}


def status_words(status: str) -> str:
    """``✔ Made on time``: a slot's status as a symbol and words."""
    symbol, words = STATUS_MARKS.get(status, ("", status))
    return f"{symbol} {words}".strip()


def due_words(status: str) -> str:
    """``⚠ Overdue``: a front-desk status as a symbol and words."""
    symbol, words = DUE_MARKS.get(status, ("", status))
    return f"{symbol} {words}".strip()


def kind_words(kind: str) -> str:
    """What a plan of ``kind`` counts: ``clinic visits`` or ``home sessions``."""
    return _KIND_WORDS.get(kind, kind)


def what_is_counted(kind: str) -> tuple[str, str]:
    """(one, many): ``visit``/``visits`` for a clinic plan, ``session``/``sessions`` at home."""
    return ("visit", "visits") if kind == "clinic" else ("session", "sessions")


def plan_name(plan_id: str | None) -> str:
    """A plan's name (its id only when the plans file no longer has it)."""
    if not plan_id:
        return "No plan: the usual 4 to 6 weeks"
    try:
        return find_plan(plan_id).name
    except PlanError:  # a plan removed from the data keeps its id
        return plan_id


def plan_choices() -> list[tuple[str, str]]:
    """Every plan of ``data/plans.yaml`` as (``Name (clinic visits)``, id), for a dropdown."""
    return [(f"{entry.name} ({kind_words(entry.kind)})", entry.id) for entry in plans_file().plans]


def _how_often(phase: PlanPhase) -> str:
    if phase.times_per_week:
        times = _TIMES.get(phase.times_per_week, f"{phase.times_per_week} times")
        return f"{times} a week"
    every = phase.every
    assert every is not None  # the data check insists on one way to repeat
    for amount, unit in ((every.months, "month"), (every.weeks, "week"), (every.days, "day")):
        if amount:
            return f"every {unit}" if amount == 1 else f"every {amount} {unit}s"
    return ""


def phase_words(phase: PlanPhase, kind: str) -> str:
    """``8 visits, twice a week`` (and when each counts from the visit actually made)."""
    one, many = what_is_counted(kind)
    text = f"{phase.count} {one if phase.count == 1 else many}, {_how_often(phase)}"
    if phase.counts_from == "last-visit":
        text += f", each counted from the {one} actually made"
    return text


def adherence_sentence(summary: Mapping[str, Any], kind: str) -> str:
    """``7 of 9 visits due so far were on time (78%).`` (early ones count as on time)."""
    _, many = what_is_counted(kind)
    due = summary["due_so_far"]
    if not due:
        return f"No {many[:-1]} of this plan was due yet."
    counts = summary["counts"]
    on_time = counts.get("on time", 0) + counts.get("early", 0)
    share = round(100 * (summary["on_time_share"] or 0))
    return f"{on_time} of {due} {many} due so far were on time ({share}%)."


def counts_sentence(summary: Mapping[str, Any]) -> str:
    """Every status with its count, in words: ``✔ Made on time: 5 · ✖ Missed: 1 · …``."""
    counts = summary["counts"]
    return " · ".join(
        f"{status_words(status)}: {counts[status]}" for status in STATUS_MARKS if counts.get(status)
    )


def _day(value: str | None) -> str:
    return long_date(dt.date.fromisoformat(value)) if value else "—"


def slot_table_rows(slots: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The plan's dates as table rows: number, phase, date, on time until, status, made."""
    return [
        {
            "number": str(slot["number"]),
            "phase": slot["phase"],
            "date": _day(slot["date"]),
            "late_after": _day(slot["late_after"]),
            "status": status_words(slot["status"]),
            "made": _day(slot["made"]),
        }
        for slot in slots
    ]


def settings_lines(carried: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The last session's protocol and one line per step (``Brows R: 150 µA``), from
    ``history.carry_forward``; ("", []) when the client has had no session."""
    if not carried:
        return "", []
    version = carried.get("protocol_version")
    protocol = f"{carried['protocol']} (version {version})" if version else carried["protocol"]
    protocol += f", on {_day(carried['from_visit'])}"
    comfort = comfort_levels()
    lines = []
    for step in carried["steps"]:
        where = f"{zone_name(step['zone'])} {_SIDES.get(step.get('side') or '', '')}".strip()
        if step.get("skipped"):
            lines.append(f"{where}: skipped")
            continue
        line = f"{where}: {number(step.get('current_uA'), ' µA')}"
        if step.get("comfort"):
            line += f" ({comfort.get(step['comfort'], step['comfort'])})"
        lines.append(line)
    return protocol, lines


def money(amount: float, currency: str) -> str:
    """``$4,600`` for US dollars, ``4,600 EUR`` for another currency."""
    text = f"{amount:,.0f}"
    sign = _CURRENCY_SIGNS.get(currency.upper())
    return f"{sign}{text}" if sign else f"{text} {currency}"


def comparison_plans() -> str:
    """Which plans the cost comparison counts sessions by (``data/costs.yaml``), in words."""
    plans = costs().compare
    return (
        f"Clinic only follows “{plan_name(plans.clinic_plan)}”; home device only, "
        f"“{plan_name(plans.home_plan)}”; clinic and home, “{plan_name(plans.both.clinic_plan)}” "
        f"with “{plan_name(plans.both.home_plan)}”."
    )

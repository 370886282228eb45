"""Plans, adherence, the front desk's list and the cost comparison as people read them
on a terminal. Each takes the plain data the ``--format json`` output prints; the
words for phases and statuses are :mod:`.tables`' (the views use the same).

    >>> print(due_text([], dt.date(2026, 12, 7)))
    Nobody is due: no client has a visit made or a plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ..records.report import table
from ..reference.models import PlanEntry
from ..sheets.text import long_date
from .tables import (
    adherence_sentence,
    counts_sentence,
    due_words,
    kind_words,
    money,
    phase_words,
    plan_name,
    status_words,
)

__all__ = ["adherence_text", "costs_text", "due_text", "plans_text", "stored_plan_text"]


def _day(value: str | None) -> str:
    return long_date(dt.date.fromisoformat(value)) if value else ""


def _shifting_note(entry: PlanEntry) -> list[str]:
    """A line for each phase whose dates count from the visit actually made."""
    return [
        f'Dates in "{phase.name}" count from the visit made before each: a late visit '
        "moves the ones after it."
        for phase in entry.phases
        if phase.counts_from == "last-visit"
    ]


def stored_plan_text(data: Mapping[str, Any], entry: PlanEntry) -> str:
    """What ``plan CODE PLAN`` stored: the plan, what it replaced, and its dates."""
    lines = [
        f"Stored: {data['client']} follows {entry.name} ({kind_words(entry.kind)}) "
        f"from {_day(data['start'])}."
    ]
    if data.get("replaced"):
        old = data["replaced"]
        lines.append(
            f"This ends {plan_name(old['plan'])}, followed from {_day(old['start'])} "
            "(kept in the record)."
        )
    header = ["visit", "date", "on time until", "phase"]
    rows = [
        [str(s["number"]), _day(s["date"]), _day(s["late_after"]), s["phase"]]
        for s in data["slots"]
    ]
    lines += ["", table(header, rows, {0}), "", *_shifting_note(entry)]
    return "\n".join(lines).rstrip()


def adherence_text(data: Mapping[str, Any]) -> str:
    """``plan CODE``: each current plan, date by date, with the visits made."""
    plans = data["plans"]
    if not plans:
        return (
            f"{data['client']} has no plan yet; choose one with: "
            f"protocol-tools plan {data['client']} PLAN --start YYYY-MM-DD "
            "(protocol-tools plans lists them)"
        )
    lines = [f"{data['client']}, as of {_day(data['as_of'])}"]
    for kind, plan in plans.items():
        summary = plan["summary"]
        lines += [
            "",
            f"{kind.capitalize()} plan: {plan['name']}, from {_day(plan['start'])}",
            adherence_sentence(summary, kind),
        ]
        counts = counts_sentence(summary)
        if counts:
            lines.append(counts)
        header = ["visit" if kind == "clinic" else "session", "date", "phase", "status", "made"]
        rows = [
            [
                str(s["number"]),
                _day(s["date"]),
                s["phase"],
                status_words(s["status"]),
                _day(s["made"]),
            ]
            for s in plan["slots"]
        ]
        lines += ["", table(header, rows, {0})]
    return "\n".join(lines)


def plans_text(entries: Sequence[PlanEntry]) -> str:
    """``plans``: every template with its phases in words and its source."""
    blocks = []
    for entry in entries:
        lines = [f"{entry.id}: {entry.name} ({kind_words(entry.kind)})"]
        for number, phase in enumerate(entry.phases, start=1):
            late = phase.late_after_days
            lines.append(
                f"  {number}. {phase.name}: {phase_words(phase, entry.kind)}; on time up to "
                f"{late} day{'s' if late != 1 else ''} after the date"
            )
        lines.append(f"  Source: {entry.source}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def due_text(rows: Sequence[Mapping[str, Any]], week: dt.date) -> str:
    """``due``: the front desk's list, most urgent first, with a count per status."""
    if not rows:
        return "Nobody is due: no client has a visit made or a plan."
    counts = {status: sum(row["status"] == status for row in rows) for status in _DUE}
    week_end = week + dt.timedelta(days=6)  # due_list refused a week past the calendar
    head = (
        f"Week of {long_date(week)} to {long_date(week_end)}: {counts['overdue']} overdue, "
        f"{counts['due']} due this week, {counts['upcoming']} coming up."
    )
    header = ["client", "status", "due from", "due by", "last visit", "protocol", "plan"]
    body = [
        [
            row["client"],
            due_words(row["status"]),
            _day(row["due_from"]),
            _day(row["due_by"]),
            _day(row["last_visit"]),
            row.get("protocol") or "—",
            plan_name(row["plan"]),
        ]
        for row in rows
    ]
    return "\n".join([head, "", table(header, body, set())])


_DUE = ("overdue", "due", "upcoming")


def _span(values: Mapping[str, float], unit: str = "") -> str:
    low, high = values["min"], values["max"]
    return f"{low:,}{unit}" if low == high else f"{low:,} to {high:,}{unit}"


def costs_text(rows: Sequence[Mapping[str, Any]], start: dt.date) -> str:
    """``compare-costs``: sessions, time and cost of each option, what each gives and
    the sources, in the words of ``data/costs.yaml``."""
    months = rows[0]["months"]
    currency = rows[0]["currency"]
    header = ["option", "clinic sessions", "home sessions", "minutes", "cost"]
    body = [
        [
            row["option"],
            str(row["clinic_sessions"]),
            str(row["home_sessions"]),
            _span(row["minutes"]),
            _money_span(row["cost"], currency),
        ]
        for row in rows
    ]
    lines = [
        f"Over {months} month{'s' if months != 1 else ''} from {long_date(start)}:",
        "",
        table(header, body, {1, 2}),
        "",
        "What each gives:",
        *(f"- {row['option']}: {row['gives']}" for row in rows),
        "",
        "Sources:",
        *(f"- {source}" for source in sorted({s for row in rows for s in row["sources"]})),
    ]
    return "\n".join(lines)


def _money_span(cost: Mapping[str, float], currency: str) -> str:
    low, high = money(cost["min"], currency), money(cost["max"], currency)
    return low if low == high else f"{low} to {high}"

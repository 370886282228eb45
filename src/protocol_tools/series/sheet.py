"""The take-home plan sheet and the printed cost comparison (issue 12).

Same family as the session sheet (``sheets/templates/plan_sheet.typ`` imports its
styles; fonts and paper from ``data/sheet.yaml``): the data is built here as one
JSON-ready dict a page and laid out by Typst, so nothing a user typed is read as
markup. A plan sheet carries the client code, never the name unless it is asked for.

Every sentence comes from data: the plan's dates from :mod:`.schedule` (through
:func:`.adherence.client_adherence`), the phases in words from ``data/plans.yaml``,
aftercare and what to expect from ``data/session_care.yaml``, what clinic and home
sessions give from ``data/costs.yaml``.

    >>> import datetime as dt
    >>> from protocol_tools.series.schedule import plan_slots
    >>> from protocol_tools.series.adherence import adherence_summary, slot_rows
    >>> slots = plan_slots("maintenance", dt.date(2027, 1, 4), today=dt.date(2027, 1, 1))
    >>> summary = adherence_summary(slots, dt.date(2027, 1, 1))
    >>> plans = {"clinic": {"plan": "maintenance", "name": "Maintenance", "start": "2027-01-04",
    ...          "slots": slot_rows(slots), "summary": summary}}
    >>> page = plan_sheet("C-0042", plans, today=dt.date(2027, 1, 1))
    >>> page["header"]["client"], page["header"]["client_name"], page["plans"][0]["rows"][0]["date"]
    ('C-0042', None, 'Mon 4 Jan 2027')
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.errors import ExportError
from ..core.privacy import check_client_code
from ..reference.data import costs, session_care
from ..sheets.data import PAPERS, sheet_defaults
from ..sheets.render import TEMPLATES, compile_template
from ..sheets.text import MAX_NAME_CHARS, clean_text, long_date
from .costs import compare_costs
from .schedule import find_plan
from .tables import (
    adherence_sentence,
    comparison_plans,
    kind_words,
    money,
    phase_words,
    slot_table_rows,
    what_is_counted,
)

__all__ = [
    "COMPARISON_LABELS",
    "PLAN_TEMPLATE",
    "SLOT_LABELS",
    "comparison_sheet",
    "plan_pdf",
    "plan_sheet",
]

PLAN_TEMPLATE = TEMPLATES / "plan_sheet.typ"
SLOT_LABELS = ("#", "Phase", "Planned date", "On time until", "So far", "Done")
COMPARISON_LABELS = (
    "Option",
    "Clinic sessions",
    "Home sessions",
    "Time in all",
    "Cost",
    "What it gives",
)
_SLOT_KEYS = ("number", "phase", "date", "late_after", "status")
_MINUTES_AN_HOUR = 60


def _header(title: str, code: str | None, day: dt.date, clinic: str | None) -> dict[str, Any]:
    defaults = sheet_defaults()
    return {
        "title": title,
        "clinic": clean_text(clinic if clinic is not None else defaults["clinic"], MAX_NAME_CHARS),
        "client": code or "",
        "client_name": None,
        "date": day.isoformat(),
        "date_long": long_date(day),
    }


def _plan_block(kind: str, chosen: Mapping[str, Any]) -> dict[str, Any]:
    """One plan: its name, phases in words, the adherence so far and every date."""
    entry = find_plan(chosen["plan"])
    _, many = what_is_counted(kind)
    block = {
        "kind": kind,
        "title": f"Your {kind_words(kind)}: {clean_text(entry.name)}",
        "start": long_date(dt.date.fromisoformat(chosen["start"])),
        "phases": [clean_text(f"{p.name}: {phase_words(p, kind)}") for p in entry.phases],
        "sentence": adherence_sentence(chosen["summary"], kind),
        "source": clean_text(entry.source),
        "moves": any(p.counts_from == "last-visit" for p in entry.phases),
        "moves_note": f"Dates marked as counted from the {many[:-1]} actually made move when "
        "one is made earlier or later: each is confirmed at the visit before it.",
        "labels": list(SLOT_LABELS),
        "rows": [],
        "count": len(chosen["slots"]),
    }
    slots = chosen["slots"]
    if kind == "clinic":  # a home routine's dozens of dates read better as its phases
        block["rows"] = [
            {key: clean_text(row[key]) for key in _SLOT_KEYS} for row in slot_table_rows(slots)
        ]
    elif slots:
        first, last = slots[0]["date"], slots[-1]["date"]
        block["span"] = (
            f"{len(slots)} sessions from {long_date(dt.date.fromisoformat(first))} "
            f"to {long_date(dt.date.fromisoformat(last))}."
        )
    return block


def _expect(kinds: Sequence[str]) -> dict[str, Any]:
    """What the client can expect, and where those words come from."""
    care, prices = session_care(), costs()
    parts, sources = [], []
    if care.next_visit.expect:
        parts.append(care.next_visit.expect)
        sources.append(care.next_visit.source)
    for kind, side in (("clinic", prices.clinic_session), ("home", prices.home_device)):
        if kind in kinds:
            parts.append(f"{kind_words(kind).capitalize()}: {side.gives}")
            sources.append(side.gives_source)
    return {"items": [clean_text(p) for p in parts], "sources": [clean_text(s) for s in sources]}


def _aftercare(home: bool) -> dict[str, Any]:
    care = session_care().aftercare
    items = list(care.items) + (list(care.home_device_items) if home else [])
    low, high = care.window_hours.min, care.window_hours.max
    return {
        "title": f"After each session, for {low} to {high} hours",
        "items": [clean_text(item) for item in items],
        "source": clean_text(care.source),
    }


def plan_sheet(
    code: str,
    plans: Mapping[str, Mapping[str, Any]],
    *,
    today: dt.date | None = None,
    client_name: str | None = None,
    clinic: str | None = None,
) -> dict[str, Any]:
    """The data of one take-home plan sheet for client ``code``.

    ``plans``: :func:`.adherence.client_adherence` of the client (``{kind: plan}``).
    The name appears only when ``client_name`` is given.
    """
    code = check_client_code(code, ExportError, "client")
    if not plans:
        raise ExportError(f"{code} follows no plan yet: choose one first")
    day = today or dt.date.today()
    header = _header("Your treatment plan", code, day, clinic)
    if client_name:
        header["client_name"] = clean_text(client_name, MAX_NAME_CHARS)
    kinds = [kind for kind in ("clinic", "home") if kind in plans]
    return {
        "kind": "plan",
        "header": header,
        "footer": {"left": f"Treatment plan · {code}", "right": day.isoformat()},
        "plans": [_plan_block(kind, plans[kind]) for kind in kinds],
        "no_home": None if "home" in plans else "No home routine was chosen with this plan.",
        "aftercare": _aftercare("home" in plans),
        "expect": _expect(kinds),
    }


def comparison_sheet(
    months: int, *, start: dt.date | None = None, clinic: str | None = None
) -> dict[str, Any]:
    """The data of the printed comparison: clinic, home and both over ``months``."""
    day = start or dt.date.today()
    rows = compare_costs(months, start=day)
    currency = rows[0]["currency"] if rows else ""
    table = []
    for row in rows:
        cost, spent = row["cost"], row["minutes"]
        price = money(cost["min"], currency)
        if cost["max"] != cost["min"]:
            price += f" to {money(cost['max'], currency)}"
        hours = (
            f"{spent['min'] / _MINUTES_AN_HOUR:.0f} to {spent['max'] / _MINUTES_AN_HOUR:.0f} hours"
        )
        table.append(
            {
                "option": clean_text(row["option"]),
                "clinic": str(row["clinic_sessions"]),
                "home": str(row["home_sessions"]),
                "time": hours,
                "cost": price,
                "gives": clean_text(row["gives"]),
            }
        )
    sources = sorted({text for row in rows for text in row["sources"]})
    return {
        "kind": "comparison",
        "header": _header(f"Clinic and home, side by side: {months} months", None, day, clinic),
        "footer": {"left": f"Clinic and home over {months} months", "right": day.isoformat()},
        "labels": list(COMPARISON_LABELS),
        "rows": table,
        "note": f"{comparison_plans()} Prices are the clinic's own figures, and a home "
        "device is bought once. Nothing here promises more than the sources below say.",
        "sources": [clean_text(text) for text in sources],
    }


def plan_pdf(pages: Sequence[Mapping[str, Any]], *, paper: str | None = None) -> bytes:
    """Plan sheets and comparison pages as one PDF (each page kind starts a page)."""
    defaults = sheet_defaults()
    paper = (paper or defaults["paper"]).lower()
    if paper not in PAPERS:
        raise ExportError(f"paper: {paper!r} is not one of {', '.join(PAPERS)}")
    if not pages:
        raise ExportError("nothing to print")
    first = pages[0]["header"]
    payload = json.dumps(
        {
            "paper": PAPERS[paper],
            "fonts": defaults["fonts"],
            "title": " ".join(part for part in (first["title"], first["client"]) if part),
            "author": first["clinic"] or "protocol-tools",
            "pages": list(pages),
        },
        ensure_ascii=False,
    )
    pdf = compile_template(PLAN_TEMPLATE, payload, format="pdf")
    assert isinstance(pdf, bytes)
    return pdf

"""Printable session sheets: one page to work from beside the couch, then to file.

    >>> from protocol_tools import load_protocol, session_sheet, write_sheet_pdf
    >>> protocol = load_protocol("protocols/signature-lift-15.yaml")      # doctest: +SKIP
    >>> sheet = session_sheet(protocol, client="C-0042", date="2026-03-02")  # doctest: +SKIP
    >>> write_sheet_pdf("C-0042.pdf", [sheet], paper="letter")  # never replaces  # doctest: +SKIP

A sheet is for a client, so a draft protocol or one with errors (the one rule of
``protocols.readiness``, as for the guided session) is refused unless a draft is
asked for on purpose; a draft sheet says DRAFT on every page. Files are never
replaced unless asked (``replace=True``, ``--force``).

This module builds a sheet's data, one JSON-ready dict, from ``Protocol.timeline()``
(the steps), the screening (or its questions, to tick by hand), the face map and
``data/session_care.yaml`` and ``data/sheet.yaml``. ``render`` lays it out with
Typst, ``day`` makes a day's sheets from an appointments CSV, ``maker`` is the
notebook's view and ``cli`` the commands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..core.errors import ExportError
from ..core.text import minutes, number
from ..reference.data import reference, session_care, sheet_settings
from .last_visit import last_visit_block
from .text import MAX_NAME_CHARS, clean_text, later, long_date, parse_date

if TYPE_CHECKING:
    from ..protocols.model import Protocol

__all__ = [
    "DRAFT_MARK",
    "PAPERS",
    "SHEET_USE",
    "clean_text",
    "session_sheet",
    "sheet_defaults",
]

# The user's words for the paper, and typst's.
PAPERS = {"a4": "a4", "letter": "us-letter"}
# The fonts a sheet asks Typst for when data/sheet.yaml names none.
DEFAULT_FONTS = ("DejaVu Sans", "Libertinus Serif")

# How a sheet uses a protocol, in the readiness rule's words ("cannot be …").
SHEET_USE = "printed on a session sheet"
# Printed at the top of every page of a sheet made from a draft on purpose.
DRAFT_MARK = "DRAFT – not for use with a client"

_SIDES = {"left": "client's left", "right": "client's right", "both": "both sides"}
_SIDE_CELLS = {"left": "left", "right": "right", "both": "both"}
_KIND_LABELS = {"prep": "prep", "closing": "end"}
STEP_LABELS = (
    "#",
    "Zone",
    "Client's side",
    "Technique",
    "Direction",
    "Passes",
    "Time",
    "Set µA",
    "Done",
    "µA used",
    "Comfort",
)


# -- defaults ----------------------------------------------------------------------


def sheet_defaults() -> dict[str, Any]:
    """``data/sheet.yaml`` (checked by the reference loader): paper, clinic,
    practitioner and fonts, each blank one meaning the default."""
    settings = sheet_settings()
    return {
        "paper": (settings.paper or "").strip().lower() or "a4",
        "clinic": settings.clinic or "",
        "practitioner": settings.practitioner or "",
        "fonts": list(settings.fonts or DEFAULT_FONTS),
    }


# -- the sheet's data ----------------------------------------------------------------


def _screening_dict(screening: Any) -> dict[str, Any] | None:
    if screening is None:
        return None
    if isinstance(screening, Mapping):
        return dict(screening)
    data = screening.to_dict()
    wait_text = getattr(screening, "wait_text", "")
    if wait_text:
        data["wait_text"] = wait_text
    return data


def _outcome_words(outcome: str) -> tuple[str, str, str]:
    from ..screening.engine import OUTCOMES

    shown = OUTCOMES.get(outcome, {"icon": "", "title": outcome, "explain": ""})
    return clean_text(shown["icon"]), clean_text(shown["title"]), clean_text(shown["explain"])


def _screening_block(result: dict[str, Any] | None) -> dict[str, Any]:
    """The screening part of the sheet: the outcome, or the questions to tick."""
    if result is None:
        return _questions_block()
    icon, title, explain = _outcome_words(str(result.get("outcome", "")))
    reasons = []
    for reason in result.get("reasons") or []:
        r_icon, r_title, _ = _outcome_words(str(reason.get("outcome", "")))
        reasons.append(
            {
                "label": f"{r_icon} {r_title}".strip(),
                "reason": clean_text(reason.get("reason", "")),
                "question": clean_text(reason.get("question", "")),
                "source": clean_text(reason.get("source", "")),
            }
        )
    adjustments = [
        clean_text(item.get("text", item) if isinstance(item, Mapping) else item)
        for item in result.get("adjustments") or []
    ]
    earliest = parse_date(result.get("earliest_date"), "earliest_date")
    wait = result.get("wait_text") or ""
    intake_date = parse_date(result.get("date"), "screening date")
    return {
        "mode": "result",
        "outcome": str(result.get("outcome", "")),
        "icon": icon,
        "title": title,
        "explain": explain,
        "reasons": reasons,
        "adjustments": adjustments,
        "earliest_date": clean_text(wait)
        if wait and not earliest
        else (long_date(earliest) if earliest else None),
        "intake_date": long_date(intake_date) if intake_date else None,
    }


def _questions_block() -> dict[str, Any]:
    """Without an intake: the screening questions, each with the outcome a Yes leads to."""
    from ..screening.engine import OUTCOMES
    from ..screening.rules import screening_questions

    questions = []
    for question in screening_questions():
        icon, title, _ = _outcome_words(question["outcome"])
        questions.append(
            {"question": clean_text(question["question"]), "if_yes": f"{icon} {title}".strip()}
        )
    return {
        "mode": "questions",
        "instructions": "No intake form was given: ask the screening questions overleaf, "
        "then tick the outcome. The strongest outcome a Yes leads to decides.",
        "outcomes": [" ".join(_outcome_words(outcome)[:2]).strip() for outcome in OUTCOMES],
        "questions_note": "Ask every question on the day of the session and tick Yes or No.",
        "questions": questions,
    }


def _steps(protocol: Protocol) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]], str]:
    """The table rows, the face map's numbers and the map's description."""
    techniques = reference().techniques
    rows: list[dict[str, Any]] = []
    numbers: dict[tuple[str, str], list[str]] = {}
    order = 0
    for entry in protocol.timeline():
        seconds = number(entry.seconds, " s")
        if entry.kind != "treatment" or not entry.zone:
            action = entry.action or entry.zone_name or entry.kind
            rows.append(
                {
                    "kind": entry.kind,
                    "order": _KIND_LABELS.get(entry.kind, entry.kind),
                    "action": clean_text(action),
                    "seconds": seconds,
                }
            )
            continue
        order += 1
        technique = techniques.get(entry.technique or "")
        technique_text = technique.name if technique else (entry.technique or "")
        if entry.hold_seconds:
            technique_text += f", {number(entry.hold_seconds, ' s')}"
        direction = entry.direction or ""
        if entry.rewet_gel:
            direction = "Mist the gel first. " + direction
        rows.append(
            {
                "kind": "treatment",
                "order": str(order),
                "zone": clean_text(entry.zone_name),
                "side": _SIDE_CELLS.get(entry.side or "", entry.side or ""),
                "technique": clean_text(technique_text),
                "direction": clean_text(direction),
                "passes": number(entry.passes),
                "seconds": seconds,
                "current": number(entry.current_uA),
            }
        )
        halves = ("right", "left") if entry.side in (None, "both") else (entry.side,)
        for half in halves:
            numbers.setdefault((entry.zone, half), []).append(str(order))
    numbered = [(",".join(n), zone, half) for (zone, half), n in numbers.items()]
    zones = reference().zones
    described = "; ".join(
        f"{label}: {zones[zone].name if zone in zones else zone} ({_SIDES[half]})"
        for label, zone, half in numbered
    )
    return rows, numbered, described


def session_sheet(
    protocol: Protocol,
    *,
    screening: Any = None,
    date: dt.date | str | None = None,
    client: str | None = None,
    client_name: str | None = None,
    clinic: str | None = None,
    practitioner: str | None = None,
    draft: bool = False,
    last_visit: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The data of one session sheet, ready for :func:`render_sheets` (plain JSON).

    ``screening``: a screening result (``screen(intake)``) or its ``to_dict()``;
    without one the sheet prints the screening questions as tick boxes. ``date`` and
    ``client`` default to the screening's, then to today and a blank line. The
    client's name appears only when ``client_name`` is given.

    A draft protocol, or one with errors, raises :class:`ProtocolFileError` (the
    guided session's rule) unless ``draft=True``: the sheet is then marked DRAFT on
    every page, as it is whenever ``draft=True``.

    ``last_visit``: the settings carried forward from the client's last session
    (``records.history.carry_forward``); of this protocol, they print in a "Last
    visit" box above the steps.
    """
    from ..protocols.readiness import readiness_problem, screening_day_problem
    from ..views.facemap import face_map_svg

    problem = readiness_problem(protocol, use=SHEET_USE)
    if problem is not None and not draft:
        raise problem
    result = _screening_dict(screening)
    screened_on = parse_date((result or {}).get("date"), "screening date")
    day = parse_date(date, "date") or screened_on or dt.date.today()
    wrong_day = screened_on and screening_day_problem(screened_on, day, "the sheet")
    if wrong_day:
        raise ExportError(wrong_day)
    code_text = clean_text(_client_code(client, result))
    rows, numbered, described = _steps(protocol)
    people = {"client_name": client_name, "clinic": clinic, "practitioner": practitioner}
    return {
        "header": _header(protocol, day, code_text, people),
        "draft": draft,
        "footer": {
            "client": code_text or "client: ____",
            "protocol": clean_text(f"{protocol.name} {protocol.version}"),
            "date": day.isoformat(),
            # Read by the page header and background: on every page of the sheet.
            "draft_mark": DRAFT_MARK if draft else "",
        },
        "screening": _screening_block(result),
        "steps": rows,
        "step_labels": list(STEP_LABELS),
        "last_visit": last_visit_block(protocol, last_visit),
        "steps_note": "Tick Done as you finish each step; write the current you really "
        "used and how the client felt (comfortable, tingling, twitching, too strong).",
        "face_map": face_map_svg(numbered=numbered, title="Zones numbered in treatment order"),
        "face_map_alt": "Face map, zones numbered in treatment order: " + described,
        **_care_sections(protocol, day),
    }


def _header(
    protocol: Protocol, day: dt.date, code_text: str, people: Mapping[str, str | None]
) -> dict[str, Any]:
    """The sheet's heading; a clinic or practitioner not given comes from data/sheet.yaml."""
    defaults = sheet_defaults()
    clinic, practitioner = people["clinic"], people["practitioner"]
    client_name = people["client_name"]
    return {
        "clinic": clean_text(clinic if clinic is not None else defaults["clinic"], MAX_NAME_CHARS),
        "practitioner": clean_text(
            practitioner if practitioner is not None else defaults["practitioner"],
            MAX_NAME_CHARS,
        ),
        "client": code_text,
        "client_name": clean_text(client_name, MAX_NAME_CHARS) if client_name else None,
        "date": day.isoformat(),
        "date_long": long_date(day),
        "protocol": {
            "name": clean_text(protocol.name),
            "id": clean_text(protocol.id),
            "version": clean_text(protocol.version),
            "setting": protocol.setting,
        },
        "device_time": f"{minutes(protocol.device_seconds)} min",
        "session_time": f"{minutes(protocol.total_seconds)} min",
        "steps_count": len(protocol.steps),
    }


def _care_sections(protocol: Protocol, day: dt.date) -> dict[str, Any]:
    """Prep checklist, aftercare and next visit, dated from the session's day."""
    care = session_care()
    low_h, high_h = care.aftercare.window_hours.min, care.aftercare.window_hours.max
    items = list(care.aftercare.items)
    if protocol.setting == "home":
        items += care.aftercare.home_device_items
    low_w, high_w = care.next_visit.weeks.min, care.next_visit.weeks.max
    first_visit = later(day, low_w * 7, "next visit")
    last_visit = later(day, high_w * 7, "next visit")
    return {
        "prep": [clean_text(item.text) for item in care.prep_checklist],
        "aftercare": {
            "window": f"next {low_h}–{high_h} hours",
            "until": f"Until {long_date(later(day, high_h / 24, 'aftercare'))} "
            f"(at least until {long_date(later(day, low_h / 24, 'aftercare'))}):",
            "items": [clean_text(item) for item in items],
        },
        "next_visit": {
            "window": f"Between {long_date(first_visit)} and {long_date(last_visit)}",
            "note": f"{low_w}–{high_w} weeks after this session; results fade without maintenance.",
            "first": first_visit.isoformat(),
            "last": last_visit.isoformat(),
        },
    }


def _client_code(client: str | None, result: Mapping[str, Any] | None) -> str:
    """The sheet's client code: given, else the screening's; "" prints a blank line.

    A given code must be a client code (never a name) and, with a screening, the
    screened client's: a sheet must not carry one client's outcome under another.
    """
    from ..core.privacy import check_client_code

    screened = str((result or {}).get("client") or "")
    if client in (None, ""):
        return screened
    code = check_client_code(client, ExportError, "client")
    if screened and code != screened:
        raise ExportError(f"the intake is for client {screened}, not {code}")
    return code

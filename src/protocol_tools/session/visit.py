"""A client's visits as the guided session shows them: the last visits at a glance,
the settings carried forward from the last session, and last time's intake answers.

Plain data in, HTML out (every user string escaped); the app
(:mod:`~protocol_tools.session.app_client`) draws it::

    >>> history_html([])
    '<p class="pt-history-none"><strong>New client: no visits yet.</strong> ...'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.errors import RecordError
from ..core.privacy import check_client_code
from ..core.text import number
from ..protocols.model import Protocol
from ..records.history import export_record
from ..records.sessions import recover_open_visits
from ..records.store import RecordStore, comfort_levels
from ..reference.data import reference
from ..screening.engine import outcomes
from ..views.palette import BACKDROP, RULE

__all__ = [
    "TABLE_STYLE",
    "ClientHistory",
    "carried_html",
    "carried_rows",
    "history_html",
    "intake_from_last_visit",
    "load_history",
]

# How many visits the app shows at a glance.
SHOWN_VISITS = 5
TABLE_STYLE = (
    "<style>.pt-table{border-collapse:collapse;font-size:1rem;margin:.3rem 0}"
    ".pt-table th,.pt-table td{padding:.25rem .6rem;text-align:left;vertical-align:top;"
    f"border-bottom:1px solid {RULE}}}.pt-table th{{background:{BACKDROP}}}</style>"
)
# A visit's session, in words (the record's status is a code).
_SESSION_WORDS = {
    "finished": "Finished",
    "interrupted": "Interrupted (not finished)",
    "screened": "Screened only: no session",
    "open": "Still open",
}


@dataclasses.dataclass(frozen=True)
class ClientHistory:
    """What the record holds on one client, for the app.

    ``visits``: newest first (:func:`~protocol_tools.records.history.client_record`);
    ``carry``: the settings carried forward (``{}`` before a first session);
    ``last_intake``: ``(date, answers)`` of the newest visit that kept its intake.
    """

    code: str
    known: bool
    recovered: int = 0
    visits: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    carry: dict[str, Any] = dataclasses.field(default_factory=dict)
    last_intake: tuple[str, dict[str, Any]] | None = None


def load_history(store: RecordStore, code: str) -> ClientHistory:
    """Find ``code`` in the record; a session of theirs left open (a closed tab, a
    restarted kernel) is closed as interrupted first."""
    code = check_client_code(code, RecordError)
    recovered = recover_open_visits(store, code)
    if store.find_client(code) is None:
        return ClientHistory(code, known=False)
    record = export_record(store, code)
    visits = record["visits"]
    with_intake = [v for v in visits if v.get("intake")]
    # A client visit's answers before a rehearsal's.
    with_intake.sort(key=lambda visit: bool(visit["practice"]))
    last = (with_intake[0]["date"], dict(with_intake[0]["intake"])) if with_intake else None
    return ClientHistory(code, True, recovered, visits, record["carry_forward"], last)


def intake_from_last_visit(
    answers: Mapping[str, Any], code: str, today: dt.date, fields: Sequence[str]
) -> dict[str, Any]:
    """Last visit's answers for today's form: the same answers, but for ``code`` and
    ``today``, and only questions the form still asks (``fields``)::

        >>> intake_from_last_visit({"date": "2026-11-02", "pregnant": False, "old": 1},
        ...                        "C-7", dt.date(2026, 11, 23), ["client", "date", "pregnant"])
        {'date': datetime.date(2026, 11, 23), 'pregnant': False, 'client': 'C-7'}
    """
    kept = {name: value for name, value in answers.items() if name in fields}
    kept.update(client=code, date=today)
    return kept


# -- the last visits at a glance --------------------------------------------------


def _where(step: Mapping[str, Any]) -> str:
    zone = reference().zones.get(step.get("zone") or "")
    name = zone.name if zone else (step.get("zone") or "")
    side = f" ({step['side']})" if step.get("side") else ""
    return f"step {step['step']} {name}{side}"


def _changes(visit: Mapping[str, Any]) -> str:
    parts = []
    for step in visit["steps"]:
        if step["kind"] != "treatment":
            continue  # a prep or closing step skipped changes nothing for the client
        if step["skipped"]:
            parts.append(f"{_where(step)}: skipped")
        elif step["current_uA"] is not None and step["current_uA"] != step["planned_uA"]:
            was, now = number(step["planned_uA"]), number(step["current_uA"], " µA")
            parts.append(f"{_where(step)}: {was} → {now}")
    return "; ".join(parts) or "Nothing"


def _comfort(visit: Mapping[str, Any]) -> str:
    """The least comfortable level recorded, with its steps."""
    levels = list(comfort_levels())
    felt = [(s["comfort"], s["step"]) for s in visit["steps"] if s["comfort"] in levels]
    if not felt:
        return "Not recorded"
    strongest = max(levels.index(level) for level, _step in felt)
    steps = [str(step) for level, step in felt if levels.index(level) == strongest]
    words = comfort_levels()[levels[strongest]]
    return f"{words} ({'step' if len(steps) == 1 else 'steps'} {', '.join(steps)})"


def _outcome(outcome: str | None) -> str:
    shown = outcomes().get(outcome or "")
    return f"{shown['icon']} {shown['title']}" if shown else "Not screened"


def history_html(
    visits: Sequence[Mapping[str, Any]], names: Mapping[str, str] | None = None
) -> str:
    """The newest visits as a table (practice runs labelled), or "New client"."""
    if not visits:
        return (
            '<p class="pt-history-none"><strong>New client: no visits yet.</strong> '
            "The client is added to the record when the visit is stored.</p>"
        )
    names = names or {}
    rows = []
    for visit in visits[:SHOWN_VISITS]:
        kind = "<strong>Practice</strong>" if visit["practice"] else "Client visit"
        protocol = visit["protocol"] or ""
        shown = f"{names.get(protocol, protocol)} {visit['protocol_version'] or ''}".strip()
        cells = [
            html.escape(visit["date"]),
            kind,
            html.escape(shown or "—"),
            html.escape(_outcome(visit["outcome"])),
            html.escape(_SESSION_WORDS.get(visit["status"], visit["status"] or "")),
            html.escape(_changes(visit)),
            html.escape(_comfort(visit)),
        ]
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = (
        "Date",
        "Visit",
        "Protocol",
        "Screening",
        "Session",
        "Turned down or skipped",
        "Comfort",
    )
    more = len(visits) - SHOWN_VISITS
    tail = f"<p><small>…and {more} earlier visits in the record.</small></p>" if more > 0 else ""
    return (
        f"{TABLE_STYLE}<table class='pt-table pt-history'><caption>The last visits, "
        "newest first</caption><thead><tr>"
        + "".join(f"<th scope='col'>{text}</th>" for text in head)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>{tail}"
    )


# -- carried forward ------------------------------------------------------------------


def _merged(steps: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Several carried steps on one zone and side as one: the lowest current used,
    skipped if any was, the least comfortable level, every note."""
    levels = list(comfort_levels())
    used = [s["current_uA"] if s["current_uA"] is not None else s["planned_uA"] for s in steps]
    felt = [s["comfort"] for s in steps if s["comfort"] in levels]
    return {
        "used_uA": min((u for u in used if u is not None), default=None),
        "skipped": any(s["skipped"] for s in steps),
        "comfort": max(felt, key=levels.index) if felt else None,
        "note": "; ".join(s["note"] for s in steps if s["note"]) or None,
    }


def carried_rows(carry: Mapping[str, Any], protocol: Protocol) -> tuple[bool, list[dict]]:
    """``(by_step, rows)``: the steps of ``protocol`` whose last session differed
    (another current, skipped, a note, or a comfort past the mildest).

    The same protocol and version are matched step by step; otherwise by zone and
    side (``by_step`` False): the client's zones are the client's, whatever the protocol.
    """
    carried = carry.get("steps") or []
    by_step = (carry.get("protocol"), carry.get("protocol_version")) == (
        protocol.id,
        protocol.version,
    )
    mildest = next(iter(comfort_levels()), None)
    rows = []
    for entry in protocol.timeline():
        if entry.kind != "treatment":
            continue
        same = [
            s
            for s in carried
            if (s["zone"], s["side"]) == (entry.zone, entry.side)
            and (not by_step or s["step"] == entry.step)
        ]
        if not same:
            continue
        last = _merged(same)
        differs = (
            last["used_uA"] != entry.current_uA
            or last["skipped"]
            or last["note"]
            or last["comfort"] not in (None, mildest)
        )
        if differs:
            rows.append(
                {
                    "step": entry.step,
                    "zone": entry.zone_name,
                    "side": entry.side,
                    "planned_uA": entry.current_uA,
                    **last,
                }
            )
    return by_step, rows


def _carried_intro(
    carry: Mapping[str, Any], protocol: Protocol, by_step: bool, names: Mapping[str, str]
) -> str:
    """Why the carried settings are matched by zone: another protocol, or a new version."""
    day = html.escape(carry["from_visit"])
    other = carry["protocol"]
    if other != protocol.id:
        named = html.escape(f"{names.get(other, other)} ({other})")
        return (
            f"<p>The last session ({day}) used another protocol, <strong>{named}</strong>: "
            "its settings belong to that protocol. Below, only the zones and sides this "
            "protocol works too.</p>"
        )
    if not by_step:
        return (
            f"<p>The protocol changed since {day} (version "
            f"{html.escape(carry['protocol_version'] or '?')} then, {html.escape(protocol.version)}"
            " now): the settings are matched by zone and side.</p>"
        )
    return ""


def carried_html(
    carry: Mapping[str, Any], protocol: Protocol | None, names: Mapping[str, str] | None = None
) -> str:
    """The "Carried forward from <date>" table: what last session changed, against
    ``protocol`` ("" before a client's first session)."""
    if not carry or protocol is None:
        return ""
    day = html.escape(carry["from_visit"])
    by_step, rows = carried_rows(carry, protocol)
    intro = _carried_intro(carry, protocol, by_step, names or {})
    heading = f"<h4>Carried forward from {day}</h4>"
    if not rows:
        nothing = (
            "Nothing differs from the protocol: last session every step ran at the "
            "protocol's current, none was skipped and no discomfort or note was recorded."
            if by_step
            else "Nothing to carry over: on the zones both protocols work, last session used "
            "this protocol's currents, skipped nothing and recorded no discomfort or note."
        )
        return f"{heading}{intro}<p class='pt-carried-none'>{nothing}</p>"
    levels = comfort_levels()
    body = []
    for row in rows:
        used = "—" if row["used_uA"] is None else number(row["used_uA"], " µA")
        cells = [
            str(row["step"]),
            html.escape(row["zone"]),
            html.escape(row["side"] or ""),
            f"{html.escape(number(row['planned_uA'], ' µA'))} → {html.escape(used)}",
            "Yes, skipped" if row["skipped"] else "No",
            html.escape(levels.get(row["comfort"] or "", "Not recorded")),
            html.escape(row["note"] or ""),
        ]
        body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = (
        "Step",
        "Zone",
        "Side",
        "Current: protocol → last time",
        "Skipped last time",
        "Comfort last time",
        "Note",
    )
    return (
        f"{TABLE_STYLE}{heading}{intro}<p>Only the steps where last session differed from "
        "the protocol. Set the device to last time's current at these steps, and record "
        "each change on the timer.</p><table class='pt-table pt-carried'><thead><tr>"
        + "".join(f"<th scope='col'>{text}</th>" for text in head)
        + f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )

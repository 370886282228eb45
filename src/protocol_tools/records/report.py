"""The client record as people read it on a terminal: the client list and one
client's whole record, newest visit first, in plain words (no internal ids).

Both take the plain data of :mod:`.history` (the same the JSON output prints)::

    >>> print(clients_text([{"client": "C-0042", "visits": 2, "last_visit": "2026-11-02",
    ...                      "next_due": {"from": "2026-11-30", "by": "2026-12-14"}}]))
    client  visits  last visit  next due
    ------  ------  ----------  ------------------------
    C-0042       2  2026-11-02  2026-11-30 to 2026-12-14
    >>> print(clients_text([]))
    No clients in the record yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ..core.text import number
from ..reference.data import reference
from .history import RAN, next_due
from .store import comfort_levels

__all__ = ["PRACTICE_MARK", "STATUS_WORDS", "clients_text", "record_text", "table"]

# How a practice run (a rehearsal or a synthetic client) is marked wherever it is listed.
PRACTICE_MARK = "practice (not a client visit)"
STATUS_WORDS = {
    "screened": "screened only, no session",
    "open": "session open (running, or left open)",
    "finished": "finished",
    "interrupted": "stopped before the end",
}
_MAX_CELL = 60


def table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """A plain-text table: text left-aligned, numbers right-aligned."""
    cells = [[c if len(c) <= _MAX_CELL else c[: _MAX_CELL - 1] + "…" for c in r] for r in rows]
    widths = [max(len(x) for x in column) for column in zip(header, *cells, strict=False)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if i in numeric else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, cells)])


def _due(due: Mapping[str, str] | None) -> str:
    return f"{due['from']} to {due['by']}" if due else ""


def clients_text(rows: Sequence[Mapping[str, Any]], names: Mapping[str, str] | None = None) -> str:
    """The client list: code, client visits, the last one and when the next is due;
    with ``names`` (only when asked for), each client's display name too."""
    if not rows:
        return "No clients in the record yet."
    header = ["client", "visits", "last visit", "next due"]
    body = [
        [row["client"], str(row["visits"]), row["last_visit"] or "", _due(row["next_due"])]
        for row in rows
    ]
    if names is not None:
        header.insert(1, "name")
        for row, cells in zip(rows, body, strict=True):
            cells.insert(1, names.get(row["client"]) or "")
    return table(header, body, numeric={2 if names is not None else 1})


def _zone(code: str | None, kind: str | None = None) -> str:
    if not code:
        return kind or ""
    zones = reference().zones
    return zones[code].name if code in zones else code


def _comfort(level: str | None) -> str:
    return comfort_levels().get(level, level) if level else ""


def _outcome(outcome: str | None) -> str:
    if not outcome:
        return "no screening stored"
    from ..screening.engine import outcomes

    shown = outcomes().get(outcome)
    return f"{shown['icon']} {shown['title']}" if shown else outcome


def _used(step: Mapping[str, Any]) -> str:
    return "skipped" if step["skipped"] else number(step["current_uA"])


def _summary(record: Mapping[str, Any], show_name: bool) -> list[str]:
    visits = record["visits"]
    real = [v for v in visits if not v["practice"] and v["status"] in RAN]
    practice = sum(1 for v in visits if v["practice"])
    lines = [f"Client {record['client']}"]
    if show_name:
        lines[0] += f" ({record.get('display_name') or 'no name kept'})"
    count = f"{len(real)} client visit{'s' if len(real) != 1 else ''}"
    if real:
        last = max(v["date"] for v in real)
        due = next_due(dt.date.fromisoformat(last))
        count += f", the last on {last}" + (f"; next due {_due(due)}" if due else "")
    lines.append(count)
    if practice:
        runs = f"{practice} practice runs" if practice != 1 else "1 practice run"
        lines.append(f"{runs}, not counted as client visits")
    return lines


def _carried(carried: Mapping[str, Any]) -> list[str]:
    if not carried:
        return ["Nothing carries forward yet: no session has been recorded."]
    rows = [
        [
            str(step["step"]),
            _zone(step["zone"]),
            step["side"] or "",
            number(step["planned_uA"]),
            _used(step),
            _comfort(step["comfort"]),
            step["note"] or "",
        ]
        for step in carried["steps"]
    ]
    head = ["step", "zone", "side", "planned µA", "µA used", "comfort", "note"]
    return [
        f"The next visit starts from the session of {carried['from_visit']} "
        f"({carried['protocol']} {carried['protocol_version']}):",
        _indent(table(head, rows, numeric={0, 3, 4})),
    ]


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.splitlines())


def _visit(visit: Mapping[str, Any]) -> list[str]:
    status = STATUS_WORDS.get(visit["status"], visit["status"])
    if visit["protocol"]:
        status = f"{visit['protocol']} {visit['protocol_version']}, {status}"
    lines = [f"{visit['date']}: {status}"]
    if visit["practice"]:
        lines[0] += f"; {PRACTICE_MARK}"
    lines.append(f"  Screening: {_outcome(visit['outcome'])}")
    if visit["override_reason"]:
        note = "; the doctor's note is on file" if visit["doctor_note_on_file"] else ""
        lines.append(f"  Screening overridden: {visit['override_reason']}{note}")
    if visit["speed"] not in (None, 1, 1.0):
        lines.append(f"  Run at {number(visit['speed'])}× speed (a rehearsal)")
    if visit["steps"]:
        lines.append(_indent(_steps_table(visit["steps"])))
    for change in visit["adjustments"]:
        did = "skipped" if change["skipped"] else f"{number(change['current_uA'])} µA used"
        lines.append(f"  Changed at step {change['step']}: {did}")
    return lines


def _steps_table(steps: Sequence[Mapping[str, Any]]) -> str:
    rows = [
        [
            str(step["step"]),
            _zone(step["zone"], step["kind"]),
            step["side"] or "",
            number(step["planned_s"], " s"),
            number(None if step["actual_s"] is None else round(step["actual_s"], 1), " s"),
            number(step["planned_uA"]),
            _used(step) if step["outcome"] != "not reached" or step["skipped"] else "",
            _comfort(step["comfort"]),
            step["outcome"] or "",
            step["note"] or "",
        ]
        for step in steps
    ]
    head = ["step", "zone", "side", "planned", "actual", "planned µA", "µA used", "comfort"]
    return table([*head, "outcome", "note"], rows, numeric={0, 3, 4, 5, 6})


def record_text(record: Mapping[str, Any], *, show_name: bool = False) -> str:
    """One client's record (``history.client_record``) as text, newest visit first.
    The display name is printed only with ``show_name``."""
    lines = [*_summary(record, show_name), "", *_carried(record["carry_forward"]), ""]
    if record["visits"]:
        lines.append("Visits, newest first:")
        for visit in record["visits"]:
            lines.extend(["", *_visit(visit)])
    else:
        lines.append("No visits recorded.")
    if record["sheets"]:
        lines.extend(["", "Sheets printed:"])
        lines.extend(
            f"  {sheet['printed_at'][:10]}  {sheet['file']}"
            + (f"  ({sheet['protocol']})" if sheet["protocol"] else "")
            for sheet in record["sheets"]
        )
    return "\n".join(lines)

"""One client's record shaped for people: the rows of the client page's tables and the
series of its charts. Plain data only (no widgets, no plotly): the page draws it.

Input is :func:`.history.client_record` (visits newest first). Tables keep that
order; chart series run oldest first, along the time axis. Practice runs
(rehearsals, synthetic clients) are listed in the tables, marked in words, and
left out of the charts: they are not the client's treatment.

    >>> record = {"client": "C-0042", "display_name": None, "sheets": [], "visits": [
    ...     {"date": "2026-11-23", "protocol": "express-10", "protocol_version": "1.0.0",
    ...      "status": "finished", "outcome": "proceed", "practice": False, "speed": 1.0,
    ...      "steps": [
    ...          {"step": 3, "kind": "treatment", "zone": "under-eyes", "side": "right",
    ...           "planned_s": 60.0, "actual_s": 58.0, "planned_uA": 150.0, "current_uA": 120.0,
    ...           "comfort": "tingling", "skipped": False, "outcome": "done", "note": None},
    ...          {"step": 4, "kind": "treatment", "zone": "under-eyes", "side": "left",
    ...           "planned_s": 60.0, "actual_s": None, "planned_uA": 150.0,
    ...           "current_uA": 150.0, "comfort": None, "skipped": True,
    ...           "outcome": "skipped", "note": "red skin"}]}]}
    >>> row = visit_rows(record)[0]
    >>> row["outcome"], row["kind"], row["planned"], row["done"]
    ('✔ May be treated', 'Client visit', '2:00', '0:58')
    >>> row["comfort"], row["adjustments"]
    ('Tingling, still comfortable ×1', '1 turned down, 1 skipped')
    >>> (series,) = current_series(record)
    >>> series.name, series.dates, series.values, series.details
    ('Under-eyes', ['2026-11-23'], [120.0], ["client's right 120 µA, client's left skipped"])
    >>> for row in adjustment_rows(record):
    ...     print(row["zone"], "|", row["change"], "| skipped:", row["skipped"], "|", row["note"])
    Under-eyes, client's right | 150 → 120 µA | skipped: no | —
    Under-eyes, client's left | 150 µA | skipped: yes | red skin
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.text import minutes, number
from ..reference.data import reference
from ..screening.engine import outcomes
from .history import RAN
from .report import PRACTICE_MARK, STATUS_WORDS
from .store import comfort_levels

__all__ = [
    "NO_ENTRY",
    "ZoneSeries",
    "adjustment_rows",
    "comfort_scale",
    "comfort_series",
    "current_series",
    "sheet_rows",
    "visit_rows",
    "zone_name",
]

NO_ENTRY = "—"
def _status_words(status: str) -> str:
    """A visit's status as the page's table says it (the report's words, capitalised)."""
    return STATUS_WORDS.get(status, status).capitalize()


_SIDE_WORDS = {"left": "client's left", "right": "client's right", "both": "both sides"}


@dataclass(frozen=True)
class ZoneSeries:
    """One zone across the client's sessions: a point per session, oldest first.

    ``values`` may hold None (the zone was skipped, or nothing was recorded): a gap.
    ``details`` says in words what each point stands for (each side's reading).
    """

    zone: str
    name: str
    dates: list[str] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


def zone_name(zone: str | None) -> str:
    """A zone's name as people know it (its id if the data no longer has it)."""
    if not zone:
        return ""
    known = reference().zones.get(zone)
    return known.name if known is not None else zone


def _side(side: str | None) -> str:
    return _SIDE_WORDS.get(side or "", "")


def _where(step: Mapping[str, Any]) -> str:
    side = _side(step.get("side"))
    return f"{zone_name(step.get('zone'))}, {side}" if side else zone_name(step.get("zone"))


def _outcome_words(outcome: str | None) -> str:
    if not outcome:
        return "No screening recorded"
    shown = outcomes().get(outcome)
    return f"{shown['icon']} {shown['title']}" if shown else outcome


def _kind_words(visit: Mapping[str, Any]) -> str:
    if not visit.get("practice"):
        return "Client visit"
    mark = PRACTICE_MARK[:1].upper() + PRACTICE_MARK[1:]
    speed = visit.get("speed") or 1
    return mark if speed == 1 else f"{mark}, a rehearsal at {number(speed)}× speed"


def _comfort_summary(steps: Sequence[Mapping[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for step in steps:
        if step.get("comfort"):
            counts[step["comfort"]] = counts.get(step["comfort"], 0) + 1
    levels = comfort_levels()
    parts = [f"{words} ×{counts[level]}" for level, words in levels.items() if level in counts]
    parts += [f"{level} ×{n}" for level, n in counts.items() if level not in levels]
    return " · ".join(parts) or NO_ENTRY


def _changed(step: Mapping[str, Any]) -> bool:
    used, planned = step.get("current_uA"), step.get("planned_uA")
    return used is not None and planned is not None and used != planned


def _adjustment_summary(steps: Sequence[Mapping[str, Any]]) -> str:
    down = sum(1 for s in steps if _changed(s) and s["current_uA"] < s["planned_uA"])
    up = sum(1 for s in steps if _changed(s) and s["current_uA"] > s["planned_uA"])
    skipped = sum(1 for s in steps if s.get("skipped"))
    parts = [
        f"{count} {words}"
        for count, words in ((down, "turned down"), (up, "turned up"), (skipped, "skipped"))
        if count
    ]
    return ", ".join(parts) or "None"


def _protocol_words(visit: Mapping[str, Any]) -> str:
    if not visit.get("protocol"):
        return NO_ENTRY
    version = visit.get("protocol_version")
    return f"{visit['protocol']} (version {version})" if version else str(visit["protocol"])


def visit_rows(record: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per visit, newest first, every cell in words: date, protocol,
    outcome (icon and words), session, kind (client visit or practice), minutes
    planned and done (m:ss), comfort and adjustments."""
    rows = []
    for visit in record["visits"]:
        steps = visit["steps"]
        done = [s["actual_s"] for s in steps if s.get("actual_s") is not None]
        rows.append(
            {
                "date": visit["date"],
                "protocol": _protocol_words(visit),
                "outcome": _outcome_words(visit.get("outcome")),
                "session": _status_words(visit.get("status") or ""),
                "kind": _kind_words(visit),
                "planned": minutes(sum(s["planned_s"] for s in steps)) if steps else NO_ENTRY,
                "done": minutes(sum(done)) if done else NO_ENTRY,
                "comfort": _comfort_summary(steps),
                "adjustments": _adjustment_summary(steps),
            }
        )
    return rows


def _charted_visits(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The client's real sessions, oldest first."""
    ran = [v for v in record["visits"] if not v.get("practice") and v.get("status") in RAN]
    return list(reversed(ran))


def _zone_order(zones: set[str]) -> list[str]:
    known = [zone for zone in reference().zones if zone in zones]
    return known + sorted(zones - set(known))


def _series(record: Mapping[str, Any], point) -> list[ZoneSeries]:
    """A series per treated zone: ``point(steps of that zone) -> (value, detail)``."""
    visits = _charted_visits(record)
    zones = {
        s["zone"] for v in visits for s in v["steps"] if s.get("kind") == "treatment" and s["zone"]
    }
    out = []
    for zone in _zone_order(zones):
        series = ZoneSeries(zone, zone_name(zone))
        for visit in visits:
            steps = [s for s in visit["steps"] if s.get("zone") == zone]
            if not steps:
                continue
            value, detail = point(steps)
            series.dates.append(visit["date"])
            series.values.append(value)
            series.details.append(detail)
        out.append(series)
    return out


def _current_point(steps: Sequence[Mapping[str, Any]]) -> tuple[float | None, str]:
    used = [s["current_uA"] for s in steps if not s.get("skipped") and s.get("current_uA")]
    parts = []
    for step in steps:
        side = _side(step.get("side")) or "the zone"
        reading = "skipped" if step.get("skipped") else number(step.get("current_uA"), " µA")
        parts.append(f"{side} {reading or 'not recorded'}")
    return (sum(used) / len(used) if used else None), ", ".join(parts)


def current_series(record: Mapping[str, Any]) -> list[ZoneSeries]:
    """The current used per zone (µA) across the client's sessions, oldest first.

    A zone treated on both sides in one session gives the mean of its sides (each
    side's reading is in ``details``); a zone skipped everywhere that day is a gap.
    """
    return _series(record, _current_point)


def comfort_scale() -> list[str]:
    """The comfort answers in words, mildest first: the comfort chart's axis (index 0 up)."""
    return list(comfort_levels().values())


def _comfort_point(steps: Sequence[Mapping[str, Any]]) -> tuple[float | None, str]:
    levels = list(comfort_levels())
    words = comfort_levels()
    found = [levels.index(s["comfort"]) for s in steps if s.get("comfort") in words]
    parts = [
        f"{_side(s.get('side')) or 'the zone'}: {words.get(s.get('comfort') or '', 'not asked')}"
        for s in steps
    ]
    return (float(max(found)) if found else None), "; ".join(parts)


def comfort_series(record: Mapping[str, Any]) -> list[ZoneSeries]:
    """How each zone felt across the client's sessions, oldest first: the index in
    :func:`comfort_scale` of the strongest answer of that session (a gap if none)."""
    return _series(record, _comfort_point)


def adjustment_rows(record: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every step whose current was changed, that was skipped or has a note, newest
    visit first: date (practice marked), step, zone and side, planned → used, skipped,
    note."""
    rows = []
    for visit in record["visits"]:
        for step in visit["steps"]:
            if not (_changed(step) or step.get("skipped") or step.get("note")):
                continue
            planned, used = step.get("planned_uA"), step.get("current_uA")
            change = (
                f"{number(planned)} → {number(used, ' µA')}"
                if _changed(step)
                else number(used if used is not None else planned, " µA") or NO_ENTRY
            )
            rows.append(
                {
                    "date": visit["date"] + (" (practice)" if visit.get("practice") else ""),
                    "step": str(step["step"]),
                    "zone": _where(step) or NO_ENTRY,
                    "change": change,
                    "skipped": "yes" if step.get("skipped") else "no",
                    "note": step.get("note") or NO_ENTRY,
                }
            )
    return rows


def sheet_rows(record: Mapping[str, Any]) -> list[dict[str, str]]:
    """The sheets printed for the client, newest first: file, protocol, when (UTC).

    >>> sheet_rows({"sheets": [{"file": "C-0042_express-10.pdf", "protocol": None,
    ...                         "printed_at": "2026-11-23T14:05:09+00:00"}]})
    [{'file': 'C-0042_express-10.pdf', 'protocol': '—', 'printed': '2026-11-23 14:05 UTC'}]
    """
    rows = []
    for sheet in record["sheets"]:
        moment = dt.datetime.fromisoformat(sheet["printed_at"]).astimezone(dt.UTC)
        rows.append(
            {
                "file": sheet["file"],
                "protocol": sheet.get("protocol") or NO_ENTRY,
                "printed": moment.strftime("%Y-%m-%d %H:%M UTC"),
            }
        )
    return rows

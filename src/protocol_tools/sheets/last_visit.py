"""The sheet's "Last visit" box: what the client's last session of this protocol came to,
per zone (the current used, a zone skipped, how it felt, the note), so today's session
starts from it. The settings come from the client record (``history.carry_forward``).

    >>> from protocol_tools import load_protocol
    >>> protocol = load_protocol("protocols/signature-lift-15.yaml")
    >>> carried = {"from_visit": "2026-11-02", "protocol": "signature-lift-15",
    ...            "protocol_version": "1.0.0", "steps": [
    ...     {"step": 3, "zone": "jawline", "side": "right", "planned_uA": 300,
    ...      "current_uA": 250, "skipped": False, "comfort": "twitching", "note": None}]}
    >>> block = last_visit_block(protocol, carried)
    >>> block["title"], block["rows"][0]["order"], block["rows"][0]["used"]
    ('Last visit: Mon 2 Nov 2026', '1', '250')
    >>> last_visit_block(protocol, {}) is None
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..core.text import number
from ..reference.data import reference, session_care
from .text import clean_text, long_date, parse_date

if TYPE_CHECKING:
    from ..protocols.model import Protocol

__all__ = ["LAST_VISIT_LABELS", "last_visit_block"]

LAST_VISIT_LABELS = ("#", "Zone", "Client's side", "Set µA", "µA used", "Comfort", "Note")


def _treatment_numbers(protocol: Protocol) -> dict[tuple[int, str | None, str | None], str]:
    """Each treatment step's number on the sheet (1, 2, … in treatment order), by its
    timeline step, zone and side: a step of another version that moved is not matched."""
    numbers = {}
    for entry in protocol.timeline():
        if entry.kind == "treatment" and entry.zone:
            numbers[(entry.step, entry.zone, entry.side)] = str(len(numbers) + 1)
    return numbers


def last_visit_block(
    protocol: Protocol, carried: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The box's data, or None without settings carried from this protocol."""
    if not carried or carried.get("protocol") != protocol.id or not carried.get("steps"):
        return None
    numbers = _treatment_numbers(protocol)
    zones = reference().zones
    comfort = {level.id: level.text for level in session_care().comfort}
    rows = []
    for step in carried["steps"]:
        zone = step.get("zone")
        rows.append(
            {
                "order": numbers.get((step.get("step"), zone, step.get("side")), ""),
                "zone": clean_text(zones[zone].name if zone in zones else zone or ""),
                "side": clean_text(step.get("side") or ""),
                "planned": number(step.get("planned_uA")),
                "used": "skipped" if step.get("skipped") else number(step.get("current_uA")),
                "comfort": clean_text(comfort.get(step.get("comfort"), step.get("comfort") or "")),
                "note": clean_text(step.get("note") or ""),
            }
        )
    day = parse_date(carried.get("from_visit"), "last visit")
    version = carried.get("protocol_version")
    note = "The current used, zones skipped and how the client felt last time: start from these."
    if version and version != protocol.version:
        note += f" That session ran version {clean_text(version)} of this protocol."
    return {
        "title": f"Last visit: {long_date(day)}" if day else "Last visit",
        "note": note,
        "labels": list(LAST_VISIT_LABELS),
        "rows": rows,
    }

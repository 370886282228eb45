"""The treatment path over the face: where the probes go, step by step (pure).

>>> from protocol_tools import load_library
>>> path_stops(load_library()["express-10"])[0][:3]
(3, 'jawline', 'right')
"""

from __future__ import annotations

from ..protocols.model import Protocol
from ..reference.data import reference
from ..reference.geometry import face_geometry

__all__ = ["Stop", "path_stops", "path_text", "stops_text"]

# (step number, zone, half, [x, y]) of one stop of the probes.
Stop = tuple[int, str, str, list[float]]


def _halves(side: str | None) -> tuple[str, ...]:
    return ("right", "left") if side == "both" else ((side,) if side in ("left", "right") else ())


def path_stops(protocol: Protocol) -> list[Stop]:
    """Where the probes go, in order: (step number, zone, half, [x, y]) per stop.

    A step on both sides stops on the client's right half, then the left. A zone
    visited again is nudged so its numbers do not cover each other.
    """
    zones = face_geometry()["zones"]  # read only
    visits: dict[tuple[str, str], int] = {}
    stops: list[Stop] = []
    for entry in protocol.timeline():
        if entry.kind != "treatment" or entry.zone not in zones:
            continue
        for half in _halves(entry.side):
            x, y = zones[entry.zone][half]["label_point"]
            seen = visits.get((entry.zone, half), 0)
            visits[(entry.zone, half)] = seen + 1
            nudge = 7 * seen
            stops.append(
                (
                    entry.step,
                    entry.zone,
                    half,
                    [x + (nudge if half == "left" else -nudge), y + nudge],
                )
            )
    return stops


def path_text(protocol: Protocol) -> str:
    """The treatment path in words, for readers who cannot see the picture."""
    return stops_text(path_stops(protocol))


def stops_text(stops: list[Stop]) -> str:
    """:func:`path_text` of the stops :func:`path_stops` gave."""
    names = reference().zones
    parts = [
        f"{number}. {names[zone].name if zone in names else zone} (client's {half})"
        for number, zone, half, _ in stops
    ]
    return " → ".join(parts) if parts else "No treatment step yet."

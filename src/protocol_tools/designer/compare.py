"""Comparing two protocols, or two versions of one: steps added, removed, changed, moved.

>>> from protocol_tools import compare_protocols
>>> compare_protocols("express-10", "express-10").summary()
'no step differs'
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..core.text import number
from ..protocols.loading import resolve_protocol
from ..protocols.model import Protocol, Step
from .document import STEP_FIELDS
from .draft import ProtocolDraft

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ProtocolComparison",
    "StepChange",
    "ZoneTime",
    "compare_protocols",
    "describe_step",
    "shown_value",
]


@dataclass(frozen=True)
class StepChange:
    """One line of a comparison: a step added, removed, changed, moved or the same.

    ``old_index``/``new_index`` are 0-based; ``fields`` names what changed. A
    moved step stands elsewhere in the order with every field unchanged.
    """

    status: Literal["added", "removed", "changed", "moved", "same"]
    old_index: int | None
    new_index: int | None
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    fields: tuple[str, ...] = ()

    def field_changes(self) -> list[tuple[str, str, str]]:
        """(field, old, new) for each changed field, as a person reads the values."""
        old, new = self.old or {}, self.new or {}
        return [
            (name, shown_value(old.get(name)), shown_value(new.get(name))) for name in self.fields
        ]


@dataclass(frozen=True)
class ZoneTime:
    """Device seconds on one zone and side in each of the two protocols."""

    zone: str
    side: str
    old_seconds: float
    new_seconds: float

    @property
    def difference(self) -> float:
        return self.new_seconds - self.old_seconds


@dataclass
class ProtocolComparison:
    """How protocol ``new`` differs from ``old``, step by step and zone by zone."""

    old: Protocol
    new: Protocol
    steps: list[StepChange] = field(default_factory=list)

    @property
    def added(self) -> list[StepChange]:
        return [change for change in self.steps if change.status == "added"]

    @property
    def removed(self) -> list[StepChange]:
        return [change for change in self.steps if change.status == "removed"]

    @property
    def changed(self) -> list[StepChange]:
        return [change for change in self.steps if change.status == "changed"]

    @property
    def moved(self) -> list[StepChange]:
        return [change for change in self.steps if change.status == "moved"]

    @property
    def is_empty(self) -> bool:
        return all(change.status == "same" for change in self.steps)

    def summary(self) -> str:
        """ "1 added, 1 removed, 2 changed" (", 1 moved" when a step moved)."""
        if self.is_empty:
            return "no step differs"
        text = f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"
        return f"{text}, {len(self.moved)} moved" if self.moved else text

    def zone_times(self) -> list[ZoneTime]:
        """Device seconds per zone and side in both, in the order zones first appear."""
        old, new = self.old.zone_seconds(), self.new.zone_seconds()
        keys = list(dict.fromkeys([*old, *new]))
        return [
            ZoneTime(zone, side, old.get((zone, side), 0.0), new.get((zone, side), 0.0))
            for zone, side in keys
        ]

    def zone_frame(self) -> pd.DataFrame:
        """The zone times as a table of minutes."""
        import pandas as pd

        old_label = f"{self.old.id} {self.old.version}"
        new_label = f"{self.new.id} {self.new.version}"
        if old_label == new_label:
            old_label, new_label = f"A: {old_label}", f"B: {new_label}"
        rows = [
            {
                "zone": row.zone,
                "side": row.side,
                old_label: round(row.old_seconds / 60, 2),
                new_label: round(row.new_seconds / 60, 2),
                "difference": round(row.difference / 60, 2),
            }
            for row in self.zone_times()
        ]
        return pd.DataFrame(rows, columns=["zone", "side", old_label, new_label, "difference"])

    def lines(self) -> list[str]:
        """The comparison as plain text lines (what ``protocol-tools diff`` prints)."""
        out = [
            f"{self.old.id} {self.old.version} -> {self.new.id} {self.new.version}: "
            f"{self.summary()}"
        ]
        for change in self.steps:
            if change.status == "added":
                out.append(f"+ step {change.new_index + 1}: {describe_step(change.new)}")
            elif change.status == "removed":
                out.append(f"- step {change.old_index + 1}: {describe_step(change.old)}")
            elif change.status == "moved":
                out.append(
                    f"> step {change.old_index + 1} -> {change.new_index + 1}: "
                    f"{describe_step(change.new)} (moved)"
                )
            elif change.status == "changed":
                details = "; ".join(
                    f"{name} {old} -> {new}" for name, old, new in change.field_changes()
                )
                out.append(
                    f"~ step {change.old_index + 1} -> {change.new_index + 1}: "
                    f"{describe_step(change.new)} ({details})"
                )
        out.append("Device minutes per zone and side (A -> B):")
        for row in self.zone_times():
            out.append(
                f"  {row.zone:<18} {row.side:<6} {row.old_seconds / 60:6.2f} -> "
                f"{row.new_seconds / 60:6.2f}  ({row.difference / 60:+.2f})"
            )
        return out


def shown_value(value: Any) -> str:
    """A field's value as a person reads it: 75 not 75.0, yes/no, – for unset."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    return str(value)


def describe_step(step: dict[str, Any] | None) -> str:
    """A short description: "jawline right, glide-hold, 90 s" or "prep: Apply gel, 45 s"."""
    if not step:
        return ""
    seconds = f"{step.get('seconds', 0):g} s"
    if step.get("kind", "treatment") != "treatment":
        return f"{step.get('kind')}: {step.get('action') or ''}, {seconds}"
    return f"{step.get('zone')} {step.get('side')}, {step.get('technique')}, {seconds}"


def _step_key(step: dict[str, Any]) -> tuple[Any, ...]:
    return (
        step.get("kind", "treatment"),
        step.get("zone"),
        step.get("side"),
        step.get("technique"),
    )


def _step_data(step: Step) -> dict[str, Any]:
    data = step.model_dump(mode="json", exclude_none=True)
    if not data.get("rewet_gel"):
        data.pop("rewet_gel", None)
    return data


def _as_protocol(
    item: Protocol | ProtocolDraft | str | Path, library_dir: str | Path | None
) -> Protocol:
    if isinstance(item, Protocol):
        return item
    if isinstance(item, ProtocolDraft):
        return item.protocol()
    return resolve_protocol(item, library_dir)


def compare_protocols(
    old: Protocol | ProtocolDraft | str | Path,
    new: Protocol | ProtocolDraft | str | Path,
    library_dir: str | Path | None = None,
) -> ProtocolComparison:
    """Compare two protocols (or two versions): steps added, removed, changed, moved.

    Steps are matched by (kind, zone, side, technique) with difflib's
    SequenceMatcher. Where that finds a run of differing steps, a second matcher
    pairs them by (kind, zone, side) and what is left by position, so a step
    whose technique changed counts as changed, not as one removed and one added.
    A step removed in one place and added unchanged in another counts as moved.
    """
    old_protocol = _as_protocol(old, library_dir)
    new_protocol = _as_protocol(new, library_dir)
    old_steps = [_step_data(step) for step in old_protocol.steps]
    new_steps = [_step_data(step) for step in new_protocol.steps]
    changes: list[StepChange] = []
    for tag, a0, a1, b0, b1 in _opcodes(old_steps, new_steps, _step_key):
        if tag == "equal":
            pairs = list(zip(range(a0, a1), range(b0, b1), strict=True))
        elif tag == "replace":
            pairs = _pairs_in_block(old_steps, new_steps, range(a0, a1), range(b0, b1))
        else:
            pairs = []
        changes.extend(_block_changes(old_steps, new_steps, range(a0, a1), range(b0, b1), pairs))
    return ProtocolComparison(old_protocol, new_protocol, _with_moves(changes))


def _place_key(step: dict[str, Any]) -> tuple[Any, ...]:
    return _step_key(step)[:3]


def _opcodes(
    old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]], key: Any
) -> list[tuple[str, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(
        a=[key(s) for s in old], b=[key(s) for s in new], autojunk=False
    )
    return matcher.get_opcodes()


def _pairs_in_block(
    old_steps: list[dict[str, Any]],
    new_steps: list[dict[str, Any]],
    old_block: range,
    new_block: range,
) -> list[tuple[int, int]]:
    """Pairs of a replace block: same (kind, zone, side) first, then by position."""
    old_part = [old_steps[i] for i in old_block]
    new_part = [new_steps[j] for j in new_block]
    pairs: list[tuple[int, int]] = []
    for tag, a0, a1, b0, b1 in _opcodes(old_part, new_part, _place_key):
        if tag in ("equal", "replace"):
            pairs.extend(
                (old_block[i], new_block[j])
                for i, j in zip(range(a0, a1), range(b0, b1), strict=False)
            )
    return pairs


def _block_changes(
    old_steps: list[dict[str, Any]],
    new_steps: list[dict[str, Any]],
    old_block: range,
    new_block: range,
    pairs: list[tuple[int, int]],
) -> list[StepChange]:
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    changes = [
        StepChange("removed", i, None, old_steps[i], None) for i in old_block if i not in paired_old
    ]
    for i, j in pairs:
        fields = tuple(
            name for name in STEP_FIELDS if old_steps[i].get(name) != new_steps[j].get(name)
        )
        status = "changed" if fields else "same"
        changes.append(StepChange(status, i, j, old_steps[i], new_steps[j], fields))
    changes.extend(
        StepChange("added", None, j, None, new_steps[j]) for j in new_block if j not in paired_new
    )
    return changes


def _with_moves(changes: list[StepChange]) -> list[StepChange]:
    """Join a removed step and an identical added one into one moved step."""
    removed = [c for c in changes if c.status == "removed"]
    result: list[StepChange] = []
    taken: set[int] = set()
    for change in changes:
        if change.status == "added":
            match = next(
                (r for r in removed if r.old_index not in taken and r.old == change.new), None
            )
            if match is not None:
                taken.add(match.old_index)
                result.append(
                    StepChange("moved", match.old_index, change.new_index, match.old, change.new)
                )
                continue
        result.append(change)
    return [c for c in result if not (c.status == "removed" and c.old_index in taken)]

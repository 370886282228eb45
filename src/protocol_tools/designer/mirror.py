"""Mirroring a one-side block of treatment steps onto the other side of the face.

Pure functions over a draft's list of steps (round-trip mappings); the draft
checks the index first.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .document import STEP_FIELDS, fresh_map, plain, put_in_order
from .values import edit_error

__all__ = ["block_of", "mirror_block", "swap_sides"]

# Fields that belong to a step's place in the session, not to the work it does.
_KEPT_BY_PLACE = ("rewet_gel", "cue")
_SWAP_SIDES = re.compile(r"\b(left|right|Left|Right|LEFT|RIGHT)\b")
_SWAPPED = {
    "left": "right",
    "right": "left",
    "Left": "Right",
    "Right": "Left",
    "LEFT": "RIGHT",
    "RIGHT": "LEFT",
}


def swap_sides(text: str) -> str:
    """``text`` with left and right swapped: "Gel the left half" -> "Gel the right half"."""
    return _SWAP_SIDES.sub(lambda match: _SWAPPED[match.group(0)], text)


def _side_at(steps: CommentedSeq, index: int) -> str | None:
    step = steps[index]
    if step.get("kind", "treatment") != "treatment":
        return None
    side = step.get("side")
    return side if side in ("left", "right") else None


def _one_side(steps: CommentedSeq, index: int) -> str:
    side = _side_at(steps, index)
    if side is None:
        raise edit_error(
            "only a treatment step on the left or right side can be mirrored",
            ("steps", index, "side"),
        )
    return side


def block_of(steps: CommentedSeq, index: int) -> range:
    """The run of treatment steps on one side (left or right) around step ``index``."""
    side = _one_side(steps, index)
    start = end = index
    while start > 0 and _side_at(steps, start - 1) == side:
        start -= 1
    while end + 1 < len(steps) and _side_at(steps, end + 1) == side:
        end += 1
    return range(start, end + 1)


def mirror_block(steps: CommentedSeq, index: int) -> range:
    """Mirror the block around step ``index``; see ``ProtocolDraft.mirror_block``."""
    block = block_of(steps, index)
    other = "left" if _one_side(steps, index) == "right" else "right"
    mirrored = [_mirrored(steps[i], other) for i in block]
    zones = [steps[i].get("zone") for i in block]
    target = _matching_block(steps, zones, other, exclude=block)
    if target is None:
        start = block.stop
        for offset, step in enumerate(mirrored):
            steps.insert(start + offset, step)
        return range(start, start + len(mirrored))
    for offset, step in enumerate(mirrored):
        _replace_in_place(steps[target.start + offset], step)
    return target


def _replace_in_place(old: CommentedMap, step: CommentedMap) -> None:
    """Give ``old`` the fields of ``step``, keeping its place-bound fields and comments."""
    for key in _KEPT_BY_PLACE:
        step.pop(key, None)
        if key in old:
            put_in_order(step, key, copy.deepcopy(plain(old[key])), STEP_FIELDS)
    # Keep the comments the replaced steps carried (e.g. a section heading).
    # Key by key: CommentedMap.clear() leaves its own-key index stale.
    for key in list(old):
        del old[key]
    for key, value in step.items():
        old[key] = value


def _mirrored(step: CommentedMap, side: str) -> CommentedMap:
    copy_ = fresh_map(step.items())
    copy_["side"] = side
    copy_.pop("rewet_gel", None)
    for name in ("cue", "action"):
        if isinstance(copy_.get(name), str):
            copy_[name] = swap_sides(copy_[name])
    return copy_


def _matching_block(
    steps: CommentedSeq, zones: list[Any], side: str, exclude: range
) -> range | None:
    best: range | None = None
    index = 0
    while index < len(steps):
        if _side_at(steps, index) != side or index in exclude:
            index += 1
            continue
        block = block_of(steps, index)
        if [steps[i].get("zone") for i in block] == zones:
            # The nearest matching block wins (a protocol may repeat a block).
            distance = abs(block.start - exclude.start)
            if best is None or distance < abs(best.start - exclude.start):
                best = block
        index = block.stop
    return best

"""One edit at a time: a step's fields, its kind, the protocol-wide fields.

Each takes only values the format allows (zones and techniques from ``data/``,
the model's choices, positive numbers, short text) and keeps the model's field
order, so a saved file stays tidy.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..protocols.model import MAX_PASSES, MAX_STEP_SECONDS
from ..reference.data import reference
from .document import PROTOCOL_FIELDS, STEP_FIELDS, fresh_map, put_in_order
from .values import (
    KINDS,
    LONG_TEXT_MAX,
    SCOPES,
    SETTINGS,
    SHORT_TEXT_MAX,
    SIDES,
    check_choice,
    check_number,
    check_text,
    edit_error,
    shown_input,
)

__all__ = ["set_kind", "set_protocol_field", "set_step_field", "starting_step"]

_TEXT_FIELDS = {"action", "direction", "cue"}
_NUMBER_FIELDS = {"seconds", "hold_seconds", "current_uA", "frequency_hz"}
_TREATMENT_ONLY = (
    "zone",
    "side",
    "technique",
    "direction",
    "passes",
    "hold_seconds",
    "current_uA",
    "frequency_hz",
)


def starting_step(kind: str) -> CommentedMap:
    """A new step of ``kind`` with sensible starting values."""
    ref = reference()
    if kind != "treatment":
        return fresh_map(
            [("kind", kind), ("action", f"Describe this {kind} step"), ("seconds", 60)]
        )
    defaults = ref.limits["step_defaults"]
    return fresh_map(
        [
            ("zone", next(iter(ref.zones))),
            ("side", "right"),
            ("technique", next(iter(ref.techniques))),
            ("passes", defaults["passes"]),
            ("seconds", 60),
        ]
    )


def set_step_field(steps: CommentedSeq, index: int, name: str, value: Any) -> None:
    """Set one field of step ``index`` (a valid index); ``None`` removes an optional field.

    Only valid choices are taken: zones and techniques from ``data/``, the
    three sides and kinds, positive numbers, short text. Turning a step into
    prep or closing drops its device settings (and the reverse adds them).
    """
    step = steps[index]
    if not isinstance(name, str) or name not in STEP_FIELDS:
        path: tuple[Hashable, ...] = ("steps", index, str(name)[:40])
        raise edit_error(
            f"is not a step field; fields: {', '.join(STEP_FIELDS)}", path, "unknown-field"
        )
    path = ("steps", index, name)
    if name == "kind":
        set_kind(step, check_choice(value, KINDS, path))
        return
    if value is None or (isinstance(value, str) and not value.strip()):
        if name == "seconds":
            raise edit_error("is required", path, "missing-field")
        step.pop(name, None)
        return
    ref = reference()
    if name == "zone":
        value = check_choice(value, ref.zones, path)
    elif name == "technique":
        value = check_choice(value, ref.techniques, path)
    elif name == "side":
        value = check_choice(value, SIDES, path)
    elif name == "passes":
        value = check_number(value, path, whole=True, at_most=MAX_PASSES)
    elif name == "seconds":
        value = check_number(value, path, at_most=MAX_STEP_SECONDS)
    elif name in _NUMBER_FIELDS:
        value = check_number(value, path)
    elif name == "rewet_gel":
        if not isinstance(value, bool):
            raise edit_error("must be true or false", path, "wrong-type")
        if not value:
            step.pop(name, None)
            return
    elif name in _TEXT_FIELDS:
        value = check_text(value, path, SHORT_TEXT_MAX)
    put_in_order(step, name, value, STEP_FIELDS)


def set_kind(step: CommentedMap, kind: str) -> None:
    """Make ``step`` a ``kind`` step: a prep or closing step has no device settings."""
    current = step.get("kind", "treatment")
    if kind == current:
        return
    if kind == "treatment":
        step.pop("kind", None)  # treatment is the default; library files leave it out
        step.pop("action", None)
        for name, value in starting_step("treatment").items():
            if name not in step:
                put_in_order(step, name, value, STEP_FIELDS)
        return
    for name in _TREATMENT_ONLY:
        step.pop(name, None)
    put_in_order(step, "kind", kind, STEP_FIELDS)
    if "action" not in step:
        put_in_order(step, "action", f"Describe this {kind} step", STEP_FIELDS)


def set_protocol_field(document: CommentedMap, name: str, value: Any) -> None:
    """Set a protocol-wide field: name, summary, setting, scope, target_minutes,
    author, description, ``defaults.current_uA`` or ``defaults.frequency_hz``."""
    if not isinstance(name, str):
        raise edit_error(f"is not a field name ({shown_input(name)})", (), "unknown-field")
    path: tuple[Hashable, ...] = tuple(name.split("."))
    if name.startswith("defaults."):
        _set_default(document, name.split(".", 1)[1], value, path)
        return
    if name in ("name", "summary", "author", "description"):
        long_text = name == "description"
        text = check_text(
            "" if value is None else value,
            path,
            LONG_TEXT_MAX if long_text else SHORT_TEXT_MAX,
            lines=long_text,
        )
        if not text:
            if name in ("name", "summary"):
                raise edit_error("must not be empty", path)
            document.pop(name, None)
            return
        value = text
    elif name == "setting":
        value = check_choice(value, SETTINGS, path)
    elif name == "scope":
        value = check_choice(value, SCOPES, path)
    elif name == "target_minutes":
        if value is None:
            document.pop(name, None)
            return
        value = check_number(value, path)
    else:
        raise edit_error(
            "cannot be set here (ids and versions change when you save)", path, "unknown-field"
        )
    put_in_order(document, name, value, PROTOCOL_FIELDS)


def _set_default(document: CommentedMap, key: str, value: Any, path: tuple[Hashable, ...]) -> None:
    if key not in ("current_uA", "frequency_hz"):
        raise edit_error("is not a default setting", path, "unknown-field")
    defaults = document.get("defaults")
    if not isinstance(defaults, CommentedMap):
        defaults = CommentedMap()
        put_in_order(document, "defaults", defaults, PROTOCOL_FIELDS)
    if value is None:
        defaults.pop(key, None)
    else:
        defaults[key] = check_number(value, path)

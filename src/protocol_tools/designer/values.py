"""Checking the values a designer types in: numbers, text and choices the format takes.

Each check returns the value as the file will hold it, or raises a
:class:`ProtocolFileError` worded like a file finding ("step 3 seconds must be more
than 0"). The choices come from the format's model, never restated here::

    >>> check_number(75.0, ("steps", 2, "seconds"))
    75
    >>> check_choice("both", SIDES, ("steps", 0, "side"))
    'both'
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, get_args

from ..core.errors import ProtocolFileError
from ..core.findings import field_words, step_of
from ..core.text import number
from ..protocols.model import LONG_TEXT_MAX, SHORT_TEXT_MAX, Kind, Scope, Setting, Side
from ..reference.rules import make_finding

__all__ = [
    "KINDS",
    "LONG_TEXT_MAX",
    "SCOPES",
    "SETTINGS",
    "SHORT_TEXT_MAX",
    "SIDES",
    "change_note",
    "check_choice",
    "check_number",
    "check_text",
    "edit_error",
    "field_words",
    "shown_input",
    "step_of",
]

# The format's choices, read from the model's Literals.
KINDS: tuple[str, ...] = get_args(Kind)
SIDES: tuple[str, ...] = get_args(Side)
SETTINGS: tuple[str, ...] = get_args(Setting)
SCOPES: tuple[str, ...] = get_args(Scope)


def edit_error(
    message: str, path: Sequence[Hashable], code: str = "bad-value"
) -> ProtocolFileError:
    """An edit the model would refuse, worded like a file finding."""
    finding = make_finding(code, message, path)
    return ProtocolFileError(f"{field_words(finding)} {message}", [finding])


def shown_input(value: Any) -> str:
    """A short repr of a value someone passed in (it may be anything, of any size)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def check_number(
    value: Any,
    path: Sequence[Hashable],
    *,
    whole: bool = False,
    at_most: float | None = None,
) -> Any:
    """A positive finite number (``whole``: an int), at most ``at_most``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise edit_error(f"must be a number (got {shown_input(value)})", path, "wrong-type")
    try:
        as_float = float(value)
    except OverflowError:  # an int with hundreds of digits
        raise edit_error("is far too large", path, "bad-value") from None
    if not math.isfinite(as_float) or as_float <= 0:
        raise edit_error(f"must be more than 0 (got {as_float:g})", path, "not-positive")
    if at_most is not None and as_float > at_most:
        raise edit_error(f"must be at most {number(at_most)} (got {as_float:g})", path, "bad-value")
    if whole:
        if not as_float.is_integer():
            raise edit_error(f"must be a whole number (got {as_float:g})", path, "wrong-type")
        return int(as_float)
    # 75.0 from a number box is written as 75, the way people type it.
    return int(as_float) if as_float.is_integer() else as_float


def check_text(value: Any, path: Sequence[Hashable], limit: int, *, lines: bool = False) -> str:
    """Text a file can hold: refuses what UTF-8 cannot encode and control characters."""
    if not isinstance(value, str):
        raise edit_error(f"must be text (got {shown_input(value)})", path, "wrong-type")
    text = value.strip() if lines else " ".join(value.split())
    for character in text:
        category = unicodedata.category(character)
        if category == "Cs" or (category == "Cc" and not (lines and character in "\n\t")):
            # A lone surrogate cannot be written as UTF-8; a control character would
            # be saved as an escape nobody means to type.
            raise edit_error(
                f"holds a character that cannot be saved (U+{ord(character):04X})", path
            )
    if len(text) > limit:
        raise edit_error(f"is too long (at most {limit})", path)
    return text


def check_choice(value: Any, choices: Iterable[str], path: Sequence[Hashable]) -> str:
    """One of ``choices``, exactly."""
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        raise edit_error(
            f"must be one of {', '.join(choices)} (got {shown_input(value)})",
            path,
            "unknown-choice",
        )
    return value


def change_note(note: Any) -> str:
    """A version's change note: required, short text."""
    if note is None or (isinstance(note, str) and not note.strip()):
        raise edit_error(
            "is required: say what changed in this version", ("changes", "note"), "missing-field"
        )
    return check_text(note, ("changes", "note"), SHORT_TEXT_MAX)

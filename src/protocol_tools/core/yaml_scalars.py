"""Scalars of the YAML 1.2 core schema, plus dates: what a plain value in a file means.

``yes`` stays text and ``1:30`` stays text (YAML 1.1 would read a boolean and a
number of seconds), so a protocol never changes meaning with the parser.

    >>> implicit_value("30"), implicit_value("yes"), implicit_value("2026-11-23")
    (30, 'yes', datetime.date(2026, 11, 23))
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import cache
from typing import Any

import yaml

__all__ = ["LONGEST_WORD", "NOT_TEXT_START", "STANDARD_TAG", "implicit_value", "scalar_value"]

_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


class _Patterns:
    """The core schema's patterns, compiled the first time a value needs them (a
    protocol file's plain values are settled before, and a command starts sooner)."""

    def __init__(self) -> None:
        self.null = re.compile(r"^(?:~|null|Null|NULL|)$")
        self.int = re.compile(r"^[-+]?[0-9]+$")
        self.octal = re.compile(r"^0o[0-7]+$")
        self.hex = re.compile(r"^0x[0-9a-fA-F]+$")
        self.float = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
        self.inf = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
        self.nan = re.compile(r"^\.(?:nan|NaN|NAN)$")
        self.date = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")
        self.datetime = re.compile(
            r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}"
            r"(?::[0-9]{2}(?:\.[0-9]*)?)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?$"
        )


@cache
def _patterns() -> _Patterns:
    return _Patterns()


STANDARD_TAG = "tag:yaml.org,2002:"


# Every plain scalar that is not text is one of these words or starts with one of
# these characters (numbers, dates, .inf, .nan); anything else is text at once.
_WORDS: dict[str, Any] = {"": None, "~": None, "null": None, "Null": None, "NULL": None, **_BOOL}
NOT_TEXT_START = frozenset("-+.0123456789")
LONGEST_WORD = max(map(len, _WORDS))


def implicit_value(value: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar.

    Most values in a file are words or whole numbers, so those are settled before
    the patterns below (which define the rest, and give the same answer for them).
    """
    if len(value) <= LONGEST_WORD and value in _WORDS:  # no hashing of long text
        return _WORDS[value]
    first = value[0]
    if first not in NOT_TEXT_START and value[-1] != "\n":
        return value
    if first in "0123456789" and value.isascii():
        if value.isdigit():  # 45: a whole number
            return int(value)
        whole, dot, fraction = value.partition(".")
        if dot and whole.isdigit() and fraction.isdigit():  # 0.5: a decimal number
            return float(value)
        if dot and value.count(".") > 1 and value.replace(".", "").isdigit():
            return value  # 1.0.0: no pattern takes two dots, so text
    return _matched_value(value)


def _matched_value(value: str) -> Any:
    """The value of a plain scalar, pattern by pattern (the core schema, plus dates)."""
    patterns = _patterns()
    if patterns.null.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if patterns.int.match(value):
        return int(value)
    if patterns.octal.match(value):
        return int(value[2:], 8)
    if patterns.hex.match(value):
        return int(value[2:], 16)
    if patterns.float.match(value):
        return float(value)
    if patterns.inf.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if patterns.nan.match(value):
        return math.nan
    if patterns.date.match(value):
        year, month, day = (int(part) for part in value.split("-"))
        return dt.date(year, month, day)
    if patterns.datetime.match(value):
        return _datetime(value)
    return value


def _datetime(value: str) -> dt.datetime:
    date_part, _, rest = re.split(r"([Tt]|[ \t]+)", value, maxsplit=1)
    rest = rest.strip().replace(" ", "")
    if rest.endswith(("Z", "z")):
        rest = rest[:-1] + "+00:00"
    return dt.datetime.fromisoformat(f"{dt.date.fromisoformat(_pad_date(date_part))}T{rest}")


def _pad_date(value: str) -> str:
    year, month, day = value.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _tagged(tag: str, value: str) -> Any:
    """The value of a scalar with an explicit standard tag (``!!int "3"``)."""
    kind = tag.removeprefix(STANDARD_TAG)
    if kind == "str":
        return value
    resolved = implicit_value(value)
    expected = {
        "int": int,
        "float": (int, float),
        "bool": bool,
        "null": type(None),
        "timestamp": (dt.date, dt.datetime),
    }[kind]
    if kind == "float" and isinstance(resolved, int) and not isinstance(resolved, bool):
        return float(resolved)
    if kind in ("int", "float") and isinstance(resolved, bool):
        raise ValueError(f"{value!r} is not a {kind}")
    if not isinstance(resolved, expected):
        raise ValueError(f"{value!r} is not a {kind}")
    return resolved


def scalar_value(event: yaml.ScalarEvent) -> Any:
    """The value of a scalar event: plain ones resolved, quoted ones text, tagged ones checked."""
    tag = event.tag
    if tag in (None, "!") or (not tag and event.implicit[0]):
        plain = event.style in (None, "") and tag is None
        return implicit_value(event.value) if plain else event.value
    return _tagged(tag, event.value)

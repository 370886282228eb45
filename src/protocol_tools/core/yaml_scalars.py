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
from typing import Any

import yaml

__all__ = ["STANDARD_TAG", "implicit_value", "scalar_value"]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCTAL = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")
_DATETIME = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]*)?)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?$"
)
STANDARD_TAG = "tag:yaml.org,2002:"


def implicit_value(value: str) -> Any:
    """The value of a plain (unquoted, untagged) scalar."""
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _OCTAL.match(value):
        return int(value[2:], 8)
    if _HEX.match(value):
        return int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    if _DATE.match(value):
        year, month, day = (int(part) for part in value.split("-"))
        return dt.date(year, month, day)
    if _DATETIME.match(value):
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

"""Dates read from users and numbers written for them: one way each, everywhere.

>>> as_date("2026-11-23")
datetime.date(2026, 11, 23)
>>> as_date("23/11/2026") is None
True
>>> minutes(95), number(250.0), number(0.5, " Hz")
('1:35', '250', '0.5 Hz')
>>> add_days(dt.date(2026, 11, 23), 42, "next visit")
datetime.date(2027, 1, 4)
>>> without_bidi_controls("jaw\u202eenil")
'jawenil'
>>> suggest("jaw line", ["jawline", "neck"]), suggest("xyz", ["neck"])
('jawline', None)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["add_days", "as_date", "minutes", "number", "suggest", "without_bidi_controls"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Characters that reorder the text around them (embeddings, overrides, isolates and
# marks): typed or pasted into a direction or a name, they make it print reversed.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(text: str) -> str:
    """``text`` with every bidirectional control character removed, so it prints as typed."""
    return BIDI_CONTROLS.sub("", text)


def as_date(value: Any) -> dt.date | None:
    """A date from YAML (a date object) or a form, CSV or JSON (``2026-11-23``).

    ``None`` when ``value`` is not a date. A date and time is refused too: where a
    day is meant, a time of day is a sign the wrong value was passed.
    """
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:  # 2026-02-30
            return None
    return None


def add_days(day: dt.date, days: float, what: str, error: type[Exception] = ValueError) -> dt.date:
    """``day`` plus ``days``; past the last date a calendar holds raises ``error``
    naming ``what`` (a user's date near 9999-12-31 must never give a traceback)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        raise error(
            f"{what}: {day.isoformat()} + {number(days)} days is past the last date "
            "this program can count to (9999-12-31); check the year"
        ) from None


def minutes(seconds: float) -> str:
    """``m:ss`` for a duration in seconds (rounded to the second); ``?:??`` if not finite."""
    if not math.isfinite(seconds):
        return "?:??"
    whole = round(seconds)
    sign, whole = ("-", -whole) if whole < 0 else ("", whole)
    return f"{sign}{whole // 60}:{whole % 60:02d}"


def number(value: float | None, unit: str = "") -> str:
    """A number as people write it: ``250`` not ``250.0``, ``0.5``; "" for None."""
    if value is None:
        return ""
    if isinstance(value, int) or (math.isfinite(value) and float(value).is_integer()):
        text = str(int(value))
    else:
        text = f"{value:g}"
    return f"{text}{unit}"


def suggest(value: Any, choices: Iterable[str]) -> str | None:
    """The closest choice to a mistyped value ("jaw line" -> "jawline"), if any."""
    if not isinstance(value, str):
        return None
    choices = list(choices)
    squashed = {choice.replace("-", "").replace("_", ""): choice for choice in choices}
    key = value.strip().lower().replace(" ", "").replace("-", "").replace("_", "")
    if key in squashed:
        return squashed[key]
    import difflib  # here: only a mistyped value needs it, and a command starts sooner

    close = difflib.get_close_matches(value.lower(), choices, n=1, cutoff=0.6)
    return close[0] if close else None

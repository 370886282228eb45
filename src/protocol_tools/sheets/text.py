"""Words made safe for paper: a user's string bounded and wrappable, dates spelt out.

>>> clean_text("  Jane\\n Doe ")
'Jane Doe'
>>> long_date(dt.date(2026, 3, 2))
'Mon 2 Mar 2026'
"""

from __future__ import annotations

import datetime as dt
import re

from ..core.errors import ExportError
from ..core.text import add_days, as_date, without_bidi_controls
from .glyphs import font_coverage

__all__ = [
    "MAX_FIELD_CHARS",
    "MAX_NAME_CHARS",
    "clean_text",
    "cut",
    "later",
    "long_date",
    "parse_date",
    "safe_name",
]

# Engineering limits, not facts: a name longer than this is cut (with "…") so it
# cannot push the header off the page.
MAX_NAME_CHARS = 120
MAX_FIELD_CHARS = 300
# Longer than any word a sheet prints ("contraindications" is 17): only a longer
# run (a pasted code, a name without spaces) gets break points, every BREAK_EVERY
# characters so it wraps even in a narrow column; an ordinary word is never split.
UNBROKEN_RUN = 30
BREAK_EVERY = 12

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with "…"."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _breakable(text: str) -> str:
    # A zero-width space inside very long unbroken runs lets the line wrap inside
    # its column instead of running off the page (and leaves PDF search and copy
    # of ordinary words intact).
    def split(run: re.Match[str]) -> str:
        word = run[0]
        return "\u200b".join(word[i : i + BREAK_EVERY] for i in range(0, len(word), BREAK_EVERY))

    return re.sub(rf"\S{{{UNBROKEN_RUN + 1},}}", split, text)


def clean_text(value: object, limit: int = MAX_FIELD_CHARS) -> str:
    """A user string made safe for paper: printable glyphs, bounded, wrappable, and
    without bidirectional controls (a pasted override would print it reversed)."""
    text = " ".join(without_bidi_controls(str(value)).split()) if value is not None else ""
    return _breakable(font_coverage().printable(cut(text, limit)))


def long_date(day: dt.date) -> str:
    """``Mon 2 Mar 2026``: unambiguous on paper whatever the locale."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def parse_date(value: dt.date | str | None, what: str) -> dt.date | None:
    """``None`` for no date; a date; or ExportError naming ``what``."""
    if value is None or value == "":
        return None
    day = as_date(value)
    if day is None:
        raise ExportError(f"{what}: {value!r} is not a date like 2026-03-02")
    return day


def later(day: dt.date, days: float, what: str) -> dt.date:
    """``day`` plus ``days``; past the calendar's end is an ExportError naming ``what``."""
    return add_days(day, days, what, ExportError)


def safe_name(text: str) -> str:
    """``text`` as a part of a file name: letters, digits and dashes, at most 40.

    >>> safe_name("C-0042 / signature lift")
    'C-0042-signature-lift'
    """
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-")[:40] or "client"

"""The one palette every view draws with: apps, charts, the face map and the timer.

Colour never carries meaning alone (each state also has an icon or a word, each
highlight a hatch and a dashed border); these colours only make it quicker to see.
Text colours keep at least 4.5:1 contrast on white. The timer's CSS
(``session/static/session_timer.css``) and the sheet's Typst template keep their own
literal values, the same hex as here (``tests/views/test_palette.py`` checks).
"""

from __future__ import annotations

__all__ = [
    "ACCENT",
    "ACCENT_LIGHT",
    "ACTION",
    "BACKDROP",
    "DONE",
    "DONE_FILL",
    "DUE_INK",
    "ERROR",
    "ERROR_FILL",
    "FACE_FILL",
    "FACE_INK",
    "FOCUS",
    "HIGHLIGHT_FILL",
    "HIGHLIGHT_INK",
    "INK",
    "MUTED",
    "NOTICE",
    "OUTCOME_INK",
    "PAPER",
    "PLAN_STATUS_INK",
    "QUIET_INK",
    "RULE",
    "SERIES",
    "WARNING",
    "WARNING_FILL",
    "ZONE_INK",
]

INK = "#1b1f24"  # body text
QUIET_INK = "#4a525c"  # secondary text: a rule's why, unchanged rows, labels on paper
PAPER = "#ffffff"  # the page; text on ACCENT buttons
MUTED = "#8a9099"  # context: the face outline, borders of quiet boxes
RULE = "#c9d0d8"  # table lines
BACKDROP = "#f3f5f8"  # table headings, quiet panels
ACCENT = "#123a7a"  # directions, the treatment path, key points, primary buttons
ACCENT_LIGHT = "#2f6fc4"  # the lighter stripe of the timer's progress bar (never text)
ERROR = "#8a1c1c"  # errors, refusals, a locked Start: the one error red
WARNING = "#7a4d00"  # warnings, reminders (rewet the gel), a rehearsal speed
DONE = "#1d5e20"  # done, saved, passes every check
NOTICE = "#1c4f8a"  # changes to make (the "adjust" outcome)
# Backgrounds behind the ink of the same name (text on them keeps 4.5:1).
ERROR_FILL = "#fdecee"
WARNING_FILL = "#fff3c4"
DONE_FILL = "#d7f5dd"  # also a running timer's state badge
FOCUS = "#f0b400"  # the keyboard focus ring around a timer button (never text)

FACE_FILL = "#fbf7f4"
FACE_INK = MUTED
ZONE_INK = "#a7b0bb"
HIGHLIGHT_FILL = "#f2a65a"
HIGHLIGHT_INK = "#7a2e00"

# Okabe–Ito: told apart with the common colour-vision deficiencies.
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
ACTION = "#BBBBBB"  # prep and closing steps in charts: no zone, no series colour

# A screening outcome's ink, strongest first (always beside its icon and title).
OUTCOME_INK = {
    "stop": ERROR,
    "clearance": "#8a4b00",
    "postpone": "#5c4a00",
    "adjust": NOTICE,
    "proceed": "#1c6b33",
}

# A planned visit's status (series.schedule.STATUSES), always beside its symbol and words.
PLAN_STATUS_INK = {
    "early": DONE,
    "on time": DONE,
    "late": WARNING,
    "missed": ERROR,
    "due": NOTICE,
    "upcoming": QUIET_INK,
}
# The front desk list's status, always beside its symbol and words.
DUE_INK = {"overdue": ERROR, "due": NOTICE, "upcoming": QUIET_INK}

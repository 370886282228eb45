"""The one palette every view draws with: apps, charts, the face map and the timer.

Colour never carries meaning alone (each state also has an icon or a word, each
highlight a hatch and a dashed border); these colours only make it quicker to see.
Text colours keep at least 4.5:1 contrast on white.
"""

from __future__ import annotations

__all__ = [
    "ACCENT",
    "ACTION",
    "BACKDROP",
    "DONE",
    "ERROR",
    "FACE_FILL",
    "FACE_INK",
    "HIGHLIGHT_FILL",
    "HIGHLIGHT_INK",
    "INK",
    "MUTED",
    "NOTICE",
    "OUTCOME_INK",
    "RULE",
    "SERIES",
    "WARNING",
    "ZONE_INK",
]

INK = "#1b1f24"  # body text
MUTED = "#8a9099"  # context: the face outline, borders of quiet boxes
RULE = "#c9d0d8"  # table lines
BACKDROP = "#f3f5f8"  # table headings, quiet panels
ACCENT = "#123a7a"  # directions, the treatment path, key points
ERROR = "#8a1c1c"
WARNING = "#7a4d00"
DONE = "#1d5e20"
NOTICE = "#1c4f8a"

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

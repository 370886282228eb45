"""Text for people: free text prints as typed."""

from __future__ import annotations

import pytest

from protocol_tools.core.text import without_bidi_controls

CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
            "\u2069", "\u200e", "\u200f", "\u061c"]


@pytest.mark.parametrize("control", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_bidi_control_is_removed(control: str):
    assert without_bidi_controls(f"chin to ear{control}drawkcab, upward") == (
        "chin to eardrawkcab, upward"
    )


def test_ordinary_text_in_any_script_is_kept():
    text = "Glisser vers le haut — מעלה — إلى الأعلى — 上へ"
    assert without_bidi_controls(text) == text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("jaw line", "jawline"), ("Jawline", "jawline"), ("under_eyes", "under-eyes"),
     ("jawlin", "jawline"), ("knee", None), (3, None)],
)  # fmt: skip
def test_suggest_finds_the_choice_meant(typed, expected):
    from protocol_tools.core.text import suggest

    assert suggest(typed, ["jawline", "under-eyes", "neck"]) == expected

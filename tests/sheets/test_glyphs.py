"""Glyphs no font has print as a look-alike or a name, never as an empty box."""

from __future__ import annotations

from helpers import (
    flat,
    pdftotext,
)
from protocol_tools import (
    session_sheet,
    sheet_to_pdf,
)
from protocol_tools.sheets.glyphs import Coverage, font_coverage


def test_emoji_print_or_degrade_visibly(signature):
    coverage = font_coverage()
    name = "Ana 😀 🙂 ✅ 👍🏽 中"
    sheet = session_sheet(signature, client="C-1", client_name=name)
    printed = sheet["header"]["client_name"]
    assert coverage.covers(printed)  # nothing left that would print as an empty box
    text = flat(pdftotext(sheet_to_pdf([sheet])))
    assert printed in text
    # no font here has it: named, never tofu
    assert "[cjk unified ideograph-4e2d]" in printed


def test_glyph_fallbacks():
    coverage = Coverage.of_codepoints({ord(c) for c in "✔☺"})
    assert coverage.printable("ok ✅") == "ok ✔"
    assert coverage.printable("hi 🙂👍🏽") == "hi ☺[thumbs up sign]"
    assert coverage.printable("a\tb\nc") == "a b c"
    assert Coverage.of_codepoints(set()).printable("é") == "é"  # embedded fonts cover Latin

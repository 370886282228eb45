"""Make user text printable with the fonts this machine has: no tofu on paper.

A PDF renderer draws an empty box ("tofu") for a character no font covers, and a
printed sheet cannot be fixed afterwards. So before a string reaches the page,
every character the available fonts lack is swapped for something visible: a
look-alike symbol the fonts do have (✅ -> ✔), or its Unicode name in brackets
([slightly smiling face]). Invisible joiners and skin-tone modifiers that belong
to such a character are dropped with it.

    >>> coverage = Coverage.of_codepoints({ord(c) for c in "Zoë "})
    >>> coverage.printable("Zoë 🙂")
    'Zoë [slightly smiling face]'

Coverage is read from the ``cmap`` table of the font files typst finds (system
fonts and any extra font folders), plus the Latin ranges that typst's embedded
fonts always cover.
"""

from __future__ import annotations

import struct
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from .compilers import typst_fonts

__all__ = ["Coverage", "font_coverage"]

# typst ships Libertinus Serif, New Computer Modern and DejaVu Sans Mono inside
# the wheel; they have no file path to read, but all of them cover these ranges.
_EMBEDDED_RANGES = ((0x20, 0x7E), (0xA0, 0x24F), (0x2000, 0x206F), (0x20AC, 0x20AC))

# Colour emoji that have a plain symbol with the same meaning. Used only when the
# fonts lack the emoji and have the symbol.
_LOOKALIKES = {
    "✅": "✔",
    "✔️": "✔",
    "❌": "✘",
    "⛔": "⊘",
    "🚫": "⊘",
    "⏳": "◷",
    "⌛": "◷",
    "🩺": "⚕",
    "⚠️": "⚠",
    "❗": "!",
    "❓": "?",
    "🙂": "☺",
    "🙁": "☹",
    "😊": "☺",
    "❤️": "♥",
    "👍": "✓",
}

# Characters with no ink of their own: dropped when the fonts lack them.
_SILENT = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}
_SKIN_TONES = range(0x1F3FB, 0x1F400)


def _cmap_codepoints(data: bytes) -> set[int]:
    """The code points a TrueType/OpenType font maps to glyphs (formats 4 and 12)."""
    found: set[int] = set()
    (tables,) = struct.unpack_from(">H", data, 4)
    cmap = None
    for index in range(tables):
        tag, _checksum, offset, _length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        if tag == b"cmap":
            cmap = offset
            break
    if cmap is None:
        return found
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    for index in range(count):
        _platform, _encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * index)
        start = cmap + offset
        (kind,) = struct.unpack_from(">H", data, start)
        if kind == 12:
            (groups,) = struct.unpack_from(">I", data, start + 12)
            for group in range(groups):
                first, last, _glyph = struct.unpack_from(">III", data, start + 16 + 12 * group)
                found.update(range(first, min(last, 0x10FFFF) + 1))
        elif kind == 4:
            found |= _format4(data, start)
    return found


def _format4(data: bytes, start: int) -> set[int]:
    """Code points of a format-4 subtable whose glyph is not .notdef (glyph 0)."""
    found: set[int] = set()
    (segments,) = struct.unpack_from(">H", data, start + 6)
    segments //= 2
    ends_at = start + 14
    starts_at = ends_at + 2 * segments + 2
    deltas_at = starts_at + 2 * segments
    offsets_at = deltas_at + 2 * segments
    ends = struct.unpack_from(f">{segments}H", data, ends_at)
    starts = struct.unpack_from(f">{segments}H", data, starts_at)
    deltas = struct.unpack_from(f">{segments}H", data, deltas_at)
    offsets = struct.unpack_from(f">{segments}H", data, offsets_at)
    for segment in range(segments):
        first, last = starts[segment], ends[segment]
        if first == 0xFFFF:
            continue
        delta, offset = deltas[segment], offsets[segment]
        for code in range(first, last + 1):
            if offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = offsets_at + 2 * segment + offset + 2 * (code - first)
                (glyph,) = struct.unpack_from(">H", data, at)
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                found.add(code)
    return found


class Coverage:
    """The set of characters some available font can draw."""

    def __init__(self, codepoints: set[int]) -> None:
        self.codepoints = codepoints
        for first, last in _EMBEDDED_RANGES:
            self.codepoints.update(range(first, last + 1))

    @classmethod
    def of_codepoints(cls, codepoints: Iterable[int]) -> Coverage:
        return cls(set(codepoints))

    @classmethod
    def of_files(cls, paths: Iterable[str | Path]) -> Coverage:
        codepoints: set[int] = set()
        for path in paths:
            try:
                codepoints |= _cmap_codepoints(Path(path).read_bytes())
            except (OSError, struct.error):
                continue  # an unreadable font simply covers nothing
        return cls(codepoints)

    def covers(self, text: str) -> bool:
        return all(ord(char) in self.codepoints for char in text)

    def printable(self, text: str) -> str:
        """``text`` with every character the fonts lack replaced by something visible."""
        text = unicodedata.normalize("NFC", text)
        out: list[str] = []
        index = 0
        while index < len(text):
            pair = text[index : index + 2]
            if len(pair) == 2 and pair in _LOOKALIKES and not self.covers(pair):
                # an emoji with its presentation selector, e.g. "⚠️"
                substitute = _LOOKALIKES[pair]
                out.append(substitute if self.covers(substitute) else self._named(pair[0]))
                index += 2
                continue
            char = text[index]
            index += 1
            code = ord(char)
            if code in self.codepoints:
                out.append(char)
            elif unicodedata.category(char) in ("Cc", "Zl", "Zp"):
                out.append(" ")  # line breaks and tabs from a pasted name
            elif code in _SILENT or code in _SKIN_TONES or unicodedata.category(char) == "Mn":
                continue
            elif char in _LOOKALIKES and self.covers(_LOOKALIKES[char]):
                out.append(_LOOKALIKES[char])
            else:
                out.append(self._named(char))
        return "".join(out)

    @staticmethod
    def _named(char: str) -> str:
        name = unicodedata.name(char, "")
        return f"[{name.lower()}]" if name else f"[U+{ord(char):04X}]"


@cache
def font_coverage(font_paths: tuple[str, ...] = ()) -> Coverage:
    """What the fonts typst sees (system fonts plus ``font_paths``) can draw: the
    fonts the sheets' compilers use (:func:`.compilers.typst_fonts`, searched once)."""
    fonts = typst_fonts(font_paths).fonts()
    return Coverage.of_files(sorted({font.path for font in fonts if font.path}))

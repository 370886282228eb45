"""One palette: the timer's CSS, the sheet's Typst and the Python views use its colours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from protocol_tools.views import palette

PACKAGE = Path(palette.__file__).resolve().parents[1]
CSS = PACKAGE / "session" / "static" / "session_timer.css"
TEMPLATES = PACKAGE / "sheets" / "templates"
# The sheets' family keeps its colours in one file every template imports.
TYPST = TEMPLATES / "sheet_style.typ"
HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")

# Neutral greys the files may keep as their own (they carry no meaning: no error,
# warning or done), each with what it is for.
NEUTRALS = {
    "#e3e7ec": "the timer's state badge once finished",
    "#e8ebef": "table headings on the printed sheet (a shade darker than BACKDROP for print)",
}


def palette_values() -> set[str]:
    values: set[str] = set()
    for name in palette.__all__:
        value = getattr(palette, name)
        if isinstance(value, str):
            values.add(value)
        elif isinstance(value, dict):
            values.update(value.values())
        else:
            values.update(value)
    return {value.lower() for value in values}


def hex_colours(path: Path) -> set[str]:
    return {found.lower() for found in HEX.findall(path.read_text(encoding="utf-8"))}


def css_variable(name: str) -> str:
    found = re.search(rf"--pt-{name}:\s*(#[0-9a-fA-F]{{6}});", CSS.read_text(encoding="utf-8"))
    assert found, name
    return found[1].lower()


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(ink: str, paper: str) -> float:
    lighter, darker = sorted((luminance(ink), luminance(paper)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(
    "path", [CSS, *sorted(TEMPLATES.glob("*.typ"))], ids=lambda path: path.name
)
def test_the_timer_and_the_sheets_draw_with_the_palette(path: Path):
    assert hex_colours(path) - palette_values() - set(NEUTRALS) == set()


def test_the_allowed_extras_are_neutral_greys():
    for colour in NEUTRALS:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert max(r, g, b) - min(r, g, b) <= 12, colour
        assert colour not in palette_values()  # else it would not need allowing


def test_error_warning_done_and_ink_are_the_palettes_own():
    assert css_variable("ink") == palette.INK
    assert css_variable("muted") == palette.QUIET_INK
    assert css_variable("error-ink") == palette.ERROR
    assert css_variable("error-bg") == palette.ERROR_FILL
    assert css_variable("warn-ink") == palette.WARNING
    assert css_variable("warn-bg") == palette.WARNING_FILL
    assert css_variable("done-bg") == palette.DONE_FILL
    typst = TYPST.read_text(encoding="utf-8")
    assert f'#let ink = rgb("{palette.INK}")' in typst
    assert f'#let muted = rgb("{palette.QUIET_INK}")' in typst


def test_python_code_names_its_colours_from_the_palette():
    stray = {
        f"{path.relative_to(PACKAGE)}: {found}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "palette.py"
        for found in HEX.findall(path.read_text(encoding="utf-8"))
    }
    assert stray == set()


TEXT_INKS = [
    "INK",
    "QUIET_INK",
    "ACCENT",
    "ERROR",
    "WARNING",
    "DONE",
    "NOTICE",
    "HIGHLIGHT_INK",
]


@pytest.mark.parametrize("name", TEXT_INKS)
def test_text_colours_keep_their_contrast_on_white(name: str):
    assert contrast(getattr(palette, name), palette.PAPER) >= 4.5


@pytest.mark.parametrize("outcome", sorted(palette.OUTCOME_INK))
def test_outcome_inks_keep_their_contrast_on_white(outcome: str):
    assert contrast(palette.OUTCOME_INK[outcome], palette.PAPER) >= 4.5


@pytest.mark.parametrize(
    ("ink", "fill"),
    [
        ("ERROR", "ERROR_FILL"),
        ("WARNING", "WARNING_FILL"),
        ("INK", "DONE_FILL"),
        ("QUIET_INK", "BACKDROP"),
        ("PAPER", "ACCENT"),
    ],
)
def test_text_on_its_fill_keeps_its_contrast(ink: str, fill: str):
    assert contrast(getattr(palette, ink), getattr(palette, fill)) >= 4.5

"""The designer as a Voilà app in Debian's chromium: build a protocol by clicking, save it,
and check the saved file with the command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import copy_library

SCREENSHOTS = Path("/tmp")


def tall_screenshot(page, stem: str) -> None:
    """The whole app in 1000-pixel slices (``/tmp/<stem>-<n>.png``) for a person to look at.

    Voilà scrolls inside #rendered_cells, so the viewport grows to show it all.
    """
    height = int(page.evaluate("document.querySelector('#rendered_cells').scrollHeight")) + 40
    height = min(height, 8000)
    page.set_viewport_size({"width": 1280, "height": height})
    page.wait_for_timeout(800)
    for number, top in enumerate(range(0, height, 1000)):
        clip = {"x": 0, "y": top, "width": 1280, "height": min(1000, height - top)}
        page.screenshot(path=str(SCREENSHOTS / f"{stem}-{number}.png"), clip=clip)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.browser
def test_build_save_and_validate_a_protocol_by_clicking(voila, page, tmp_path, monkeypatch):
    library = copy_library(tmp_path / "library")
    originals = {path.name: path.read_bytes() for path in library.iterdir()}
    # The app must write into this folder, never into the project's protocols/.
    monkeypatch.setenv("PROTOCOL_TOOLS_LIBRARY", str(library))

    page.goto(voila("03_protocol_designer.ipynb"))
    add = page.get_by_role("button", name="Add step", exact=True)
    add.wait_for()
    page.get_by_text("Passes every check.").wait_for()
    # The table comes first; the charts wait below the screen until someone scrolls there.
    page.get_by_text("The charts follow in a moment.").wait_for(state="attached")
    assert page.locator(".js-plotly-plot").count() == 0

    # The blank protocol has 11 steps; a new treatment step lands before the closing one.
    add.click()
    page.get_by_label("Step 12 kind").wait_for()
    zone = page.get_by_label("Step 11 zone")
    zone.select_option(label="Neck")
    page.get_by_text("Neck: left 0 s, right 60 s").wait_for()  # the imbalance, live

    page.get_by_role("button", name="Mirror step 11 to other side").click()
    page.get_by_label("Step 13 kind").wait_for()
    # ipywidgets' <option> values are the shown labels.
    assert page.get_by_label("Step 12 zone").input_value() == "Neck"
    assert page.get_by_label("Step 12 side").input_value() == "left"
    page.get_by_text("Neck: left 0 s, right 60 s").wait_for(state="detached")

    # A step turned into a closing step shows its action box instead of zone, side and
    # technique (the rows share their layouts: a row takes the hidden or the shown one).
    page.get_by_label("Step 12 kind").select_option("closing")
    page.get_by_label("Step 12 action").wait_for()
    page.get_by_label("Step 12 zone").wait_for(state="hidden")
    page.get_by_label("Step 11 zone").wait_for()  # its neighbour is still a treatment step
    page.get_by_label("Step 12 kind").select_option("treatment")
    page.get_by_label("Step 12 action").wait_for(state="hidden")
    page.get_by_label("Step 12 zone").select_option(label="Neck")
    page.get_by_label("Step 12 side").select_option("left")

    target = page.get_by_label("Target minutes")
    target.fill("12")
    target.press("Enter")
    page.get_by_text("Passes every check.").wait_for()
    # The face map draws the path: stops 11 and 12 are the new neck steps.
    page.get_by_text("11. Neck (client's right) → 12. Neck (client's left)").wait_for()
    # The charts (and plotly's script) come once someone scrolls to them.
    page.get_by_role("heading", name="4. Charts").evaluate("(heading) => heading.scrollIntoView()")
    page.locator(".js-plotly-plot").nth(2).wait_for()

    page.get_by_role("textbox", name="New id").fill("neck-lift-12")
    note = page.get_by_role("textbox", name="Change note")
    note.fill("The blank template plus neck work on both sides")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text(re.compile(r"Saved \S*neck-lift-12\.yaml")).wait_for()
    tall_screenshot(page, "designer-saved")

    saved = library / "neck-lift-12.yaml"
    assert saved.is_file()
    result = subprocess.run(
        [sys.executable, "-m", "protocol_tools", "validate", str(saved)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schema/protocol.schema.json\n")
    assert "zone: neck" in text
    assert all((library / name).read_bytes() == data for name, data in originals.items())

    # Compare the saved protocol with the library's express protocol, side by side.
    page.get_by_label("Compare A").select_option(label="Express Lift — express-10 1.0.0")
    page.get_by_label("with B").select_option(label="New protocol — neck-lift-12 1.0.0")
    page.get_by_role("button", name="Compare", exact=True).click()
    page.get_by_text("Device minutes per zone and side").first.wait_for()
    page.get_by_role("cell", name="neck").first.wait_for()
    tall_screenshot(page, "designer-compare")
    assert page.errors == []

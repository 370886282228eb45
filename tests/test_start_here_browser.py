"""The start-here notebook as a Voilà app, in Debian's chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_start_here_shows_the_library_and_a_timeline(voila, page, tmp_path):
    page.goto(voila("00_start_here.ipynb"), wait_until="domcontentloaded")
    picker = page.get_by_label("Protocol")
    picker.wait_for()
    assert page.get_by_text("signature-lift-15").first.is_visible()
    picker.select_option(label="Full Lift — full-lift-20")
    page.get_by_role("heading", name="Full Lift").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.locator(".js-plotly-plot .bars").count() >= 1
    page.screenshot(path=str(tmp_path / "start-here.png"), full_page=True)
    assert page.errors == []

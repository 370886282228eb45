"""The session-sheet maker as a Voilà app: preview a sheet, then save the PDF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def test_preview_and_save_a_sheet(voila, page, tmp_path, monkeypatch):
    monkeypatch.setenv("PROTOCOL_TOOLS_SHEETS", str(tmp_path))  # the served kernel inherits it
    page.goto(voila("04_session_sheets.ipynb"), wait_until="domcontentloaded")
    page.get_by_label("Protocol", exact=True).wait_for()
    page.get_by_label("Protocol", exact=True).select_option(
        label="Signature Lift — signature-lift-15"
    )
    # A practice client by name in words; its file's name is the option's value in Python.
    page.get_by_label("Intake", exact=True).select_option(label="c02 sensitive skin")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Preview, page 1 of 1")).to_be_visible()
    assert page.locator(".widget-image").count() == 1
    name = r"C-1002_signature-lift-15_2026-11-23_\d{4}"
    page.get_by_role("button", name="Save PDF").click()
    expect(page.get_by_text(re.compile(f"saved .*{name}\\.pdf"))).to_be_visible()
    (saved,) = tmp_path.glob("C-1002_*.pdf")
    assert re.fullmatch(f"{name}\\.pdf", saved.name)
    first = saved.read_bytes()
    text = PdfReader(saved).pages[0].extract_text()
    assert "Signature Lift" in text
    assert "C-1002" in text
    # Saved again, the sheet gets a name of its own: the first one is never replaced.
    page.get_by_role("button", name="Save PDF").click()
    expect(page.get_by_text(f"saved {saved}")).to_have_count(0)
    assert len(list(tmp_path.glob("C-1002_*.pdf"))) == 2
    assert saved.read_bytes() == first
    assert page.errors == []


def test_a_day_shows_its_progress_in_words(voila, page, tmp_path, monkeypatch):
    monkeypatch.setenv("PROTOCOL_TOOLS_SHEETS", str(tmp_path))
    page.goto(voila("04_session_sheets.ipynb"), wait_until="domcontentloaded")
    page.get_by_role("tab", name="A day's appointments").click()
    page.get_by_role("button", name="Make the day's sheets").click()
    progress = page.get_by_role("progressbar", name="Sheets made")
    expect(progress).to_have_text("6 of 6 rows done")
    expect(progress).to_have_attribute("aria-valuenow", "6")
    expect(page.get_by_text("Sheets made", exact=True)).to_be_visible()  # the bar's label
    expect(page.get_by_text("6 sheet(s) written")).to_be_visible()
    assert len(list((tmp_path / "day").glob("*.pdf"))) == 7
    assert page.errors == []

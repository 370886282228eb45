"""The client page as a Voilà app in Debian's chromium: open a client, read, erase."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from helpers import seed_record
from protocol_tools import RecordStore, client_list

pytestmark = pytest.mark.browser


def test_open_a_client_read_the_record_and_erase_it(voila, page, tmp_path, monkeypatch):
    location = tmp_path / "records" / "records.db"
    with RecordStore(location) as store:
        seed_record(store, "C-0042", visits=3, display_name="Zoë Example")
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(location))  # the served kernel inherits it
    page.goto(voila("06_client_record.ipynb"), wait_until="domcontentloaded")
    page.get_by_label("Client code", exact=True).fill("C-0042")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", name="Client C-0042")).to_be_visible()
    # Three client visits and a practice run, the practice run said in words.
    rows = page.locator("table.pt-visits tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("Practice (not a client visit)")
    expect(rows.nth(1)).to_contain_text("May be treated")
    expect(page.locator("table.pt-adjustments")).to_contain_text("150 → 130 µA")
    expect(page.get_by_text("C-0042_express-10_2026-11-23_0900.pdf")).to_be_visible()
    charts = page.locator(".js-plotly-plot")
    expect(charts).to_have_count(2)
    legend = charts.first.locator(".legendtext")
    expect(legend).to_have_text(["Brows", "Under-eyes", "Cheekbones", "Jawline"])
    expect(charts.nth(1).locator(".ytick")).to_contain_text(["Comfortable"])
    assert "Zoë" not in page.inner_text("body")  # the name only when asked for
    page.get_by_label("Show name", exact=True).check()
    expect(page.get_by_text("Zoë Example")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 3200})  # Voilà scrolls inside the page
    page.screenshot(path=str(tmp_path / "client-page.png"))

    erase = page.get_by_role("button", name="Erase this client")
    expect(erase).to_be_disabled()
    page.get_by_label("I understand every visit of C-0042 will be erased").check()
    expect(erase).to_be_enabled()
    erase.click()
    expect(page.get_by_text("C-0042 and 4 visits are gone from the record")).to_be_visible()
    expect(page.locator("table.pt-visits")).to_have_count(0)
    expect(page.get_by_text("No clients in the record yet")).to_be_visible()
    with RecordStore(location) as store:
        assert client_list(store) == []
    assert page.errors == []

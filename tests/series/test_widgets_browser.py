"""The front desk (notebook 07) as a Voilà app in Debian's chromium: the week's list,
overdue first with the last settings ready, and clinic against home over the months
typed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from helpers import seed_plan_record
from protocol_tools import RecordStore

pytestmark = pytest.mark.browser


def test_the_week_list_and_the_comparison(voila, page, tmp_path, monkeypatch):
    location = tmp_path / "records" / "records.db"
    with RecordStore(location) as store:
        seed_plan_record(store)
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(location))  # the served kernel inherits it
    page.goto(voila("07_front_desk.ipynb"), wait_until="domcontentloaded")
    page.get_by_label("Week starting", exact=True).fill("2026-12-21")
    rows = page.locator("table.pt-due tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("⚠ Overdue")
    expect(rows.first).to_contain_text("C-0043")
    expect(rows.nth(1)).to_contain_text("➜ Due this week")
    expect(rows.nth(1)).to_contain_text("Maintenance only, every 4 to 6 weeks")
    expect(rows.nth(1)).to_contain_text("express-10 (version 1.0.0)")
    expect(rows.nth(1)).to_contain_text("Under-eyes R: 130 µA")
    page.get_by_label("Also list clients coming up later", exact=True).check()
    page.get_by_label("Week starting", exact=True).fill("2026-11-23")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("○ Coming up")

    costs = page.locator(".pt-costs")
    expect(costs.locator(".js-plotly-plot .legendtext")).to_have_text(
        ["Lowest cost", "Highest cost", "Clinic sessions", "Home sessions"]
    )
    months = page.get_by_label("Months to compare", exact=True)
    months.fill("24")
    months.press("Enter")
    expect(costs.locator("table.pt-cost-table caption")).to_have_text("Over 24 months")
    assert page.errors == []

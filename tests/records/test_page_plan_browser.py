"""The client page's treatment plan as a Voilà app in Debian's chromium: the plan's
calendar chart and adherence for a client on a plan, and a plan chosen through the
controls for one without."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from helpers import seed_plan_record
from protocol_tools import RecordStore
from protocol_tools.records.plans import current_plans
from protocol_tools.views.plan_charts import MADE_TRACE

pytestmark = pytest.mark.browser

ADHERENCE = re.compile(r"\d+ of \d+ visits due so far were on time \(\d+%\)\.")


def test_the_plan_chart_and_adherence_and_choosing_a_plan(voila, page, tmp_path, monkeypatch):
    location = tmp_path / "records" / "records.db"
    with RecordStore(location) as store:
        seed_plan_record(store)
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(location))  # the served kernel inherits it
    page.goto(voila("06_client_record.ipynb"), wait_until="domcontentloaded")
    page.get_by_label("Client code", exact=True).fill("C-0042")
    page.get_by_role("button", name="Open").click()

    section = page.locator(".pt-plan-clinic")
    expect(
        section.get_by_role("heading", name=re.compile("Clinic visits: Maintenance"))
    ).to_be_visible()
    expect(section.locator(".pt-adherence")).to_have_text(ADHERENCE)
    charts = section.locator(".js-plotly-plot")
    expect(charts).to_have_count(2)  # the adherence bars and the calendar
    calendar = charts.nth(1)
    expect(calendar.locator(".legendtext")).to_contain_text(["Made on time", MADE_TRACE])
    expect(calendar.locator(".gtitle")).to_contain_text("planned and made")
    expect(calendar.locator(".annotation-text")).to_contain_text([re.compile("^Today, ")])
    expect(charts.first.locator(".ytick")).to_contain_text(["✔ Made on time"])
    section.get_by_text("Show every date of the plan, with its status").click()
    expect(section.locator("table.pt-plan-dates tbody tr")).to_have_count(10)
    expect(section.locator("table.pt-plan-dates")).to_contain_text("✔ Made on time")
    page.set_viewport_size({"width": 1280, "height": 4200})  # Voilà scrolls inside the page
    page.screenshot(path=str(tmp_path / "plan-page.png"), full_page=True)
    section.screenshot(path=str(tmp_path / "plan-section.png"))

    # A client without a plan: choose one with the labelled controls.
    page.get_by_label("Client code", exact=True).fill("C-0043")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_text("C-0043 follows no plan yet")).to_be_visible()
    page.get_by_label("Plan", exact=True).select_option(
        label="Weekly for eight weeks, then monthly (clinic visits)"
    )
    page.get_by_label("First day", exact=True).fill("2026-11-16")
    page.get_by_role("button", name="Start this plan").click()
    expect(page.get_by_text("C-0043 follows Weekly for eight weeks, then monthly")).to_be_visible()
    expect(page.locator(".pt-plan-clinic .js-plotly-plot")).to_have_count(2)
    expect(page.locator(".pt-plan-clinic .pt-adherence")).to_have_text(ADHERENCE)
    page.get_by_role("button", name="Save take-home plan sheet (PDF)").click()
    expect(page.get_by_text("Plan sheet saved:")).to_be_visible()
    with RecordStore(location) as store:
        assert current_plans(store, "C-0043")["C-0043"]["clinic"]["plan"] == "weekly-then-monthly"
    assert list((location.parent / "exports").glob("C-0043_plan-sheet_*.pdf"))
    assert page.errors == []

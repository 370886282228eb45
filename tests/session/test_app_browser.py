"""The guided-session app in Debian's chromium, served by Voilà: two clients back to
back, the first one's visit stored in the client record event by event (no Save
pressed), nothing of the first client left for the second, and the first client's
next visit starting from the settings carried forward.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import PROTOCOLS
from protocol_tools import load_library
from protocol_tools.records.history import client_record, export_record
from protocol_tools.records.store import RecordStore
from protocol_tools.session.gate import prep_checklist
from strategies import LIST_FIELDS, YES_NO_FIELDS

pytestmark = pytest.mark.browser

NOTEBOOK = "02_guided_session.ipynb"
SHOTS = Path(tempfile.gettempdir()) / "protocol-tools-app-shots"
CLIENT = "C-2001"


def protocol_label(protocol_id: str) -> str:
    """The protocol as the app's picker names it."""
    p = load_library(PROTOCOLS)[protocol_id]
    return f"{p.name} — {p.id} ({p.total_seconds / 60:.0f} min)"


def answer_the_form(page) -> None:
    """Every intake question answered through its controls: born 1988, all "no"."""
    form = page.locator(".pt-intake-form")
    form.locator(".pt-q-birth_date input[type=date]").fill("1988-04-02")
    for name in (*YES_NO_FIELDS, *LIST_FIELDS):
        form.locator(f".pt-q-{name}").get_by_role("button", name="No", exact=True).click()
    for name in ("last_retinoid_use", "last_injectable"):
        question = form.locator(f".pt-q-{name}")
        question.get_by_role("button", name="Not in the last month", exact=True).click()


def tick_prep(page) -> None:
    for item in prep_checklist():
        page.get_by_label(item["text"]).check()


def find(page, code: str) -> None:
    page.locator(".pt-app-client-code input").fill(code)
    page.get_by_role("button", name="Find client").click()


def selected(page, label: str) -> str:
    """The option a dropdown shows (ipywidgets writes its spaces as no-break spaces)."""
    text = page.get_by_label(label, exact=True).evaluate(
        "(select) => select.options[select.selectedIndex].text"
    )
    return text.replace("\xa0", " ")


def app_text(page) -> str:
    return page.locator(".pt-guided-session").inner_text()


def test_two_clients_back_to_back_stored_as_they_run(voila, page, tmp_path, monkeypatch):
    record_file = tmp_path / "records" / "records.db"
    sessions = tmp_path / "sessions"
    # The Voilà server, and the kernel it starts, keep this test's record.
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(record_file))
    monkeypatch.setenv("PROTOCOL_TOOLS_SESSIONS", str(sessions))
    SHOTS.mkdir(exist_ok=True)
    page.goto(voila(NOTEBOOK), wait_until="domcontentloaded")
    start = page.get_by_role("button", name="Start", exact=True)
    start.wait_for()
    history = page.locator(".pt-client-history")
    carried = page.locator(".pt-carried-forward")

    # -- client 1, a real client: found (new), screened by hand, run at real time --------
    find(page, CLIENT)
    expect(history).to_contain_text("New client: no visits yet")
    page.get_by_label("Protocol", exact=True).select_option(label=protocol_label("express-10"))
    answer_the_form(page)
    page.get_by_role("button", name="Screen this client").click()
    expect(page.locator(".pt-result-area .pt-outcome")).to_have_text("✔ May be treated")
    tick_prep(page)
    expect(page.get_by_text("Ready:")).to_be_visible()
    expect(page.locator(".pt-practice-banner")).to_have_text("")
    start.click()
    expect(page.locator(".pt-state")).to_have_text(re.compile("running", re.I))
    skip = page.get_by_role("button", name="Skip", exact=True)
    skip.click()
    skip.click()  # past the two prep steps, onto the right jawline
    expect(page.locator(".pt-step-name")).to_contain_text("Jawline")
    page.locator(".pt-adjust summary").click()
    page.get_by_label("New current (µA)").fill("200")
    page.get_by_label("Reason", exact=True).fill("client felt a zap")
    page.get_by_role("button", name="Record adjustment").click()
    expect(page.locator(".pt-adjust-note")).to_contain_text("Recorded for step 3")
    page.get_by_role("button", name="Finish", exact=True).click()
    expect(page.get_by_text(f"this visit is in the record of {CLIENT}")).to_be_visible()
    expect(page.locator(".pt-summary")).to_contain_text("Planned (s)")

    # The record holds the visit and every event the browser sent; no Save was pressed.
    sent = page.evaluate(
        "[...globalThis.__protocolToolsTimers.values()].at(-1).events.map((e) => e.event)"
    )
    with RecordStore(record_file) as store:
        visit = export_record(store, CLIENT)["visits"][0]
    assert visit["status"] == "finished"
    assert not visit["practice"]
    assert visit["protocol"] == "express-10"
    assert visit["intake"]["client"] == CLIENT
    browser_events = [e["event"] for e in visit["events"] if e["source"] == "browser"]
    assert browser_events == sent
    assert sent[0] == "started"
    assert sent[-1] == "finished"
    jawline = next(step for step in visit["steps"] if step["step"] == 3)
    assert jawline["current_uA"] == 200
    assert not sessions.exists()  # the CSV export was never asked for

    page.get_by_label("Step 3: Jawline (right)").select_option(
        label="Twitching; turn down next time"
    )
    page.get_by_role("button", name="Save comfort").click()
    expect(page.get_by_text("Comfort stored")).to_be_visible()
    page.locator(".pt-finish").screenshot(path=str(SHOTS / "app_finished.png"))

    # -- Next client: nothing of client 1 is left on the page -----------------------------
    page.get_by_role("button", name="Next client").click()
    expect(page.locator(".pt-state")).to_have_text(re.compile("ready", re.I))
    expect(page.locator(".pt-app-client-code input")).to_have_value("")
    expect(page.locator(".pt-summary")).to_have_count(0)
    expect(history).to_have_text("")
    assert CLIENT not in app_text(page)
    assert "client felt a zap" not in app_text(page)
    for item in prep_checklist():
        expect(page.get_by_label(item["text"])).not_to_be_checked()
    expect(page.locator(".pt-intake-form .pt-q-pregnant .pt-answer-status")).to_have_text(
        "Not answered yet"
    )

    # -- client 2, a synthetic client at rehearsal speed: practice, and says so ------------
    page.get_by_label("Or practise with a synthetic client").select_option(label="c01 all clear")
    page.get_by_label("Speed").select_option(label="Rehearsal: 60× faster")
    banner = page.locator(".pt-practice-banner")
    expect(banner).to_contain_text("Practice: not stored as a client visit.")
    expect(history).to_contain_text("New client: no visits yet")
    expect(carried).to_have_text("")
    assert CLIENT not in app_text(page)
    tick_prep(page)
    start.click()
    expect(page.locator(".pt-state")).to_have_text(re.compile("running", re.I))
    page.get_by_role("button", name="Finish", exact=True).click()
    expect(page.get_by_text("stored as practice, not as a client visit")).to_be_visible()
    banner.screenshot(path=str(SHOTS / "app_practice_banner.png"))
    with RecordStore(record_file) as store:
        practice = client_record(store, "C-1001")
        assert [v["practice"] for v in practice["visits"]] == [True]
        assert len(client_record(store, CLIENT)["visits"]) == 1
    page.get_by_role("button", name="Next client").click()
    expect(banner).to_have_text("")
    assert selected(page, "Speed") == "Real time"  # a rehearsal never carries over

    # -- client 1 again: last time's protocol, settings and answers --------------------------
    page.get_by_label("Protocol", exact=True).select_option(label=protocol_label("full-lift-20"))
    find(page, CLIENT)
    expect(history).to_contain_text("Client visit")
    expect(history).to_contain_text("step 3 Jawline (right): 250 → 200 µA")
    expect(carried).to_contain_text(f"Carried forward from {dt.date.today().isoformat()}")
    expect(carried).to_contain_text("250 µA → 200 µA")
    expect(carried).to_contain_text("Twitching; turn down next time")
    assert selected(page, "Protocol") == protocol_label("express-10")  # last time's
    expect(page.locator(".pt-intake-form .pt-q-pregnant .pt-answer-status")).to_have_text(
        "Not answered yet"
    )  # today's answers start empty
    page.get_by_role("button", name="Same as last visit").click()
    expect(page.get_by_text("Filled from the visit of")).to_be_visible()
    screen = page.get_by_role("button", name="Screen this client")
    expect(screen).to_be_disabled()
    page.get_by_label("I have checked every answer with the client today").check()
    expect(screen).to_be_enabled()
    screen.click()
    expect(page.locator(".pt-result-area .pt-outcome")).to_have_text("✔ May be treated")
    history.screenshot(path=str(SHOTS / "app_history.png"))
    carried.screenshot(path=str(SHOTS / "app_carried_forward.png"))
    assert page.errors == []

"""The guided-session timer in Debian's chromium, served by Voilà (and once by JupyterLab).

Playwright's fake clock runs a whole 20-minute protocol in seconds: the clock is
paused once the page has loaded and then moved by hand (``run_for`` fires every
timer and animation frame on the way; ``fast_forward`` jumps, firing each due
timer at most once, as a throttled background tab does).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import PROTOCOLS
from helpers import set_hidden
from protocol_tools import load_library, load_protocol
from protocol_tools.session.gate import prep_checklist

pytestmark = pytest.mark.browser

TIMER_NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "timer_under_test.ipynb"
# Screenshots to look at after a run (running, paused, finished, locked by screening).
SHOTS = Path(tempfile.gettempdir()) / "protocol-tools-timer-shots"


@pytest.fixture(scope="module")
def timeline():
    return load_protocol(PROTOCOLS / "full-lift-20.yaml").timeline()


def clock_text(seconds: float) -> str:
    whole = math.ceil(seconds - 1e-9)
    return f"{whole // 60}:{whole % 60:02d}"


def open_timer(page, url):
    """Load the page on a fake clock; pause the clock once the timer is drawn."""
    SHOTS.mkdir(exist_ok=True)
    page.clock.install()
    page.goto(url, wait_until="domcontentloaded")
    start = page.get_by_role("button", name="Start", exact=True)
    start.first.wait_for()
    now_ms = page.evaluate("Date.now()")
    page.clock.pause_at(dt.datetime.fromtimestamp(now_ms / 1000 + 1, dt.UTC))
    return start


def frame(page, ms: int = 0) -> None:
    """Advance the page's clock by ``ms`` plus one display frame, so it repaints."""
    page.clock.run_for(ms + 20)


def countdown(page) -> str:
    return page.get_by_role("timer").first.inner_text()


def browser_events(page) -> list[dict]:
    return page.evaluate("globalThis.__sessionTimer.events")


def expect_the_kernel_has_every_event(page) -> None:
    """The kernel-side log length, shown by the widget, equals what the browser sent."""
    sent = len(browser_events(page))
    expect(page.locator(".pt-logged").first).to_have_text(f"Events recorded: {sent}")


def state(page) -> str:
    return page.locator(".pt-state").first.inner_text()


def test_start_pause_resume_skip_back_finish_by_name_and_by_key(voila, page, timeline):
    start = open_timer(page, voila(TIMER_NOTEBOOK))
    pause = page.get_by_role("button", name="Pause", exact=True)
    resume = page.get_by_role("button", name="Resume", exact=True)
    skip = page.get_by_role("button", name="Skip", exact=True)
    back = page.get_by_role("button", name="Back", exact=True)
    finish = page.get_by_role("button", name="Finish", exact=True)
    step_name = page.locator(".pt-step-name").first

    assert countdown(page) == clock_text(timeline[0].seconds)
    expect(skip).to_be_disabled()
    expect(pause).to_be_hidden()
    start.click()
    frame(page, 10_000)
    assert countdown(page) == clock_text(timeline[0].seconds - 10)
    assert state(page).lower() == "running"

    pause.click()
    frame(page, 30_000)
    assert countdown(page) == clock_text(timeline[0].seconds - 10), "a pause stops the count"
    assert state(page).lower() == "paused"
    page.screenshot(path=str(SHOTS / "timer_paused.png"), full_page=True)
    resume.click()
    frame(page, 5_000)
    assert countdown(page) == clock_text(timeline[0].seconds - 15)

    skip.click()
    frame(page)
    expect(step_name).to_contain_text(timeline[1].action[:30])
    assert countdown(page) == clock_text(timeline[1].seconds)
    back.click()
    frame(page)
    expect(step_name).to_contain_text(timeline[0].action[:30])
    assert countdown(page) == clock_text(timeline[0].seconds)

    # Keys work once the timer has focus, and never steal a text field's space.
    page.locator(".pt-timer").first.focus()
    page.keyboard.press("Space")
    frame(page)
    assert state(page).lower() == "paused"
    page.keyboard.press("Space")
    frame(page)
    assert state(page).lower() == "running"
    page.keyboard.press("ArrowRight")
    frame(page)
    expect(step_name).to_contain_text(timeline[1].action[:30])
    page.keyboard.press("ArrowLeft")
    frame(page)
    expect(step_name).to_contain_text(timeline[0].action[:30])
    page.locator(".pt-adjust summary").first.click()
    page.get_by_label("Reason").first.type("a b")
    frame(page)
    assert state(page).lower() == "running"

    finish.click()
    frame(page)
    assert state(page).lower() == "finished"
    expect(skip).to_be_disabled()
    expect(finish).to_be_disabled()

    names = [(e["event"], e.get("step")) for e in browser_events(page)]
    assert names == [
        ("started", None),
        ("step_started", 1),
        ("paused", 1),
        ("resumed", 1),
        ("step_skipped", 1),
        ("step_started", 2),
        ("back", 2),
        ("step_ended", 2),
        ("step_started", 1),
        ("paused", 1),
        ("resumed", 1),
        ("step_skipped", 1),
        ("step_started", 2),
        ("back", 2),
        ("step_ended", 2),
        ("step_started", 1),
        ("step_ended", 1),
        ("finished", None),
    ]
    # One clock per model, with a random id on every event: Python tells a reloaded
    # page's events (seq from 1 again) from repeats by (clock_id, seq).
    ids = {e["clock_id"] for e in browser_events(page)}
    assert len(ids) == 1
    assert re.fullmatch(r"[0-9a-f]{16}", ids.pop())
    expect_the_kernel_has_every_event(page)
    assert page.errors == []


def test_a_whole_20_minute_protocol_in_seconds_with_15_minutes_hidden(
    voila, page, timeline, monkeypatch
):
    # The same timer shown twice: one clock, one set of events, two views.
    monkeypatch.setenv("TIMER_VIEWS", "2")
    start = open_timer(page, voila(TIMER_NOTEBOOK))
    expect(start).to_have_count(2)
    start.first.click()
    began = browser_events(page)[0]["at_ms"]
    total_ms = timeline[-1].end_s * 1000

    # The cues: a tone at every step change and three count-in beeps a second
    # apart before it, all scheduled on the audio clock at Start.
    cues = page.evaluate("globalThis.__sessionTimerCues")
    changes = [cue["at_ms"] - began for cue in cues if cue["kind"] == "step-change"]
    assert changes == [0] + [entry.end_s * 1000 for entry in timeline[:-1]]
    count_ins = sorted(cue["at_ms"] - began for cue in cues if cue["kind"] == "count-in")
    boundaries = [entry.end_s * 1000 for entry in timeline]
    assert count_ins == sorted(b - k * 1000 for b in boundaries for k in (1, 2, 3))
    finish = [cue["at_ms"] - began for cue in cues if cue["kind"] == "finish"]
    assert finish[0] == total_ms
    assert all(cue["audio_time"] is not None for cue in cues), "the audio clock was used"

    frame(page, 100_000)
    page.screenshot(path=str(SHOTS / "timer_running.png"), full_page=True)
    set_hidden(page, True)
    page.clock.fast_forward(15 * 60_000)
    set_hidden(page, False)
    frame(page)
    elapsed = 100.02 + 15 * 60 + 0.02
    current = next(e for e in timeline if e.start_s <= elapsed < e.end_s)
    assert page.get_by_role("timer").all_inner_texts() == [clock_text(current.end_s - elapsed)] * 2
    expect(page.locator(".pt-step-number").first).to_contain_text(
        f"Step {current.step} of {len(timeline)}"
    )
    assert not current.rewet_gel
    expect(page.locator(".pt-rewet").first).to_be_hidden()

    # A step that asks for fresh gel says so; the face map lights its zone.
    forehead = next(e for e in timeline if e.zone == "forehead")
    assert forehead.rewet_gel
    page.clock.fast_forward(int((forehead.start_s + 10 - elapsed) * 1000))
    frame(page)
    elapsed = forehead.start_s + 10.02
    expect(page.locator(".pt-step-name").first).to_have_text("Forehead — both sides")
    expect(page.locator(".pt-rewet").first).to_have_text("Re-wet the gel before this step")
    lit = page.locator(".pt-face-svg").first.locator('[data-current="true"]')
    assert sorted(lit.evaluate_all("(nodes) => nodes.map((n) => n.dataset.side)")) == [
        "left",
        "right",
    ]
    assert page.locator(".pt-face-svg").first.locator(".pt-stroke").count() >= 2
    page.screenshot(path=str(SHOTS / "timer_running_rewet.png"), full_page=True)

    page.clock.fast_forward(int(total_ms - elapsed * 1000) + 1_000)
    frame(page)
    assert [s.lower() for s in page.locator(".pt-state").all_inner_texts()] == ["finished"] * 2
    page.screenshot(path=str(SHOTS / "timer_finished.png"), full_page=True)

    events = browser_events(page)
    started = [e for e in events if e["event"] == "step_started"]
    # Each step starts once, at the second the protocol says, hidden or not.
    assert [e["step"] for e in started] == [entry.step for entry in timeline]
    assert [e["at_ms"] - began for e in started] == [entry.start_s * 1000 for entry in timeline]
    assert [e["at_ms"] - began for e in events if e["event"] == "finished"] == [total_ms]
    expect_the_kernel_has_every_event(page)
    assert page.errors == []


def test_every_protocol_in_the_library_runs_start_to_finish(voila, page, monkeypatch):
    monkeypatch.setenv("TIMER_PROTOCOL", "all")
    library = load_library(PROTOCOLS)
    start = open_timer(page, voila(TIMER_NOTEBOOK))
    expect(start).to_have_count(len(library))
    for _ in range(len(library)):
        start.first.click()  # a started timer's Start button disappears
    longest = max(protocol.total_seconds for protocol in library.values())
    for _ in range(int(longest // 60) + 2):
        page.clock.fast_forward(60_000)  # throttled wake-ups: a minute apart
    frame(page)
    assert [s.lower() for s in page.locator(".pt-state").all_inner_texts()] == ["finished"] * len(
        library
    )
    runs = page.evaluate(
        """() => [...globalThis.__protocolToolsTimers.values()].map((clock) => ({
            steps: clock.events.filter((e) => e.event === "step_started").length,
            took: clock.events.at(-1).at_ms - clock.events[0].at_ms,
            last: clock.events.at(-1).event}))"""
    )
    expected = [(len(p.steps), p.total_seconds * 1000) for p in library.values()]
    assert sorted((run["steps"], run["took"]) for run in runs) == sorted(expected)
    assert {run["last"] for run in runs} == {"finished"}
    # Every timer's kernel-side log ends up holding every event its browser sent.
    page.wait_for_function(
        """() => {
            const numbers = (list) => JSON.stringify(list.sort((a, b) => a - b));
            const shown = [...document.querySelectorAll(".pt-logged")]
                .map((node) => Number(node.textContent.split(": ")[1]));
            const sent = [...globalThis.__protocolToolsTimers.values()]
                .map((clock) => clock.events.length);
            return numbers(shown) === numbers(sent);
        }"""
    )
    assert page.errors == []


def test_the_app_keeps_start_locked_after_a_stop_until_an_override_with_reason(
    voila, page, tmp_path, monkeypatch
):
    sessions = tmp_path / "sessions"
    SHOTS.mkdir(exist_ok=True)
    monkeypatch.setenv("PROTOCOL_TOOLS_SESSIONS", str(sessions))
    page.goto(voila("02_guided_session.ipynb"), wait_until="domcontentloaded")
    start = page.get_by_role("button", name="Start", exact=True)
    start.wait_for()
    expect(start).to_be_disabled()

    page.get_by_label("Or practise with a synthetic client").select_option(label="c05 pacemaker")
    lock = page.locator(".pt-lock")
    expect(lock).to_contain_text("Do not treat")
    for item in prep_checklist():
        page.get_by_label(item["text"]).check()
    expect(lock).to_contain_text("record an override")
    expect(start).to_be_disabled()
    page.locator(".pt-timer").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "app_locked_by_screening.png"), full_page=False)

    page.get_by_label(re.compile("Override the screening outcome")).check()
    expect(start).to_be_disabled()  # no reason yet
    page.get_by_label("Reason for the override").fill("written clearance from the cardiologist")
    expect(start).to_be_enabled()
    page.get_by_text("Ready:").wait_for()
    start.click()
    expect(page.locator(".pt-state")).to_have_text(re.compile("running", re.I))
    # The override reaches the kernel-side log: screening, override, prep + the events.
    expect(page.locator(".pt-logged")).to_have_text(re.compile(r"Events recorded: ([5-9]|\d\d)"))
    page.get_by_role("button", name="Finish", exact=True).click()
    save = page.get_by_role("button", name="Save log as CSV")
    save.wait_for()
    expect(page.locator(".pt-summary")).to_contain_text("Planned (s)")
    expect(page.locator(".pt-summary")).to_contain_text("cut short")
    save.click()
    expect(page.get_by_text("Saved:")).to_be_visible()
    page.get_by_text("Saved:").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "app_finished_summary.png"))
    saved = list(sessions.glob("C-1005_*.csv"))
    assert len(saved) == 1
    text = saved[0].read_text(encoding="utf-8")
    assert "written clearance from the cardiologist" in text
    assert "override" in text
    assert page.errors == []


def test_jupyterlab_runs_the_timer(jupyterlab, page, tmp_path):
    folder = tmp_path / "lab"
    folder.mkdir()
    shutil.copy(TIMER_NOTEBOOK, folder / "timer.ipynb")  # Lab autosaves: never the original
    page.goto(jupyterlab(folder) + "/tree/timer.ipynb", wait_until="domcontentloaded")
    page.get_by_text(re.compile(r"\| Idle")).first.wait_for()
    page.locator(".jp-Cell").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator('[data-command="runmenu:run-all"]').click()
    start = page.get_by_role("button", name="Start", exact=True)
    start.wait_for()
    before = countdown(page)
    start.click()
    expect(page.get_by_role("timer").first).not_to_have_text(before)
    expect(page.locator(".pt-state").first).to_have_text(re.compile("running", re.I))
    expect(page.locator(".pt-logged").first).to_have_text(re.compile(r"Events recorded: [1-9]"))
    active = "[...globalThis.__protocolToolsTimers.values()].filter((c) => c.active).length"
    assert page.evaluate(active) == 1

    # Re-running the cell leaves no second timer running: the old one, with no
    # view left, goes dormant (no count, no sound, no events).
    page.locator(".jp-Cell").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator('[data-command="runmenu:run-all"]').click()
    expect(page.locator(".pt-state")).to_have_text(re.compile("ready", re.I))
    page.wait_for_function(f"{active} === 0")
    assert page.evaluate("globalThis.__sessionTimerCues.length") == 0
    assert page.errors == []

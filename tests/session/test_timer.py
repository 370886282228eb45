"""The session timer's kernel side: refusing protocols, events, log, summary, CSV.

No kernel and no browser: events are handed over as the browser sends them.
"""

from __future__ import annotations

import csv
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PROTOCOLS
from protocol_tools import (
    ExportError,
    ProtocolFileError,
    SessionError,
    SessionTimer,
    load_library,
    load_protocol,
    parse_protocol,
)
from protocol_tools.core.privacy import check_client_code
from protocol_tools.core.spreadsheet import FORMULA_STARTS
from protocol_tools.session.record import BROWSER_EVENTS, LOG_COLUMNS, default_sessions_dir
from strategies import browser_events, spreadsheet_hostile_text

T0 = 1_790_000_000_000.0  # a browser timestamp (ms)
CLOCK = "a1b2c3d4e5f60718"  # the random id a front end's clock sends with its events


@pytest.fixture(scope="module")
def lift():
    return load_protocol(PROTOCOLS / "full-lift-20.yaml")


@pytest.fixture
def timer(lift):
    return SessionTimer(lift, client_code="C-0142")


def send(timer, content):
    """Deliver a custom message the way the front end's model.send does."""
    timer._on_message(timer, content, [])


def event(seq, name, step=None, at=0.0, clock=CLOCK, **fields):
    return {
        "type": "event",
        "event": {
            "clock_id": clock,
            "seq": seq,
            "event": name,
            "step": step,
            "at_ms": T0 + at,
            **fields,
        },
    }


@pytest.mark.parametrize("protocol_id", sorted(load_library(PROTOCOLS)))
def test_every_ready_protocol_of_the_library_can_be_run(protocol_id):
    protocol = load_library(PROTOCOLS)[protocol_id]
    timer = SessionTimer(protocol, speed=60)
    assert [step["step"] for step in timer.steps] == list(range(1, len(protocol.steps) + 1))
    assert sum(step["seconds"] for step in timer.steps) == protocol.total_seconds


def test_the_widget_carries_the_timeline_and_the_face_geometry(lift, timer):
    assert len(timer.steps) == len(lift.steps)
    assert [s["start_s"] for s in timer.steps] == [e.start_s for e in lift.timeline()]
    jaw = next(s for s in timer.steps if s["zone"] == "jawline")
    assert jaw["technique_name"]
    assert jaw["current_uA"] == 350
    assert "jawline" in timer.geometry["zones"]
    assert timer.geometry["zones"]["jawline"]["left"]["strokes"]
    assert timer.status == "ready"
    assert timer.speed == 1.0


def test_front_end_files_ship_inside_the_package():
    static = Path(SessionTimer._esm._path).parent if hasattr(SessionTimer._esm, "_path") else None
    package = Path(__import__("protocol_tools").__file__).parent / "session" / "static"
    assert (package / "session_timer.js").is_file()
    assert (package / "session_timer.css").is_file()
    assert static in (None, package)
    script = (package / "session_timer.js").read_text()
    assert "export default { initialize, render }" in script
    # Offline: no CDN, no remote import.
    assert "http://" not in script.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in script


def test_a_draft_is_refused(lift):
    text = (
        (PROTOCOLS / "full-lift-20.yaml")
        .read_text()
        .replace("scope: full-face", "scope: full-face\nstatus: draft")
    )
    draft = parse_protocol(text, "draft.yaml")
    with pytest.raises(ProtocolFileError, match="is a draft"):
        SessionTimer(draft)


def test_a_protocol_with_errors_is_refused():
    text = (
        (PROTOCOLS / "full-lift-20.yaml")
        .read_text()
        .replace("current_uA: 350", "current_uA: 5000", 1)
    )
    broken = parse_protocol(text, "broken.yaml")
    with pytest.raises(ProtocolFileError, match="error") as caught:
        SessionTimer(broken)
    assert caught.value.findings
    assert all(f.is_error for f in caught.value.findings)


@pytest.mark.parametrize("speed", [0, -1, 10_000, float("nan")])
def test_a_bad_speed_is_refused(lift, speed):
    with pytest.raises(SessionError, match="speed"):
        SessionTimer(lift, speed=speed)


def test_speed_cannot_change_once_started(timer):
    timer.speed = 20
    timer.status = "running"
    with pytest.raises(SessionError, match="before the session starts"):
        timer.speed = 5


@pytest.mark.parametrize(
    "code", ["Jane Doe", "JaneDoe", "C_0142", "", "C-" + "1" * 20, "C-01;DROP"]
)
def test_a_name_or_junk_is_not_a_client_code(lift, code):
    # The timer uses the screening's one definition: a digit is needed, no '_',
    # at most 20 characters.
    with pytest.raises(SessionError, match="like C-0042"):
        SessionTimer(lift, client_code=code)
    with pytest.raises(SessionError):
        check_client_code(code, SessionError)


def test_a_name_set_on_the_timer_directly_is_never_saved(lift, tmp_path):
    timer = SessionTimer(lift, client_code="C-0142")
    timer.client_code = "JaneDoe"
    with pytest.raises(ExportError, match="not a client code"):
        timer.save_log(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_events_from_the_browser_land_in_the_log(timer):
    send(timer, event(1, "started"))
    send(timer, event(2, "step_started", 1))
    send(timer, event(3, "step_ended", 1, 60_000, actual_s=60, reason="completed"))
    send(timer, event(4, "step_started", 2, 60_000))
    send(timer, event(5, "paused", 2, 70_000))
    log = timer.log
    assert list(log.columns) == LOG_COLUMNS
    assert list(log["event"]) == ["started", "step_started", "step_ended", "step_started", "paused"]
    assert timer.logged_events == 5
    ended = log[log["event"] == "step_ended"].iloc[0]
    assert ended["planned_s"] == 60
    assert ended["actual_s"] == 60
    assert ended["kind"] == "prep"
    assert ended["browser_time"].startswith("2026-")
    assert ended["browser_time"].endswith("+00:00")


def test_a_repeated_or_unknown_event_is_ignored(timer):
    assert timer.receive({"clock_id": CLOCK, "seq": 1, "event": "started", "at_ms": T0})
    assert not timer.receive({"clock_id": CLOCK, "seq": 1, "event": "started", "at_ms": T0})
    assert not timer.receive({"clock_id": CLOCK, "seq": 2, "event": "rm -rf", "at_ms": T0})
    assert not timer.receive({"clock_id": CLOCK, "seq": "3", "event": "paused"})
    assert not timer.receive({"seq": 4, "event": "paused"})  # no clock id
    assert not timer.receive({"clock_id": "x" * 65, "seq": 5, "event": "paused"})
    send(timer, "not a dict")
    send(timer, {"type": "event", "event": "nope"})
    assert len(timer.log) == 1


def test_a_reloaded_page_keeps_logging(timer):
    # The first front end logs three events, then the page is reloaded with the
    # kernel running: the new clock counts from 1 again under a new id.
    for seq, (name, step) in enumerate(
        [("started", None), ("step_started", 1), ("step_ended", 1)], start=1
    ):
        send(timer, event(seq, name, step, clock="first-clock"))
    send(timer, event(1, "step_started", 2, 60_000, clock="after-reload"))
    send(timer, event(2, "paused", 2, 61_000, clock="after-reload"))
    # ...and a message delivered twice is still logged once.
    send(timer, event(2, "paused", 2, 61_000, clock="after-reload"))
    log = timer.log
    assert list(log["event"]) == ["started", "step_started", "step_ended", "step_started", "paused"]
    assert list(log["step"].astype(object)) == [pd.NA, 1, 1, 2, 2]


def test_long_text_from_the_browser_is_cut(timer):
    send(timer, event(1, "step_ended", 3, reason="x" * 5000, actual_s=1.0))
    assert len(timer.log["reason"].iloc[0]) == 300


def test_summary_compares_planned_and_actual(timer):
    steps = timer.steps
    send(timer, event(1, "step_ended", 1, actual_s=steps[0]["seconds"], reason="completed"))
    send(timer, event(2, "step_skipped", 2, actual_s=12.5, reason="skipped"))
    send(timer, event(3, "step_ended", 3, actual_s=30.0, reason="back"))
    send(timer, event(4, "step_ended", 3, actual_s=100.0, reason="finished early"))
    summary = timer.summary()
    assert len(summary) == len(steps)
    assert summary.loc[1, "outcome"] == "done"
    assert summary.loc[1, "difference_s"] == 0
    assert summary.loc[2, "outcome"] == "skipped"
    assert summary.loc[2, "actual_s"] == 12.5
    assert summary.loc[3, "outcome"] == "cut short"
    assert summary.loc[3, "actual_s"] == 130.0
    assert summary.loc[3, "difference_s"] == 130.0 - steps[2]["seconds"]
    assert summary.loc[4, "outcome"] == "not reached"


def test_adjustments_are_recorded_with_their_reason(timer):
    jaw = next(s["step"] for s in timer.steps if s["zone"] == "jawline")
    timer.record_adjustment(jaw, current_uA=200, reason="client felt a zap")
    send(
        timer,
        {
            "type": "adjustment",
            "step": jaw + 1,
            "skipped": True,
            "reason": "grinds teeth",
            "at_ms": T0,
        },
    )
    log = timer.log
    rows = log[log["event"] == "adjustment"]
    assert list(rows["step"]) == [jaw, jaw + 1]
    assert rows["current_uA"].iloc[0] == 200
    assert rows["reason"].iloc[1] == "zone skipped: grinds teeth"
    assert timer.adjustments[0] == {
        "step": jaw,
        "current_uA": 200,
        "skipped": False,
        "reason": "client felt a zap",
    }
    assert "200 µA" in timer.summary().loc[jaw, "adjustments"]


@pytest.mark.parametrize(
    ("step", "fields", "message"),
    [
        (99, {"current_uA": 100, "reason": "x"}, "step must be"),
        (3, {"current_uA": 100, "reason": "  "}, "needs a reason"),
        (3, {"reason": "why"}, "say what changed"),
        (3, {"current_uA": 1500, "reason": "why"}, "below 1000"),
        (1, {"current_uA": 100, "reason": "why"}, "prep step"),
    ],
)
def test_a_wrong_adjustment_is_refused(timer, step, fields, message):
    with pytest.raises(SessionError, match=message):
        timer.record_adjustment(step, **fields)
    assert timer.log.empty


@pytest.mark.parametrize("raised_to", [950, None])
def test_turning_down_needs_a_current_below_the_steps(timer, raised_to):
    jaw = next(s for s in timer.steps if s["zone"] == "jawline")
    current = raised_to if raised_to is not None else jaw["current_uA"]  # the same is no change
    with pytest.raises(SessionError, match=f"is set to {jaw['current_uA']:g} µA"):
        timer.record_adjustment(jaw["step"], current_uA=current, reason="client asked")
    send(timer, {"type": "adjustment", "step": jaw["step"], "current_uA": current, "reason": "x"})
    assert "not turned down" in timer.notice
    assert timer.log.empty
    assert timer.adjustments == []


def test_a_wrong_adjustment_from_the_browser_shows_a_notice(timer):
    send(timer, {"type": "adjustment", "step": 3, "current_uA": 100, "reason": ""})
    assert timer.notice.startswith("Not recorded:")
    assert timer.log.empty


def test_the_log_is_saved_as_csv_with_the_client_code(timer, tmp_path):
    timer.session_started_at = T0
    send(timer, event(1, "started"))
    timer.record_adjustment(3, current_uA=200, reason='=HYPERLINK("x")')
    path = timer.save_log(tmp_path / "sessions")
    assert path.parent == tmp_path / "sessions"
    assert path.name.startswith("C-0142_full-lift-20_")
    assert path.suffix == ".csv"
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [row["client_code"] for row in rows] == ["C-0142", "C-0142"]
    assert rows[0]["protocol"] == "full-lift-20@1.0.0"
    # A formula in a reason stays text when the CSV is opened in a spreadsheet.
    assert rows[1]["reason"].startswith("'=")
    assert not list(path.parent.glob(".*.tmp"))


def test_the_log_is_never_saved_into_the_repository(timer, root):
    with pytest.raises(ExportError, match="inside the project folder"):
        timer.save_log(root / "sessions")
    assert not (root / "sessions").exists()


def test_saving_needs_a_client_code(lift, tmp_path):
    with pytest.raises(ExportError, match="client code"):
        SessionTimer(lift).save_log(tmp_path)


def test_the_default_folder_is_outside_the_repository(monkeypatch, tmp_path, root):
    monkeypatch.delenv("PROTOCOL_TOOLS_SESSIONS", raising=False)
    assert default_sessions_dir() == Path.home() / "microcurrent-sessions"
    assert not default_sessions_dir().resolve().is_relative_to(root)
    monkeypatch.setenv("PROTOCOL_TOOLS_SESSIONS", str(tmp_path))
    assert default_sessions_dir() == tmp_path


# -- saving never replaces a log (issue 9) ------------------------------------------


def read_rows(path):
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_two_saves_in_the_same_second_keep_both_logs(lift, tmp_path):
    first, second = (
        SessionTimer(lift, client_code="C-0142"),
        SessionTimer(lift, client_code="C-0142"),
    )
    for timer, why in ((first, "first client felt a zap"), (second, "second session, tingling")):
        timer.session_started_at = T0  # the same second: the same date-time in the name
        timer.record_adjustment(3, current_uA=200, reason=why)
    paths = [first.save_log(tmp_path), second.save_log(tmp_path), first.save_log(tmp_path)]
    stem = paths[0].stem
    assert [p.name for p in paths] == [f"{stem}.csv", f"{stem}-2.csv", f"{stem}-3.csv"]
    assert stem.startswith("C-0142_full-lift-20_")
    assert sorted(tmp_path.iterdir()) == sorted(paths)
    assert [read_rows(p)[0]["reason"] for p in paths] == [
        "first client felt a zap",
        "second session, tingling",
        "first client felt a zap",
    ]


def test_a_file_already_under_the_name_is_kept(timer, tmp_path):
    timer.session_started_at = T0
    taken = tmp_path / timer.save_log(tmp_path).name
    taken.write_text("someone else's notes\n", encoding="utf-8")
    again = timer.save_log(tmp_path)
    assert again != taken
    assert taken.read_text(encoding="utf-8") == "someone else's notes\n"


def test_saves_at_the_same_moment_from_many_threads_keep_every_log(lift, tmp_path):
    timers = [SessionTimer(lift, client_code="C-0142") for _ in range(8)]
    for number, timer in enumerate(timers):
        timer.session_started_at = T0
        timer.record_adjustment(3, current_uA=200, reason=f"session {number}")
    gate = threading.Barrier(len(timers))

    def save(timer):
        gate.wait()
        return timer.save_log(tmp_path)

    with ThreadPoolExecutor(len(timers)) as pool:
        paths = list(pool.map(save, timers))
    assert len(set(paths)) == len(timers)
    assert sorted(read_rows(p)[0]["reason"] for p in paths) == sorted(
        f"session {n}" for n in range(len(timers))
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


# -- no formula reaches a spreadsheet (issue 9) -------------------------------------

HOSTILE = [
    *(f"{start}cmd|' /C calc'!A0" for start in FORMULA_STARTS),
    *(f"client felt a zap{brk}=cmd|' /C calc'!A0" for brk in ("\r", "\n", "\r\n", "\u2028")),
    '=HYPERLINK("http://example.invalid","click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\r\n@SUM(1)",
]


def assert_no_formula_starts(path, rows_expected):
    """Read ``path`` as a spreadsheet would (csv rules) and as a naive line reader would."""
    text = path.read_text(encoding="utf-8")
    with path.open(encoding="utf-8", newline="") as stream:
        table = list(csv.reader(stream))
    assert len(table) == rows_expected + 1  # the header
    for row in table:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
    lines = text.splitlines()  # every kind of line break, as the loosest reader splits
    assert len(lines) == rows_expected + 1
    for line in lines:
        assert not line.startswith(FORMULA_STARTS), line


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_formula_or_new_row_comes_out_of_any_text_in_the_log(lift, tmp_path, hostile):
    timer = SessionTimer(lift, client_code="C-0142")
    # The timeline's words reach the log too; make them hostile as well.
    steps = [dict(step) for step in timer.steps]
    steps[2].update(zone=hostile, side=hostile, kind=hostile)
    timer.steps = steps
    timer.record("screening", reason=hostile)
    timer.record(hostile, reason="event names are text too")
    send(timer, event(1, "step_ended", 3, actual_s=10.0, reason=hostile))
    timer.record_adjustment(4, current_uA=200, reason=hostile)
    timer.record_adjustment(5, skipped=True, reason=hostile)
    path = timer.save_log(tmp_path)
    assert_no_formula_starts(path, rows_expected=len(timer.log))
    screening = read_rows(path)[0]["reason"]
    # The words are kept; only their form changes (an apostrophe, breaks as spaces).
    assert screening.removeprefix("'").split() == hostile.split()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reasons=st.lists(spreadsheet_hostile_text, min_size=1, max_size=5))
def test_any_reason_text_keeps_one_row_per_event_and_no_formula(lift, reasons):
    timer = SessionTimer(lift, client_code="C-0142")
    for number, reason in enumerate(reasons, start=1):
        send(timer, event(number, "step_ended", 3, actual_s=1.0, reason=reason))
        timer.record("note", reason=reason)
    with tempfile.TemporaryDirectory() as folder:
        path = timer.save_log(folder)
        assert_no_formula_starts(path, rows_expected=2 * len(reasons))


# -- values from the browser and the API are checked (issue 9) ---------------------

BAD_NUMBERS = [
    1e20,
    -1e20,
    float("nan"),
    float("inf"),
    float("-inf"),
    "x",
    "5",
    True,
    10**400,
    -5,
    [],
    {},
]


def the_record_still_works(timer, folder):
    log = timer.log
    summary = timer.summary()
    path = timer.save_log(folder)
    assert len(read_rows(path)) == len(log)
    assert len(summary) == len(timer.steps)
    return log


@pytest.mark.parametrize("bad", BAD_NUMBERS, ids=repr)
def test_out_of_range_clock_readings_are_logged_as_missing(timer, tmp_path, bad):
    send(timer, event(1, "started"))
    message = event(2, "step_ended", 1, actual_s=bad, reason="completed")
    message["event"]["at_ms"] = bad
    send(timer, message)
    log = the_record_still_works(timer, tmp_path)
    assert list(log["event"]) == ["started", "step_ended"]
    ended = log.iloc[1]
    assert pd.isna(ended["browser_ms"])
    assert pd.isna(ended["browser_time"])
    assert pd.isna(ended["actual_s"])
    assert timer.summary().loc[1, "outcome"] == "done"


@pytest.mark.parametrize("bad", [*BAD_NUMBERS, 0, -1, 2**53, 10**30, 1.0], ids=repr)
def test_an_event_without_a_usable_number_is_ignored(timer, tmp_path, bad):
    assert not timer.receive({"clock_id": CLOCK, "seq": bad, "event": "started", "at_ms": T0})
    assert not timer.receive({"clock_id": CLOCK, "seq": 1, "event": [bad], "at_ms": T0})
    assert not timer.receive(bad)
    assert timer.log.empty
    the_record_still_works(timer, tmp_path)


@pytest.mark.parametrize("bad", [True, "2", 2.0, 10**30, [2]], ids=repr)
def test_a_step_that_is_not_a_step_number_fills_no_step(timer, bad):
    send(timer, event(1, "step_ended", bad, actual_s=5.0))
    send(timer, {"type": "adjustment", "step": bad, "current_uA": 100, "reason": "zap"})
    log = timer.log
    assert list(log["event"]) == ["step_ended"]
    assert pd.isna(log["step"].iloc[0])
    assert timer.notice.startswith("Not recorded: step must be a step number")
    assert timer.adjustments == []


@pytest.mark.parametrize("bad", [10**400, float("nan"), "200", True, -200, [200]], ids=repr)
def test_a_wrong_current_from_the_browser_shows_a_notice(timer, tmp_path, bad):
    jaw = next(s["step"] for s in timer.steps if s["zone"] == "jawline")
    send(timer, {"type": "adjustment", "step": jaw, "current_uA": bad, "reason": "zap"})
    assert timer.notice.startswith(f"Not recorded: current_uA for step {jaw} must be a number")
    assert timer.log.empty
    send(
        timer, {"type": "adjustment", "step": jaw, "current_uA": 200, "reason": "zap", "at_ms": bad}
    )
    assert list(timer.log["current_uA"]) == [200]
    assert pd.isna(timer.log["browser_ms"].iloc[0])
    the_record_still_works(timer, tmp_path)


@pytest.mark.parametrize("bad", [1e20, float("nan"), -1.0, 1e300], ids=repr)
def test_a_broken_start_time_from_the_browser_still_saves(timer, tmp_path, bad):
    timer.session_started_at = bad  # a synced trait: the browser writes it
    send(timer, event(1, "started"))
    path = timer.save_log(tmp_path)
    assert path.name.startswith("C-0142_full-lift-20_")
    assert len(read_rows(path)) == 1


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda t: t.record_adjustment("3", current_uA=200, reason="x"), "step"),
        (lambda t: t.record_adjustment(True, current_uA=200, reason="x"), "step"),
        (lambda t: t.record_adjustment(3.0, current_uA=200, reason="x"), "step"),
        (lambda t: t.record_adjustment(3, current_uA="200", reason="x"), "current_uA"),
        (lambda t: t.record_adjustment(3, current_uA=10**400, reason="x"), "current_uA"),
        (lambda t: t.record_adjustment(3, current_uA=float("nan"), reason="x"), "current_uA"),
        (lambda t: t.record_adjustment(3, current_uA=200, reason=5), "reason"),
        (lambda t: t.record_adjustment(3, current_uA=200, reason=None), "reason"),
        (lambda t: t.record_adjustment(3, skipped="yes", reason="x"), "skipped"),
        (
            lambda t: t.record_adjustment(3, current_uA=200, reason="x", browser_ms=1e20),
            "browser_ms",
        ),
        (
            lambda t: t.record_adjustment(3, current_uA=200, reason="x", browser_ms="x"),
            "browser_ms",
        ),
        (lambda t: t.record("note", step="2"), "step"),
        (lambda t: t.record("note", step=99), "step"),
        (lambda t: t.record("note", reason=5), "reason"),
        (lambda t: t.record(5), "event"),
    ],
)
def test_wrong_types_through_the_api_raise_a_session_error_naming_the_field(
    timer, tmp_path, call, field
):
    with pytest.raises(SessionError, match=field):
        call(timer)
    assert timer.log.empty
    assert timer.adjustments == []
    the_record_still_works(timer, tmp_path)


def test_the_step_is_named_in_the_error(timer):
    with pytest.raises(SessionError, match=r"step must be a step number from 1 to \d+, not '3'"):
        timer.record_adjustment("3", current_uA=200, reason="x")


@pytest.mark.parametrize("speed", ["3", None, True, [2]], ids=repr)
def test_a_speed_that_is_not_a_number_is_refused(lift, speed):
    with pytest.raises(SessionError, match="speed must be a number"):
        SessionTimer(lift, speed=speed)


@pytest.mark.parametrize("folder", [5, ["x"], True], ids=repr)
def test_a_folder_that_is_not_a_path_is_refused(timer, folder):
    with pytest.raises(ExportError, match="folder"):
        timer.save_log(folder)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_messages_from_a_front_end_keep_the_record_usable(lift, data):
    timer = SessionTimer(lift, client_code="C-0142")
    steps = len(timer.steps)
    messages = data.draw(
        st.lists(browser_events(tuple(sorted(BROWSER_EVENTS)), steps), max_size=12)
    )
    for message in messages:
        send(timer, {"type": "event", "event": message})
        send(timer, {"type": "adjustment", **message, "current_uA": message["at_ms"]})
    timer.session_started_at = data.draw(st.floats())
    with tempfile.TemporaryDirectory() as folder:
        log = the_record_still_works(timer, folder)
    assert set(log["event"]) <= BROWSER_EVENTS | {"adjustment"}
    assert log["browser_ms"].dropna().between(0, 253402300800000).all()
    assert log["actual_s"].dropna().ge(0).all()

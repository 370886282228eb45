"""The session record without a widget: events, notes, adjustments, summary, CSV."""

from __future__ import annotations

import pytest

from conftest import PROTOCOLS
from protocol_tools import ExportError, SessionError, load_protocol
from protocol_tools.session import timer as session_timer
from protocol_tools.session.record import (
    LOG_COLUMNS,
    SessionRecord,
    log_file_stem,
    timeline_steps,
)

CLOCK = "a1b2c3d4e5f60718"


@pytest.fixture(scope="module")
def lift():
    return load_protocol(PROTOCOLS / "full-lift-20.yaml")


@pytest.fixture
def record(lift):
    return SessionRecord(timeline_steps(lift))


def test_a_step_is_recorded_with_its_planned_time(record):
    assert record.receive({"clock_id": CLOCK, "seq": 1, "event": "step_started", "step": 1})
    assert record.receive(
        {"clock_id": CLOCK, "seq": 2, "event": "step_ended", "step": 1, "actual_s": 5.0}
    )
    ended = record.rows[-1]
    assert ended["planned_s"] == record.steps[0]["seconds"]
    assert list(ended) == LOG_COLUMNS
    summary = record.summary()
    assert summary.loc[1, "outcome"] == "done"
    assert summary.loc[2, "outcome"] == "not reached"


def test_an_adjustment_is_returned_for_the_browser(record):
    jaw = next(s for s in record.steps if s["zone"] == "jawline")
    change = record.adjust(jaw["step"], current_uA=200, reason=" client felt a zap ")
    assert change == {
        "step": jaw["step"],
        "current_uA": 200.0,
        "skipped": False,
        "reason": "client felt a zap",
    }
    with pytest.raises(SessionError, match="reason"):
        record.adjust(jaw["step"], current_uA=200, reason="")


def test_the_csv_names_client_and_protocol_and_never_a_name(record, lift, tmp_path):
    record.note("screening", reason="proceed: none")
    text = record.csv_text("C-0142", lift)
    assert text.splitlines()[0].startswith("client_code,protocol,seq,event")
    assert f"C-0142,{lift.id}@{lift.version}" in text
    with pytest.raises(ExportError, match="client code"):
        record.save(tmp_path, client_code="Jane Doe", protocol=lift)
    path = record.save(tmp_path, client_code="C-0142", protocol=lift, started_ms=0.0)
    assert path.name.startswith(f"C-0142_{lift.id}_")


def test_the_file_name_carries_the_start_in_utc():
    assert log_file_stem("C-1", "p", 86_400_000) == "C-1_p_19700102-000000"
    # A broken reading from the browser falls back to now rather than failing.
    assert log_file_stem("C-1", "p", float("nan")).startswith("C-1_p_2")


def test_the_timer_keeps_the_names_that_moved_where_they_were():
    for name in ("LOG_COLUMNS", "SESSIONS_ENV", "default_sessions_dir"):
        assert hasattr(session_timer, name)

"""Signing a trainee in (a code off a hub, the hub user on one), errors said in words,
and the guided session's rehearsals kept for the trainee signed in: run to the end
or stopped, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from conftest import PROTOCOLS, intake_answers
from protocol_tools import load_library
from protocol_tools.records.store import RecordStore
from protocol_tools.records.training import trainee_codes, trainee_work
from protocol_tools.session.app import GuidedSession
from protocol_tools.training.trainee_account import (
    TraineeAccount,
    current_account,
    rehearsal_finished,
    rehearsal_steps,
)
from protocol_tools.training.trainee_sign_in import trainee_sign_in

TODAY = dt.date(2026, 11, 23)
CLOCK_MS = 1_795_000_000_000.0


@pytest.fixture(autouse=True)
def off_a_hub(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    yield
    current_account().sign_out()  # the page's account outlives a test


def words(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


# -- the sign-in -----------------------------------------------------------------------


def test_signing_in_with_a_code_keeps_the_trainee_and_says_so(store):
    view = trainee_sign_in(TraineeAccount(store))
    assert view.code_box.description == "Trainee code"
    assert view.sign_in_button.description == "Sign in"
    assert "Not signed in" in words(view.status.value)
    view.code_box.value = " ana.k "
    view.sign_in_button.click()
    assert view.account.code == "ana.k"
    assert trainee_codes(store) == ["ana.k"]
    assert "Signed in as ana.k." in words(view.status.value)
    assert view.form.layout.display == "none"
    view.sign_out_button.click()
    assert view.account.code is None
    assert view.form.layout.display == "flex"


@pytest.mark.parametrize("typed", ["Jane Doe", "<b>x</b>", "-ana", ""])
def test_a_bad_code_is_refused_in_words(store, typed):
    view = trainee_sign_in(TraineeAccount(store))
    view.code_box.value = typed
    view.sign_in_button.click()
    assert view.account.code is None
    assert trainee_codes(store) == []
    said = words(view.status.value)
    assert "Not signed in" in said or "Type your trainee code first" in said
    assert "<b>" not in view.status.value  # escaped
    assert "Traceback" not in said


def test_a_record_that_cannot_be_opened_is_said_in_words(tmp_path, monkeypatch, root):
    # The default record inside the project is refused: the client record never goes there.
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(root / "records.db"))
    view = trainee_sign_in(TraineeAccount())
    view.code_box.value = "ana"
    view.sign_in_button.click()
    said = words(view.status.value)
    assert said.startswith("✖ Not signed in:")
    assert "inside the project folder" in said
    assert view.account.code is None
    assert not (root / "records.db").exists()


def test_on_a_hub_the_hub_user_is_signed_in_with_no_box(monkeypatch, store):
    monkeypatch.setenv("JUPYTERHUB_USER", "ana.k")
    view = trainee_sign_in(TraineeAccount(store))
    assert view.account.code == "ana.k"
    assert "Signed in as ana.k." in words(view.status.value)
    assert view.form.layout.display == "none"
    assert view.sign_out_button.layout.display == "none"


def test_a_hub_user_name_that_is_no_trainee_code_is_said(monkeypatch, store):
    monkeypatch.setenv("JUPYTERHUB_USER", "ana k<script>")
    view = trainee_sign_in(TraineeAccount(store))
    assert view.account.code is None
    assert "Your work is not kept" in words(view.status.value)
    assert "<script>" not in view.status.value


def test_every_view_of_one_account_follows_a_sign_in(store):
    account = TraineeAccount(store)
    first, second = trainee_sign_in(account), trainee_sign_in(account)
    first.sign_in("bo")
    assert "Signed in as bo." in words(second.status.value)


# -- rehearsals ------------------------------------------------------------------------


def test_a_rehearsals_steps_are_planned_beside_actual_seconds():
    steps = [
        {"step": 1, "kind": "prep", "zone": None, "seconds": 60.0},
        {"step": 2, "kind": "treatment", "zone": "jawline", "seconds": 90.0},
    ]
    done = [{"step": 1, "actual_s": 58.0, "outcome": "done"}, {"step": 2, "actual_s": 91.5}]
    assert rehearsal_steps(steps, done) == [
        {"zone": "prep", "planned_seconds": 60.0, "seconds": 58.0},
        {"zone": "jawline", "planned_seconds": 90.0, "seconds": 91.5},
    ]
    assert rehearsal_finished([{"outcome": "done"}, {"outcome": "skipped"}])
    assert not rehearsal_finished([{"outcome": "done"}, {"outcome": "cut short"}])
    assert not rehearsal_finished([{"outcome": "done"}, {"outcome": "not reached"}])
    assert not rehearsal_finished([])


@pytest.fixture(scope="module")
def library():
    return load_library(PROTOCOLS)


def rehearsal(library, tmp_path, store: RecordStore) -> GuidedSession:
    """The guided session at 10× speed with a synthetic client, ready to start."""
    app = GuidedSession(library, sessions_dir=tmp_path / "sessions", today=TODAY, store=store)
    app.protocol_picker.value = "express-10"
    app.speed_picker.value = 10.0
    app.practice_picker.value = "c01_all_clear"
    for box in app.prep_boxes.values():
        box.value = True
    assert app.blockers == []
    return app


def run(app, *, stop_at=None):
    """Run the timer as the browser reports it; ``stop_at``: Finish pressed in that step."""
    timer = app.timer
    numbers = iter(range(1, 10_000))

    def send(event, **fields):
        timer.receive(
            {"event": event, "seq": next(numbers), "clock_id": "c1", "at_ms": CLOCK_MS, **fields}
        )

    timer.status = "running"
    send("started")
    for step in timer.steps:
        number = step["step"]
        send("step_started", step=number)
        if number == stop_at:
            send("step_ended", step=number, actual_s=2.0, reason="finished early")
            break
        send("step_ended", step=number, actual_s=step["seconds"] + 1, reason="completed")
    timer.status = "finished"  # the browser's state change comes before its last message
    send("finished", reason="finished early" if stop_at else "completed")
    return timer


@pytest.mark.parametrize("how", ["run to the end", "stopped"])
def test_a_signed_in_trainees_rehearsal_is_kept_finished_or_stopped(
    library, tmp_path, store, monkeypatch, how
):
    monkeypatch.setenv("JUPYTERHUB_USER", "ana.k")  # on a hub: signed in already
    app = rehearsal(library, tmp_path, store)
    timer = run(app, stop_at=4 if how == "stopped" else None)
    (kept,) = trainee_work(store, "ana.k").rehearsals
    assert kept.protocol_id == "express-10"
    assert kept.speed == 10.0
    assert kept.finished is (how == "run to the end")
    assert [step["zone"] for step in kept.steps] == [
        step["zone"] or step["kind"] for step in timer.steps
    ]
    assert [step["planned_seconds"] for step in kept.steps] == [s["seconds"] for s in timer.steps]
    if how == "stopped":
        assert [step["seconds"] for step in kept.steps[2:5]] == [
            timer.steps[2]["seconds"] + 1,
            2.0,
            0.0,
        ]
    else:
        assert [step["seconds"] for step in kept.steps] == [s["seconds"] + 1 for s in timer.steps]
    said = words(app.finish.stored.value)
    assert f"Kept in your training record: this rehearsal ({how}" in said
    assert "as ana.k." in said


def test_a_trainee_signed_in_on_the_page_has_their_rehearsal_kept(library, tmp_path, store):
    current_account().sign_in("bo")
    run(rehearsal(library, tmp_path, store))
    assert [r.finished for r in trainee_work(store, "bo").rehearsals] == [True]


def test_nobody_signed_in_keeps_no_rehearsal(library, tmp_path, store):
    app = rehearsal(library, tmp_path, store)
    run(app)
    assert trainee_codes(store) == []
    assert "training record" not in app.finish.stored.value
    assert "stored as practice" in app.finish.stored.value


def test_a_client_visit_is_never_kept_as_a_rehearsal(library, tmp_path, store, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "ana.k")
    app = GuidedSession(library, sessions_dir=tmp_path / "sessions", today=TODAY, store=store)
    app.protocol_picker.value = "express-10"
    app.client_code.value = "C-2001"
    app.client.find_button.click()
    app.form.fill(intake_answers(client="C-2001", date=TODAY, jewelry=False, braces=False))
    app.form.button.click()
    for box in app.prep_boxes.values():
        box.value = True
    assert app.blockers == []
    assert not app.practice
    run(app)
    assert "this visit is in the record of C-2001" in words(app.finish.stored.value)
    assert trainee_codes(store) == []

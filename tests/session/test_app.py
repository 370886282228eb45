"""The guided-session app's gating: what keeps Start locked, and what the log records."""

from __future__ import annotations

import datetime as dt
import html
import shutil

import pytest

from conftest import PROTOCOLS, SESSION_DAY, intake_answers
from protocol_tools import load_library
from protocol_tools.core.errors import RecordError
from protocol_tools.records.history import client_record, export_record
from protocol_tools.records.plans import current_plans
from protocol_tools.records.store import RecordStore
from protocol_tools.screening.engine import outcomes, screen
from protocol_tools.screening.intake import load_intake
from protocol_tools.screening.rules import practice_clients
from protocol_tools.session.app import GuidedSession
from protocol_tools.session.app_client import CHECKED_LABEL
from protocol_tools.session.gate import (
    practice_intake_on,
    prep_checklist,
    screening_day_blocker,
    start_blockers,
)


@pytest.fixture(scope="module")
def library():
    return load_library(PROTOCOLS)


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "records" / "records.db") as records:
        yield records


@pytest.fixture
def app(library, tmp_path, store):
    return GuidedSession(library, sessions_dir=tmp_path / "sessions", store=store)


def tick_all(app):
    for box in app.prep_boxes.values():
        box.value = True


def test_the_checklist_comes_from_session_care():
    ids = [item["id"] for item in prep_checklist()]
    assert "gel-applied" in ids
    assert "screening-done" in ids


def test_start_is_locked_at_first(app):
    assert app.timer is not None
    assert app.timer.locked
    blockers = app.blockers
    assert any("client code" in b for b in blockers)
    assert any("screen the client" in b for b in blockers)
    assert any("prep checklist" in b for b in blockers)
    assert "Start is locked" in app.status.value


def test_only_ready_protocols_are_offered_and_drafts_are_named(library, tmp_path):
    folder = tmp_path / "lib"
    shutil.copytree(PROTOCOLS, folder, ignore=shutil.ignore_patterns("schema"))
    draft = (folder / "express-10.yaml").read_text().replace("id: express-10", "id: my-draft")
    (folder / "my-draft.yaml").write_text(draft.replace("scope:", "status: draft\nscope:", 1))
    app = GuidedSession(load_library(folder), sessions_dir=tmp_path / "s")
    offered = [value for _label, value in app.protocol_picker.options]
    assert "my-draft" not in offered
    assert "express-10" in offered
    assert "my-draft" in app.drafts.value
    assert "Drafts, not offered" in app.drafts.value


@pytest.mark.parametrize(
    ("practice", "outcome"),
    [("c05_pacemaker", "stop"), ("c04_pregnant", "stop"), ("c09_retinoid_6_days", "postpone")],
)
def test_a_refusing_screening_keeps_start_locked_until_an_override_with_reason(
    app, practice, outcome
):
    app.practice_picker.value = practice
    assert app.form.result is not None
    assert app.form.result.outcome == outcome
    tick_all(app)
    assert app.timer.locked
    # The outcome as the form shows it, never its code.
    shown = outcomes()[outcome]
    says = f"the screening says {shown['icon']} {shown['title']};"
    assert any(says in b for b in app.blockers)
    assert not any(f"({outcome})" in b for b in app.blockers)
    assert app.override_box.layout.display == "flex"
    app.override.value = True
    assert app.timer.locked, "an override without a reason is no override"
    app.override_reason.value = "   "
    assert app.timer.locked
    app.override_reason.value = "written clearance from the client's doctor, seen today"
    assert app.blockers == []
    assert not app.timer.locked


def test_a_clear_screening_and_full_checklist_unlock_start(app):
    app.practice_picker.value = "c01_all_clear"
    assert app.form.result.allows_treatment
    assert app.override_box.layout.display == "none"
    assert app.timer.locked  # prep not ticked yet
    tick_all(app)
    assert app.blockers == []
    assert not app.timer.locked
    assert app.timer.client_code == app.client_code.value
    assert "Ready" in app.status.value
    # Unticking an item locks it again.
    next(iter(app.prep_boxes.values())).value = False
    assert app.timer.locked


def test_a_screening_for_another_client_does_not_count(app):
    app.practice_picker.value = "c01_all_clear"
    tick_all(app)
    app.client_code.value = "C-9999"
    assert app.timer.locked


def test_start_blockers_without_widgets(library):
    result = screen(intake_answers(client="C-1"))
    done = {item["id"]: True for item in prep_checklist()}
    protocol = library["express-10"]
    day = {"today": SESSION_DAY}
    assert (
        start_blockers(protocol=protocol, client_code="C-1", result=result, prep_done=done, **day)
        == []
    )
    assert start_blockers(
        protocol=None, client_code="C-1", result=result, prep_done=done, **day
    ) == ["choose a protocol"]
    blockers = start_blockers(
        protocol=protocol, client_code="Jane Doe", result=result, prep_done=done, **day
    )
    assert len(blockers) == 1
    assert "client code" in blockers[0]
    # The app and the screening agree: what the screening refuses, the app refuses,
    # and the hint describes the code the screening asks for (no '_').
    for code in ("C_0142", "JaneDoe", "C-" + "1" * 20):
        blockers = start_blockers(
            protocol=protocol, client_code=code, result=result, prep_done=done, **day
        )
        assert len(blockers) == 1, code
        assert "like C-0042" in blockers[0]
        assert "'_'" not in blockers[0]


def test_the_log_records_screening_override_and_prep_at_start(app, tmp_path):
    app.practice_picker.value = "c05_pacemaker"
    tick_all(app)
    app.override.value = True
    app.override_reason.value = "cardiologist's written clearance"
    timer = app.timer
    timer.status = "running"  # as the browser reports after Start
    log = timer.log
    assert list(log["event"]) == ["screening", "override", "prep_checked"]
    assert log["reason"].iloc[0].startswith("stop:")
    assert log["reason"].iloc[1] == "cardiologist's written clearance"
    assert app.protocol_picker.disabled
    assert app.client_code.disabled
    timer.status = "finished"
    assert app.finish.layout.display == "flex"
    assert "Planned (s)" in app.finish.summary.value
    path = app.save()
    assert path is not None
    assert path.parent == tmp_path / "sessions"
    assert "Saved" in app.finish.save_message.value


def test_saving_into_the_repository_is_refused_in_the_app(app, root):
    app.practice_picker.value = "c01_all_clear"
    tick_all(app)
    app.finish.folder.value = str(root / "logs")
    assert app.save() is None
    assert "inside the project folder" in app.finish.save_message.value
    assert not (root / "logs").exists()


def test_changing_protocol_closes_the_old_timer(app, library):
    old = app.timer
    other = next(pid for pid in library if pid != app.protocol_picker.value)
    app.protocol_picker.value = other
    assert app.timer is not old
    assert app.timer.protocol.id == other
    assert old.comm is None  # closed: its front end stops its clock and sound


# -- the screening counts for the session day only (issue 9) ----------------------

SESSION = dt.date(2026, 11, 30)
NEXT_JUNE = dt.date(2027, 6, 1)


def ready_to_start(library, result, **changes):
    arguments = {
        "protocol": library["express-10"],
        "client_code": result.client,
        "result": result,
        "prep_done": {item["id"]: True for item in prep_checklist()},
        "today": SESSION,
    }
    return start_blockers(**{**arguments, **changes})


def test_an_intake_answered_for_another_day_keeps_start_locked(library):
    later = screen(intake_answers(client="C-1", date=NEXT_JUNE))
    assert later.allows_treatment  # a clear screening, but for next June
    assert ready_to_start(library, later) == [
        "the intake was answered for 2027-06-01 but the session is for 2026-11-30: "
        "screen the client again for that day"
    ]
    yesterday = screen(intake_answers(client="C-1", date=SESSION - dt.timedelta(days=1)))
    assert len(ready_to_start(library, yesterday)) == 1
    assert ready_to_start(library, screen(intake_answers(client="C-1", date=SESSION))) == []


def test_an_override_does_not_open_a_session_screened_for_another_day(library):
    stopped = screen(intake_answers(client="C-1", date=NEXT_JUNE, pregnant=True))
    blockers = ready_to_start(library, stopped, override_reason="doctor's letter seen")
    # Only the day is named: an override answers today's outcome, not next June's.
    assert blockers == [screening_day_blocker(NEXT_JUNE, SESSION)]


def test_the_session_day_is_the_computers_date_by_default(library):
    today = dt.date.today()
    result = screen(intake_answers(client="C-1", date=today))
    assert ready_to_start(library, result, today=None) == []
    result = screen(intake_answers(client="C-1", date=today + dt.timedelta(days=200)))
    assert ready_to_start(library, result, today=None) == [
        screening_day_blocker(today + dt.timedelta(days=200), today)
    ]


def test_the_app_refuses_a_screening_for_another_day(library, tmp_path, store):
    app = GuidedSession(library, sessions_dir=tmp_path, today=SESSION, store=store)
    assert app.form.questions["date"].control.value == SESSION  # the form starts on the day
    app.client_code.value = "C-0042"
    app.client.find_button.click()
    app.form.fill(intake_answers(date=NEXT_JUNE.isoformat(), jewelry=False, braces=False))
    assert app.form.check().allows_treatment
    tick_all(app)
    assert app.timer.locked
    assert "but the session is for 2026-11-30" in app.timer.locked_reason
    assert "screen the client again for that day" in app.status.value
    assert app.override_box.layout.display == "none"  # nothing to override: a clear outcome
    app.form.questions["date"].control.value = SESSION
    app.form.check()
    assert app.blockers == []
    assert not app.timer.locked


PRACTICE_DAYS = [
    dt.date(2026, 11, 23),  # the files' own day
    dt.date(2026, 1, 5),
    dt.date(2027, 2, 28),
    dt.date(2028, 2, 28),  # the day before a 29 February
    dt.date(2028, 2, 29),
    dt.date(2028, 3, 1),
    dt.date(2028, 6, 1),  # moving every date by the same days would make c07 17
    dt.date(2031, 12, 31),
]


@pytest.mark.parametrize("day", PRACTICE_DAYS, ids=str)
@pytest.mark.parametrize("stem", sorted(practice_clients()))
def test_a_practice_client_is_answered_for_the_day_with_its_lesson_kept(stem, day):
    original = load_intake(practice_clients()[stem])
    moved = practice_intake_on(original, day)
    assert moved.date == day
    before, after = screen(original), screen(moved)
    assert after.outcome == before.outcome
    assert [reason.rule for reason in after.reasons] == [reason.rule for reason in before.reasons]
    if before.earliest_date is not None:
        assert after.earliest_date - day == before.earliest_date - original.date


def test_a_practice_client_in_the_app_can_start_today(library, tmp_path, store):
    app = GuidedSession(library, sessions_dir=tmp_path, today=dt.date(2028, 2, 29), store=store)
    app.practice_picker.value = "c07_turns_18_today"
    assert app.form.result.date == dt.date(2028, 2, 29)
    assert app.form.result.allows_treatment  # she turns 18 on the session day
    tick_all(app)
    assert app.blockers == []


# -- an app left open past midnight follows the day ---------------------------------


class Clock:
    """A session day the test moves on by hand: no sleeping until midnight."""

    def __init__(self, day: dt.date) -> None:
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


def test_an_app_left_open_past_midnight_can_be_screened_again(library, tmp_path, store):
    clock = Clock(SESSION)
    app = GuidedSession(library, sessions_dir=tmp_path, today=clock, store=store)
    app.practice_picker.value = "c01_all_clear"
    tick_all(app)
    assert app.blockers == []
    clock.day = SESSION + dt.timedelta(days=1)  # midnight passes; nobody touches the app
    box = next(iter(app.prep_boxes.values()))
    box.value = False  # the next change anywhere checks the day again
    box.value = True
    assert app.today == clock.day
    assert app.form.questions["date"].control.value == clock.day  # the form follows the day
    assert app.timer.locked  # yesterday's screening no longer counts
    app.form.check()  # the practitioner presses Screen this client again
    assert app.form.result.date == clock.day
    assert app.blockers == []
    assert not app.timer.locked


def test_screening_first_after_midnight_still_asks_for_todays_screening(library, tmp_path, store):
    clock = Clock(SESSION)
    app = GuidedSession(library, sessions_dir=tmp_path, today=clock, store=store)
    app.practice_picker.value = "c01_all_clear"
    tick_all(app)
    clock.day = SESSION + dt.timedelta(days=1)
    app.form.button.click()  # pressed first after midnight: the answers still say yesterday
    assert app.timer.locked
    assert app.form.questions["date"].control.value == clock.day  # now set for today
    app.form.button.click()
    assert app.blockers == []
    assert not app.timer.locked


def test_choosing_a_client_sets_the_form_to_the_session_day(library, tmp_path):
    clock = Clock(SESSION)
    app = GuidedSession(library, sessions_dir=tmp_path, today=clock)
    clock.day = SESSION + dt.timedelta(days=2)
    app.client_code.value = "C-0042"
    assert app.form.questions["date"].control.value == clock.day


def test_a_fixed_day_stays_fixed(library, tmp_path):
    app = GuidedSession(library, sessions_dir=tmp_path, today=SESSION)
    assert app.today == SESSION
    assert GuidedSession(library, sessions_dir=tmp_path).today == dt.date.today()


def test_what_the_app_shows_names_no_rule_code(app):
    app.practice_picker.value = "c05_pacemaker"
    shown = app.status.value + app.timer.locked_reason
    assert "Do not treat" in shown
    assert "(stop)" not in shown


# -- the visit in the client record (issue 11) -------------------------------------

TODAY = dt.date(2026, 11, 23)
CLOCK_MS = 1_795_000_000_000.0  # 2026-11-19, a browser's epoch milliseconds


@pytest.fixture
def visits(library, tmp_path, store):
    """The app on a fixed day with a record of its own, on express-10."""
    app = GuidedSession(library, sessions_dir=tmp_path / "sessions", today=TODAY, store=store)
    app.protocol_picker.value = "express-10"
    return app


def shown(widget) -> str:
    """An HTML widget's text as the page shows it (entities read)."""
    return html.unescape(widget.value)


def find(app, code):
    app.client_code.value = code
    app.client.find_button.click()


def screen_in_app(app, **answers):
    """Answer the whole form for the client in the code field, and press Screen."""
    code = app.client_code.value
    app.form.fill(intake_answers(client=code, date=TODAY, jewelry=False, braces=False, **answers))
    app.form.button.click()
    return app.form.result


def run(app, *, turn_down=None, skip=None):
    """Run the timer's session as the browser reports it: every step started and ended
    (``skip``: a step skipped), ``turn_down``: ``(step, µA)`` recorded on the way."""
    timer = app.timer
    clock = f"clock-{timer.session_id[:8]}"
    numbers = iter(range(1, 10_000))
    moment = CLOCK_MS

    def send(event, **fields):
        timer.receive(
            {"event": event, "seq": next(numbers), "clock_id": clock, "at_ms": moment, **fields}
        )

    timer.status = "running"  # as the browser reports after Start
    send("started")
    for step in timer.steps:
        number = step["step"]
        send("step_started", step=number)
        if turn_down and turn_down[0] == number:
            timer.record_adjustment(number, current_uA=turn_down[1], reason="client felt a zap")
        moment += step["seconds"] * 1000
        if number == skip:
            send("step_skipped", step=number, actual_s=1.0)
        else:
            send("step_ended", step=number, actual_s=step["seconds"], reason="completed")
    timer.status = "finished"
    send("finished", reason="completed")
    return timer


def ready(app, **answers):
    result = screen_in_app(app, **answers)
    tick_all(app)
    return result


def test_every_event_is_stored_as_it_happens_without_save(visits, store, tmp_path):
    find(visits, "C-2001")
    assert "New client: no visits yet" in visits.client.history.value
    assert store.find_client("C-2001") is None  # added when the visit is stored
    ready(visits)
    assert visits.blockers == []
    timer = visits.timer
    timer.status = "running"
    assert visits.recorder is not None
    assert "goes into the client's record as it happens" in visits.status.value
    timer.receive({"event": "started", "seq": 1, "clock_id": "abc", "at_ms": CLOCK_MS})
    timer.receive(
        {"event": "step_started", "seq": 2, "clock_id": "abc", "step": 1, "at_ms": CLOCK_MS}
    )
    # Mid-session, before any Save: the record holds the visit and every event so far.
    stored = export_record(store, "C-2001")["visits"][0]
    assert stored["status"] == "open"
    events = sorted(e["event"] for e in stored["events"])
    assert events == ["prep_checked", "screening", "started", "step_started"]
    assert stored["intake"]["client"] == "C-2001"
    assert stored["screening"]["outcome"] == "proceed"
    timer.status = "finished"
    record = client_record(store, "C-2001")
    assert record["visits"][0]["status"] == "finished"
    assert not record["visits"][0]["practice"]
    assert "this visit is in the record of C-2001" in visits.finish.stored.value
    assert not (tmp_path / "sessions").exists()  # no CSV was written


def test_comfort_per_step_is_stored_with_the_visit(visits, store):
    find(visits, "C-2001")
    ready(visits)
    run(visits)
    boxes = visits.finish.comfort_boxes
    treatment = [s["step"] for s in visits.timer.steps if s["kind"] == "treatment"]
    assert list(boxes) == treatment
    assert boxes[3].description == "Step 3: Jawline (right)"  # the step and zone, in words
    assert "twitching" not in boxes[3].description
    boxes[3].value = "twitching"
    visits.finish.comfort_button.click()
    assert "Comfort stored" in visits.finish.comfort_message.value
    steps = client_record(store, "C-2001")["visits"][0]["steps"]
    assert {s["step"]: s["comfort"] for s in steps if s["comfort"]} == {3: "twitching"}


def test_the_second_visit_starts_from_last_times_settings(visits, store, library):
    find(visits, "C-2001")
    ready(visits)
    run(visits, turn_down=(3, 200), skip=5)
    visits.finish.comfort_boxes[3].value = "too-strong"
    visits.finish.comfort_button.click()
    visits.next_client()

    # Another protocol chosen meanwhile: Find client goes back to last time's.
    visits.protocol_picker.value = "full-lift-20"
    find(visits, "C-2001")
    assert visits.protocol_picker.value == "express-10"
    history = visits.client.history.value
    assert "2026-11-23" in history
    assert "Client visit" in history
    assert "step 3 Jawline (right): 250 → 200 µA" in history
    assert "step 5 Under-eyes (right): skipped" in history
    assert "Too strong or painful; turn down next time (step 3)" in history
    carried = visits.client.carried.value
    assert "Carried forward from 2026-11-23" in carried
    assert "<td>3</td><td>Jawline</td><td>right</td><td>250 µA → 200 µA</td>" in carried
    assert "Yes, skipped" in carried
    assert "Too strong or painful" in carried
    assert "<td>4</td>" not in carried  # ran as the protocol says: not shown
    assert "too-strong" not in carried  # words, never the record's ids

    # Today's intake starts empty; "Same as last visit" fills it, to be checked.
    assert visits.form.questions["pregnant"].control.value is None
    visits.client.same_button.click()
    assert visits.form.questions["pregnant"].control.value is False
    assert visits.form.questions["date"].control.value == TODAY
    assert "Filled from the visit of 2026-11-23" in visits.client.filled_note.value
    assert visits.form.button.disabled  # Screen waits for the check
    assert any(CHECKED_LABEL in b for b in visits.blockers)
    visits.client.checked.value = True
    assert not visits.form.button.disabled
    visits.form.button.click()
    tick_all(visits)
    assert visits.blockers == []

    # Another protocol: the carried settings are said to belong to the last one.
    visits.protocol_picker.value = "full-lift-20"
    carried = visits.client.carried.value
    assert "used another protocol" in carried
    assert "Express Lift (express-10)" in carried


def test_nothing_of_one_client_reaches_the_next(visits, store):
    find(visits, "C-2001")
    visits.client.same_button.click()  # nothing to fill: a new client
    ready(visits, breastfeeding=True)
    visits.override.value = True
    visits.override_reason.value = "letter from her doctor"
    visits.doctor_note.value = True
    assert visits.blockers == []
    first_timer = run(visits, turn_down=(3, 200))
    visits.finish.comfort_boxes[3].value = "twitching"
    assert visits.client_code.disabled  # the page is this client's until Next client
    visits.next_client()

    assert visits.client_code.value == ""
    assert not visits.client_code.disabled
    assert visits.practice_picker.value == ""
    assert visits.speed_picker.value == 1.0
    for name, question in visits.form.questions.items():
        answered, _value, _problem = question.read()
        assert answered == (name == "date"), name
    assert visits.form.questions["date"].control.value == TODAY
    assert visits.form.result is None
    assert "Not screened yet" in visits.form.output.value
    assert not visits.override.value
    assert visits.override_reason.value == ""
    assert not visits.doctor_note.value
    assert visits.override_box.layout.display == "none"
    assert not any(box.value for box in visits.prep_boxes.values())
    for shown in (
        visits.client.history,
        visits.client.carried,
        visits.client.filled_note,
        visits.screening_note,
        visits.finish.summary,
        visits.finish.stored,
    ):
        assert shown.value == ""
    assert visits.finish.comfort_boxes == {}
    assert visits.finish.layout.display == "none"
    assert visits.timer is not first_timer
    assert visits.timer.status == "ready"
    assert visits.timer.logged_events == 0
    assert visits.recorder is None

    find(visits, "C-2002")
    assert "New client: no visits yet" in visits.client.history.value
    assert visits.client.same_button.disabled
    assert "C-2001" not in visits.client.history.value + visits.client.carried.value
    ready(visits)
    run(visits)
    first, second = client_record(store, "C-2001"), client_record(store, "C-2002")
    assert len(first["visits"]) == len(second["visits"]) == 1
    assert first["visits"][0]["override_reason"] == "letter from her doctor"
    assert first["visits"][0]["doctor_note_on_file"] is True
    assert second["visits"][0]["override_reason"] is None
    assert second["visits"][0]["adjustments"] == []
    assert second["visits"][0]["comfort"] == []


def test_a_new_code_takes_the_last_clients_filled_answers_away(visits):
    find(visits, "C-2001")
    ready(visits)
    run(visits)
    visits.next_client()
    find(visits, "C-2001")
    visits.client.same_button.click()
    assert visits.form.questions["pregnant"].control.value is False
    visits.client_code.value = "C-2002"  # typed over: another client
    assert visits.form.questions["pregnant"].control.value is None
    assert visits.client.loaded is None
    assert visits.client.filled_note.value == ""


@pytest.mark.parametrize("how", ["rehearsal", "synthetic client"])
def test_practice_is_stored_as_practice_and_says_so(visits, store, how):
    if how == "rehearsal":
        visits.speed_picker.value = 10.0
        find(visits, "C-2001")
        ready(visits)
        code = "C-2001"
    else:
        visits.practice_picker.value = "c01_all_clear"
        tick_all(visits)
        code = "C-1001"
    assert "Practice: not stored as a client visit." in visits.client.banner.value
    assert "Practice, not stored as a client visit" in visits.status.value
    assert visits.blockers == []
    run(visits, turn_down=(3, 200))
    assert "stored as practice, not as a client visit" in visits.finish.stored.value
    record = client_record(store, code)
    assert [v["practice"] for v in record["visits"]] == [True]
    assert record["carry_forward"] == {}  # practice never carries forward
    visits.next_client()
    assert visits.client.banner.value == ""
    find(visits, code)
    assert "<strong>Practice</strong>" in visits.client.history.value
    assert "Carried forward" not in visits.client.carried.value


def test_do_not_treat_cannot_be_overridden_for_a_client_and_is_stored(visits, store):
    find(visits, "C-2001")
    result = ready(visits, pregnant=True)
    assert result.outcome == "stop"
    assert visits.override_box.layout.display == "flex"
    assert visits.override.layout.display == "none"  # nothing to tick
    assert visits.override_reason.layout.display == "none"
    assert "cannot be overridden for a client" in visits.override_box.note.value
    visits.override.value = True  # even if set from a script
    visits.override_reason.value = "the client insists"
    assert visits.timer.locked
    assert any("no override can start a session for a client" in b for b in visits.blockers)
    # The refusal is in the record, once, though no session follows.
    assert "today's screening is in the record of C-2001" in shown(visits.screening_note)
    visits.form.button.click()
    stored = client_record(store, "C-2001")["visits"]
    assert [(v["status"], v["outcome"]) for v in stored] == [("screened", "stop")]
    visits.next_client()
    find(visits, "C-2001")
    assert "✖ Do not treat" in visits.client.history.value
    assert "Screened only: no session" in visits.client.history.value


def test_a_synthetic_do_not_treat_client_may_be_overridden_for_training(visits):
    visits.practice_picker.value = "c05_pacemaker"
    tick_all(visits)
    assert visits.override.layout.display == "flex"
    visits.override.value = True
    visits.override_reason.value = "training: what a stop looks like"
    assert visits.blockers == []


def test_a_clearance_override_needs_the_doctors_note_and_stores_both(visits, store):
    find(visits, "C-2001")
    assert ready(visits, breastfeeding=True).outcome == "clearance"
    assert visits.doctor_note.layout.display == "flex"
    assert visits.doctor_note.description == "The doctor's written clearance is on file"
    visits.override.value = True
    visits.override_reason.value = "letter from her doctor, 2026-11-20"
    assert visits.timer.locked
    assert any("The doctor's written clearance is on file" in b for b in visits.blockers)
    visits.doctor_note.value = True
    assert visits.blockers == []
    visits.timer.status = "running"
    visit = client_record(store, "C-2001")["visits"][0]
    assert visit["override_reason"] == "letter from her doctor, 2026-11-20"
    assert visit["doctor_note_on_file"] is True
    assert visit["outcome"] == "clearance"


def test_a_postponement_needs_no_doctors_note(visits):
    find(visits, "C-2001")
    ready(visits, last_retinoid_use=TODAY - dt.timedelta(days=2))
    assert visits.doctor_note.layout.display == "none"
    visits.override.value = True
    visits.override_reason.value = "the retinoid was on the body, not the face"
    assert visits.blockers == []


def test_a_session_left_open_is_closed_as_interrupted_when_the_client_is_found(
    visits, library, tmp_path, store
):
    find(visits, "C-2001")
    ready(visits)
    visits.timer.status = "running"  # then the tab is closed: nothing more arrives
    later = GuidedSession(library, sessions_dir=tmp_path, today=TODAY, store=store)
    find(later, "C-2001")
    assert "Closed as interrupted" in later.client.history.value
    assert "Interrupted (not finished)" in later.client.history.value
    assert client_record(store, "C-2001")["visits"][0]["status"] == "interrupted"


def test_find_client_asks_for_a_code_and_start_waits_for_it(visits):
    visits.client.find_button.click()
    assert "Enter the client's code first" in shown(visits.client.history)
    visits.client_code.value = "C-2001"
    assert "press Find client to look the client up in the record" in visits.blockers


def test_a_record_that_refuses_the_visit_is_said_and_the_log_kept(visits, store, monkeypatch):
    find(visits, "C-2001")
    ready(visits)

    def refuse(*_args, **_kwargs):
        raise RecordError("the record is locked by another room")

    monkeypatch.setattr(store, "start_visit", refuse)
    timer = run(visits)
    assert visits.recorder is None
    assert "Not stored in the client record" in visits.status.value
    assert "locked by another room" in visits.finish.stored.value
    assert len(timer.log) > 0  # the session's own log, for the CSV export
    visits.finish.comfort_button.click()
    assert "Comfort not stored" in visits.finish.comfort_message.value
    assert visits.save() is not None


# -- the treatment plan at the end of a client's session (issue 12) -----------------------


def test_a_finished_client_visit_shows_the_plan_and_can_start_one(visits, store):
    find(visits, "C-2001")
    ready(visits)
    run(visits)
    plan = visits.finish.plan
    assert plan.layout.display == "flex"
    assert "follows no plan yet" in shown(plan.standing)
    plan.picker.value = "maintenance"
    plan.start_button.click()
    assert current_plans(store, "C-2001")["C-2001"]["clinic"] == {
        "plan": "maintenance",
        "start": TODAY,
    }
    # Today's visit is the plan's first, made on time; the next is four weeks on.
    text = shown(plan.standing)
    assert "1 of 1 visits due so far were on time (100%)" in text
    assert "Next visit: from 2026-12-21" in text
    visits.next_client()
    assert plan.layout.display == "none"
    assert "C-2001" not in shown(plan.standing) + shown(plan.message)


def test_practice_shows_no_plan(visits, store):
    visits.practice_picker.value = "c01_all_clear"
    tick_all(visits)
    run(visits)
    assert visits.finish.plan.layout.display == "none"
    assert current_plans(store) == {}

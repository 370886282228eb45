"""The guided-session app's gating: what keeps Start locked, and what the log records."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from conftest import PROTOCOLS, SESSION_DAY, intake_answers
from protocol_tools import load_library
from protocol_tools.screening.engine import outcomes, screen
from protocol_tools.screening.intake import load_intake
from protocol_tools.screening.rules import practice_clients
from protocol_tools.session.app import GuidedSession
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
def app(library, tmp_path):
    return GuidedSession(library, sessions_dir=tmp_path / "sessions")


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
    assert app.finish_area.layout.display == "flex"
    assert "Planned (s)" in app.summary.value
    path = app.save()
    assert path is not None
    assert path.parent == tmp_path / "sessions"
    assert "Saved" in app.save_message.value


def test_saving_into_the_repository_is_refused_in_the_app(app, root):
    app.practice_picker.value = "c01_all_clear"
    tick_all(app)
    app.folder.value = str(root / "logs")
    assert app.save() is None
    assert "inside the project folder" in app.save_message.value
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


def test_the_app_refuses_a_screening_for_another_day(library, tmp_path):
    app = GuidedSession(library, sessions_dir=tmp_path, today=SESSION)
    assert app.form.questions["date"].control.value == SESSION  # the form starts on the day
    app.client_code.value = "C-0042"
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


def test_a_practice_client_in_the_app_can_start_today(library, tmp_path):
    app = GuidedSession(library, sessions_dir=tmp_path, today=dt.date(2028, 2, 29))
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


def test_an_app_left_open_past_midnight_can_be_screened_again(library, tmp_path):
    clock = Clock(SESSION)
    app = GuidedSession(library, sessions_dir=tmp_path, today=clock)
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


def test_screening_first_after_midnight_still_asks_for_todays_screening(library, tmp_path):
    clock = Clock(SESSION)
    app = GuidedSession(library, sessions_dir=tmp_path, today=clock)
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

"""The guided-session app's gating: what keeps Start locked, and what the log records."""

from __future__ import annotations

import shutil

import pytest

from conftest import PROTOCOLS, intake_answers
from protocol_tools import load_library
from protocol_tools._screening import screen
from protocol_tools._session_app import GuidedSession, prep_checklist, start_blockers


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
    assert any(f"({outcome})" in b for b in app.blockers)
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
    assert start_blockers(protocol=protocol, client_code="C-1", result=result, prep_done=done) == []
    assert start_blockers(protocol=None, client_code="C-1", result=result, prep_done=done) == [
        "choose a protocol"
    ]
    blockers = start_blockers(
        protocol=protocol, client_code="Jane Doe", result=result, prep_done=done
    )
    assert len(blockers) == 1
    assert "client code" in blockers[0]
    # The app and the screening agree: what the screening refuses, the app refuses,
    # and the hint describes the code the screening asks for (no '_').
    for code in ("C_0142", "JaneDoe", "C-" + "1" * 20):
        blockers = start_blockers(
            protocol=protocol, client_code=code, result=result, prep_done=done
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

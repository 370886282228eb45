"""The assessor's view in the kernel (training.assessor), on a SQLite record and on a
real PostgreSQL server: an observed treatment stored with every criterion, progress
in words, mistakes refused in words with nothing stored, no criterion id shown."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from protocol_tools import AssessorView, RecordError, RecordStore, assessor_view, class_work
from protocol_tools.records.training import sign_in, trainee_work
from protocol_tools.training.checklist import criteria, observe

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def two_trainees(store: RecordStore) -> None:
    """Every test's new record (SQLite and PostgreSQL) holds the trainees ana.k and ben-2."""
    sign_in(store, "ana.k")
    sign_in(store, "ben-2")


@pytest.fixture(autouse=True)
def off_a_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)


def ready_view(store: RecordStore, **options) -> AssessorView:
    view = AssessorView(store, today=TODAY, **options)
    view.trainee.value = "ben-2"
    if view.assessor is not None:
        view.assessor.value = "trainer-1"
    return view


def shown_text(widget: widgets.Widget) -> str:
    """Every word the view shows: HTML, labels, options, placeholders."""
    parts = []
    for value in (
        getattr(widget, "value", None),
        getattr(widget, "description", None),
        getattr(widget, "placeholder", None),
        getattr(widget, "tooltip", None),
    ):
        if isinstance(value, str):
            parts.append(value)
    parts += [str(label) for label in getattr(widget, "_options_labels", ())]
    for child in getattr(widget, "children", ()):
        parts.append(shown_text(child))
    return "\n".join(parts)


def test_recording_stores_every_criterion_and_shows_progress(store):
    done = []
    view = ready_view(store, on_recorded=lambda: done.append(True))
    assert "0 of 5 observed treatments with every criterion met" in view.progress.value
    ticked = list(criteria())[:3]
    for key in ticked:
        view.boxes[key].value = True
    view.comment.value = "Good consultation; work on the probes."
    assert view.record() is not None
    assert "Recorded:" in view.status.value
    assert f"3 of {len(criteria())} criteria met" in view.status.value
    (observation,) = trainee_work(store, "ben-2").observations
    assert observation.criteria == {key: key in ticked for key in criteria()}
    assert (observation.observed_on, observation.assessor) == (TODAY, "trainer-1")
    assert observation.comment == "Good consultation; work on the probes."
    assert done == [True]
    # Ready for the next one: boxes and comment cleared, trainee and day kept.
    assert not any(box.value for box in view.boxes.values())
    assert (view.comment.value, view.trainee.value) == ("", "ben-2")
    assert "0 of 5 observed treatments" in view.progress.value
    assert view.progress.value.count("<tr>") == 2  # the heading and the one observation
    never = re.search(r'<ul class="pt-never-met">(.*?)</ul>', view.progress.value).group(1)
    assert never.count("<li>") == len(criteria()) - 3


def test_five_observations_with_every_criterion_met_sign_off(store):
    view = ready_view(store)
    for day in range(5):
        view.observed_on.value = TODAY - dt.timedelta(days=day)
        for box in view.boxes.values():
            box.value = True
        assert view.record() is not None
    assert "5 of 5 observed treatments with every criterion met</strong> — signed off" in (
        view.progress.value
    )
    assert "Every criterion has been met" in view.progress.value
    (ben,) = [work for work in class_work(store) if work.code == "ben-2"]
    assert len(ben.observations) == 5


def test_an_unknown_criterion_is_refused_and_nothing_stored(store):
    with pytest.raises(RecordError, match="no criterion made-up"):
        observe(store, "ben-2", observed_on=TODAY, assessor="trainer-1", met={"made-up": True})
    view = ready_view(store)
    view.boxes["made-up"] = widgets.Checkbox(value=True)  # a checklist changed under the page
    assert view.record() is None
    assert "has changed since this page was opened" in view.status.value
    assert "made-up" not in view.status.value
    assert trainee_work(store, "ben-2").observations == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda view: setattr(view.trainee, "value", ""), "choose the trainee first"),
        (lambda view: setattr(view.observed_on, "value", None), "choose the day"),
        (
            lambda view: setattr(view.observed_on, "value", TODAY + dt.timedelta(days=1)),
            "is still to come",
        ),
        (lambda view: setattr(view.assessor, "value", "  "), "type your assessor code"),
        (lambda view: setattr(view.assessor, "value", "two words"), "a trainee code is"),
        (lambda view: setattr(view.comment, "value", "x" * 2001), "the comment is 2,001"),
    ],
)
def test_a_mistake_is_refused_in_words_and_nothing_stored(store, change, message):
    view = ready_view(store)
    change(view)
    assert view.record() is None
    assert message in view.status.value
    assert "Traceback" not in view.status.value
    assert trainee_work(store, "ben-2").observations == ()


def test_on_a_hub_the_assessor_is_the_hub_user(store, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "trainer-7")
    view = ready_view(store)
    assert view.assessor is None
    assert "trainer-7" in view.assessor_part.value
    assert view.record() is not None
    (observation,) = trainee_work(store, "ben-2").observations
    assert observation.assessor == "trainer-7"


def test_labels_in_words_and_no_criterion_id_shown(store):
    view = ready_view(store)
    labels = [view.trainee.description, view.observed_on.description, view.comment.description]
    assert labels == ["Trainee", "Observed on", "Comment"]
    assert view.assessor.description == "Assessor code"
    assert [box.description for box in view.boxes.values()] == [
        item.text for item in criteria().values()
    ]
    for key, box in view.boxes.items():
        box.value = True
        assert key not in box.description
    view.record()
    text = shown_text(view)
    assert not [key for key in criteria() if key in text]
    assert "Source:" in text


def test_the_trainee_list_reads_again_and_an_empty_record_says_so(store, tmp_path: Path):
    view = assessor_view(store, today=TODAY, assessor="trainer-1")
    assert [value for _, value in view.trainee.options] == ["", "ana.k", "ben-2"]
    sign_in(store, "cleo")
    view.trainee.value = "ana.k"
    view.refresh_trainees()
    assert [value for _, value in view.trainee.options] == ["", "ana.k", "ben-2", "cleo"]
    assert view.trainee.value == "ana.k"
    with RecordStore(tmp_path / "empty" / "records.db") as empty:
        assert "No trainees in the record yet" in AssessorView(empty).list_note.value


def test_a_record_that_cannot_be_opened_is_a_message(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(tmp_path))  # a folder, not a record
    view = assessor_view()
    assert "The record cannot be opened" in view.status.value
    assert view.record_button.disabled
    assert view.record() is None

"""The intake form and the practice quiz: widget state and events, in Python."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pytest

from protocol_tools import OUTCOMES, IntakeForm, load_intake, practice_quiz, screen
from protocol_tools._intake_form import result_html
from protocol_tools._screening import ScreeningResult, practice_clients

SESSION = dt.date(2026, 11, 23)


def answer_all_no(form: IntakeForm) -> None:
    """Click through the form the way a practitioner would: every answer "No"."""
    form.questions["client"].control.value = "C-0042"
    form.questions["birth_date"].control.value = dt.date(1988, 4, 2)
    for question in form.questions.values():
        control = question.control
        if isinstance(control, widgets.ToggleButtons):
            control.index = 0 if question.name in ("last_retinoid_use", "last_injectable") else 1


@pytest.fixture
def form() -> IntakeForm:
    return IntakeForm(date=SESSION)


def test_every_question_has_a_visible_label_and_starts_unanswered(form):
    toggles = 0
    for question in form.questions.values():
        assert question.control.description.strip(), question.name
        if isinstance(question.control, widgets.ToggleButtons):
            toggles += 1
            assert question.control.value is None, question.name
            assert question.question.strip(), question.name
    assert toggles >= 12
    assert form.result is None
    assert "Not screened yet" in form.output.value


def test_screening_an_empty_form_refuses_and_marks_each_field(form):
    assert form.check() is None
    assert form.result is None
    assert form.intake is None
    missing = {field for field, _ in form.problems}
    assert {
        "client",
        "birth_date",
        "pregnant",
        "implanted_devices",
        "last_retinoid_use",
        "sensitive_skin",
    } <= missing
    assert "jewelry" in missing  # the form asks everything, optional or not
    for name in missing:
        assert "not answered" in form.questions[name].message.value
    assert "✎ Not screened yet" in form.output.value
    assert form.questions["date"].message.value == ""  # the session date was given


def test_all_no_proceeds_and_observers_hear_it(form):
    heard = []
    form.observe(lambda change: heard.append(change.new), names="result")
    answer_all_no(form)
    result = form.check()
    assert result is not None
    assert result.outcome == "proceed"
    assert heard == [result]
    assert form.intake.client == "C-0042"
    assert f"{OUTCOMES['proceed']['icon']} {OUTCOMES['proceed']['title']}" in form.output.value
    assert all(q.message.value == "" for q in form.questions.values())


def test_one_unanswered_safety_question_refuses(form):
    answer_all_no(form)
    form.questions["seizure_disorder"].control.value = None
    assert form.check() is None
    assert [field for field, _ in form.problems] == ["seizure_disorder"]
    assert "epilepsy" in form.output.value


def test_changing_an_answer_clears_the_result(form):
    answer_all_no(form)
    form.check()
    heard = []
    form.observe(lambda change: heard.append(change.new), names="result")
    form.questions["pregnant"].control.value = True
    assert form.result is None
    assert heard == [None]
    assert "Answers changed" in form.output.value
    assert form.check().outcome == "stop"
    assert "✖ Do not treat" in form.output.value


def test_a_list_answered_yes_needs_a_tick(form):
    answer_all_no(form)
    devices = form.questions["implanted_devices"]
    devices.control.value = True
    assert devices.ticks.layout.display == "flex"
    assert form.check() is None
    assert "tick at least one" in devices.message.value
    devices.boxes["pacemaker"].value = True
    result = form.check()
    assert result.outcome == "stop"
    assert result.reasons[0].rule == "pacemaker"


def test_a_date_answer_needs_its_date_and_the_wait_shows(form):
    answer_all_no(form)
    retinoid = form.questions["last_retinoid_use"]
    assert retinoid.when.disabled
    retinoid.control.index = 1
    assert not retinoid.when.disabled
    assert form.check() is None
    assert "give the date" in retinoid.message.value
    retinoid.when.value = dt.date(2026, 11, 20)
    result = form.check()
    assert (result.outcome, result.earliest_date) == ("postpone", dt.date(2026, 11, 27))
    assert "Earliest date:" in form.output.value
    assert "2026-11-27" in form.output.value
    assert "Source:" in form.output.value


def test_wrong_values_show_beside_their_field(form):
    answer_all_no(form)
    form.questions["client"].control.value = "Anna Smith"
    form.questions["last_retinoid_use"].control.index = 1
    form.questions["last_retinoid_use"].when.value = dt.date(2026, 12, 1)
    assert form.check() is None
    assert "never the client&#x27;s name" in form.questions["client"].message.value
    assert "after the session date" in form.questions["last_retinoid_use"].message.value
    assert form.questions["pregnant"].message.value == ""


@pytest.mark.parametrize("stem", sorted(practice_clients()))
def test_filling_the_form_from_a_practice_client_screens_the_same(form, stem):
    path = practice_clients()[stem]
    form.fill(load_intake(path))
    assert form.check().to_dict() == screen(path).to_dict()


def test_result_html_escapes_and_never_relies_on_colour():
    result = ScreeningResult(
        outcome="adjust",
        reasons=[],
        adjustments=["<script>alert(1)</script>"],
        earliest_date=None,
        client="<b>C-1</b>",
        date=SESSION,
    )
    shown = result_html(result)
    assert "<script>" not in shown
    assert "&lt;b&gt;C-1&lt;/b&gt;" in shown
    assert "⚠ Treat with changes" in shown
    assert "Outcome:</strong> adjust" in shown


def test_practice_quiz_reveals_and_judges_the_decision():
    quiz = practice_quiz()
    assert len(quiz.picker.options) >= 12
    quiz.picker.value = "c05_pacemaker"
    assert "Fictional client" in quiz.answers.value
    assert "Pacemaker" in quiz.answers.value
    assert quiz.answer.value == ""
    quiz.guess.value = "stop"
    assert quiz.show_answer().outcome == "stop"
    assert "✔ Right" in quiz.answer.value
    assert "✖ Do not treat" in quiz.answer.value
    quiz.picker.value = "c10_retinoid_7_days"
    assert quiz.guess.value is None
    assert quiz.answer.value == ""
    quiz.guess.value = "postpone"
    quiz.show_answer()
    assert "✘ Not quite" in quiz.answer.value
    assert "7 days ago" in quiz.answer.value  # the lesson from the file's header


def test_the_chosen_answer_is_shown_in_words_not_only_by_shade(form):
    pregnant = form.questions["pregnant"]
    assert "Not answered yet" in pregnant.status.value
    pregnant.control.value = False
    assert "Answer: No" in pregnant.status.value
    devices = form.questions["implanted_devices"]
    devices.control.value = True
    assert "Incomplete" in devices.status.value
    devices.boxes["cochlear-implant"].value = True
    assert "Answer: cochlear-implant" in devices.status.value

"""The screening practice quiz: decide first, then reveal and be judged."""

from __future__ import annotations

from protocol_tools import practice_quiz


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


def test_revealing_without_a_decision_asks_for_one_and_shows_no_answer():
    quiz = practice_quiz()
    quiz.picker.value = "c05_pacemaker"
    assert quiz.show_answer() is None
    assert "Choose your decision first" in quiz.answer.value
    assert "Do not treat" not in quiz.answer.value
    assert "pt-result" not in quiz.answer.value
    quiz.guess.value = "stop"
    assert quiz.show_answer().outcome == "stop"

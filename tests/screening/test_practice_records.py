"""Screening practice kept for a signed-in trainee: each first decision on a client
stored beside the right outcome, with the outcome ids in the record and only words on
the page; nothing stored for a trainee who is not signed in. SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

import pytest

from protocol_tools import practice_quiz
from protocol_tools.records.training import trainee_codes, trainee_work
from protocol_tools.screening.engine import OUTCOMES
from protocol_tools.training.trainee_account import TraineeAccount


@pytest.fixture(autouse=True)
def off_a_hub(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)


def words(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def signed_in(store, code="ana.k"):
    quiz = practice_quiz(TraineeAccount(store))
    sign_in = quiz.children[0]
    sign_in.code_box.value = code
    sign_in.sign_in_button.click()
    assert quiz.account.code == code
    return quiz


def test_the_practice_shows_the_sign_in_above_it(store):
    quiz = practice_quiz(TraineeAccount(store))
    assert quiz.children[0].code_box.description == "Trainee code"
    assert practice_quiz(sign_in=False).children[0] is not quiz.children[0]


def test_each_decision_is_kept_with_the_right_outcome_and_whether_it_was_right(store):
    quiz = signed_in(store)
    quiz.picker.value = "c05_pacemaker"
    quiz.guess.value = "stop"
    quiz.show_answer()
    assert "Kept in your record as ana.k." in words(quiz.answer.value)
    quiz.picker.value = "c10_retinoid_7_days"
    quiz.guess.value = "postpone"
    assert quiz.show_answer().outcome == "proceed"
    first, second = trainee_work(store, "ana.k").screening
    assert (first.case_id, first.chosen, first.expected, first.correct) == (
        "c05_pacemaker",
        "stop",
        "stop",
        True,
    )
    assert (second.case_id, second.chosen, second.expected, second.correct) == (
        "c10_retinoid_7_days",
        "postpone",
        "proceed",
        False,
    )


def test_only_the_first_decision_on_a_client_is_kept(store):
    quiz = signed_in(store)
    quiz.picker.value = "c05_pacemaker"
    quiz.guess.value = "proceed"
    quiz.show_answer()
    quiz.guess.value = "stop"  # the answer is known now
    quiz.show_answer()
    assert "Only your first decision on this client is kept" in quiz.answer.value
    quiz.picker.value = "c10_retinoid_7_days"
    quiz.picker.value = "c05_pacemaker"
    quiz.guess.value = "stop"
    quiz.show_answer()
    assert [(row.chosen, row.correct) for row in trainee_work(store, "ana.k").screening] == [
        ("proceed", False)
    ]


def test_the_page_shows_outcomes_in_words_never_their_ids(store):
    quiz = signed_in(store)
    quiz.picker.value = "c05_pacemaker"
    quiz.guess.value = "clearance"
    quiz.show_answer()
    assert [label for label, _value in quiz.guess.options] == [
        f"{shown['icon']} {shown['title']}" for shown in OUTCOMES.values()
    ]
    said = words(quiz.answer.value)
    assert "you chose “Doctor's clearance needed”" in said
    assert "c05_pacemaker" not in said
    (kept,) = trainee_work(store, "ana.k").screening
    assert (kept.chosen, kept.expected) == ("clearance", "stop")


def test_nothing_is_kept_when_no_trainee_is_signed_in(store):
    quiz = practice_quiz(TraineeAccount(store))
    quiz.picker.value = "c05_pacemaker"
    quiz.guess.value = "stop"
    quiz.show_answer()
    assert "Kept in your record" not in quiz.answer.value
    assert trainee_codes(store) == []


def test_no_decision_keeps_nothing(store):
    quiz = signed_in(store)
    quiz.picker.value = "c05_pacemaker"
    assert quiz.show_answer() is None
    assert trainee_work(store, "ana.k").screening == ()

"""The quiz as an assessment: shuffled attempts, scores per topic with the questions
missed, the pass mark from data, and the score kept for the trainee."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol_tools.core.errors import ReferenceDataError
from protocol_tools.records.training import trainee_work
from protocol_tools.training.content import load_quiz
from protocol_tools.training.scoring import (
    QuizScore,
    draw_attempt,
    pass_mark,
    quiz_topics,
    score_attempt,
    store_score,
    topic_title,
)


def test_an_attempt_holds_every_question_of_its_topic_shuffled_by_seed():
    every = {question.id for question in load_quiz()}
    orders = {tuple(q.id for q in draw_attempt(seed=seed)) for seed in range(5)}
    assert len(orders) > 1
    assert all(set(order) == every for order in orders)
    assert [q.id for q in draw_attempt(seed=7)] == [q.id for q in draw_attempt(seed=7)]
    zones = draw_attempt("zones", seed=1)
    assert zones
    assert {q.topic for q in zones} == {"zones"}


def test_a_topic_without_questions_is_named():
    with pytest.raises(ReferenceDataError, match="no quiz question has the topic 'naps'"):
        draw_attempt("naps")


def test_topics_are_shown_by_their_lesson_titles():
    topics = quiz_topics()
    assert set(topics) == {question.topic for question in load_quiz()}
    assert all(title and "-" not in title[:1] for title in topics.values())
    assert topic_title(None) == "All topics"
    assert topic_title("screening") == topics["screening"]


def test_a_score_counts_per_topic_and_names_what_was_missed():
    questions = draw_attempt(seed=2)
    first, second, third = questions[:3]
    wrong = (first.answer + 1) % len(first.choices)
    answers = {q.id: q.answer for q in questions} | {first.id: wrong, second.id: None}
    answers.pop(third.id)
    score = score_attempt(questions, answers, mark=0.5)
    assert (score.asked, score.right) == (len(questions), len(questions) - 3)
    assert set(score.missed) == {first.id, second.id, third.id}
    assert sum(right for right, _ in score.by_topic.values()) == score.right
    assert sum(asked for _, asked in score.by_topic.values()) == score.asked
    assert score.passed
    assert not score_attempt(questions, {}, mark=0.5).passed


@given(st.integers(0, 20), st.integers(1, 20), st.sampled_from([0.0, 0.5, 0.8, 1.0]))
def test_passing_is_reaching_the_mark(right, asked, mark):
    right = min(right, asked)
    score = QuizScore(None, asked, right, mark)
    assert score.passed == (right / asked >= mark - 1e-12)
    assert 0 <= score.percent <= 100


def test_the_pass_mark_is_the_data_files(data_copy):
    assert pass_mark() == 0.8
    path = data_copy / "training.yaml"
    path.write_text(path.read_text().replace("pass_mark: 0.8", "pass_mark: 0.6"))
    assert pass_mark() == 0.6
    assert score_attempt(draw_attempt("zones"), {}).pass_mark == 0.6


def test_a_stored_score_is_the_trainees_with_its_topics_and_misses(store):
    questions = draw_attempt(seed=4)
    score = score_attempt(questions, {questions[0].id: questions[0].answer})
    store_score(store, "ana", score)
    (kept,) = trainee_work(store, "ana").quiz
    assert (kept.asked, kept.right, kept.passed) == (score.asked, 1, False)
    assert kept.by_topic == score.by_topic
    assert kept.missed == score.missed
    assert kept.pass_mark == score.pass_mark

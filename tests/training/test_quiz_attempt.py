"""The quiz as an assessment, through its widget: shuffled attempts, nothing revealed
before answering, the score and its topics shown in words and kept for a signed-in
trainee (on SQLite and PostgreSQL), never for a trainee who is not signed in."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy.exc import OperationalError

from protocol_tools.records.training import trainee_codes, trainee_work
from protocol_tools.training.content import load_quiz
from protocol_tools.training.quiz_attempt import quiz_attempt
from protocol_tools.training.scoring import pass_mark, quiz_topics, topic_title
from protocol_tools.training.trainee_account import TraineeAccount


@pytest.fixture(autouse=True)
def off_a_hub(monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)


def words(markup: str) -> str:
    """Markup as the page reads: tags dropped, entities read, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def shown(view) -> str:
    """Everything the attempt's widgets show, as text with the markup's entities read."""
    parts = [view.result.value, *(box.value for box in view.feedback.values())]
    for box in view.items.children:
        parts.append(box.children[0].value)
        parts += [label for label, _value in box.children[1].options]
    return html.unescape(" ".join(parts))


def answer(view, count, *, right=True):
    """Answer the first ``count`` questions of the attempt, right or wrong."""
    chosen = {}
    for question in view.questions[:count]:
        choice = question.answer if right else (question.answer + 1) % len(question.choices)
        view.choose(question.id, choice)
        chosen[question.id] = choice
    return chosen


def test_topics_are_offered_by_title_never_by_id():
    view = quiz_attempt(sign_in=False)
    labels = [label for label, _value in view.topic_picker.options]
    assert labels == ["All topics", *quiz_topics().values()]
    assert not set(labels) & set(quiz_topics())  # no topic id among the labels


def test_an_attempt_is_shuffled_and_the_seed_repeats_it():
    def order(seed, topic=None):
        view = quiz_attempt(seed=seed, sign_in=False)
        view.start(topic)
        return [q.id for q in view.questions], [r.options for r in view.radios.values()]

    plain = [q.id for q in load_quiz()]
    one, again, other = order(1), order(1), order(2)
    assert one == again
    assert one[0] != other[0]
    assert sorted(one[0]) == sorted(other[0]) == sorted(plain)
    assert one[0] != plain
    # The choices under a question come shuffled too: in some question, not file order.
    file_order = {q.id: tuple(enumerate(q.choices)) for q in load_quiz()}
    assert any(
        tuple((index, text) for text, index in options) != file_order[key]
        for key, options in zip(one[0], one[1], strict=True)
    )
    ids, _ = order(3, "screening")
    assert ids
    assert {q.topic for q in load_quiz() if q.id in ids} == {"screening"}


def test_a_new_attempt_can_be_started_and_shuffles_again():
    view = quiz_attempt(seed=5, sign_in=False)
    view.start()
    first = [q.id for q in view.questions]
    answer(view, 2)
    assert view.hand_in() is not None
    view.start()
    assert [q.id for q in view.questions] != first
    assert all(radio.value is None and not radio.disabled for radio in view.radios.values())
    assert not view.hand_in_button.disabled
    assert "Passed" not in view.result.value


def test_nothing_of_the_answers_shows_before_answering_or_after_an_empty_hand_in():
    view = quiz_attempt(seed=2, sign_in=False)
    view.start()
    for attempt in range(2):
        text = shown(view)
        for question in view.questions:
            assert question.explanation not in text
            assert question.source not in text
        assert "Right." not in text
        assert "Not quite" not in text
        if attempt == 0:
            assert view.hand_in() is None
            assert "Answer at least one question first" in shown(view)
    assert view.score is None


def test_hand_in_reveals_only_the_answered_questions():
    view = quiz_attempt(seed=4, sign_in=False)
    view.start()
    right, wrong, left_out = view.questions[:3]
    view.choose(right.id, right.answer)
    view.choose(wrong.id, (wrong.answer + 1) % len(wrong.choices))
    score = view.hand_in()
    assert score.right == 1
    assert set(score.missed) == {q.id for q in view.questions} - {right.id}
    assert "✔ Right." in view.feedback[right.id].value
    assert html.escape(right.explanation) in view.feedback[right.id].value
    said = html.unescape(view.feedback[wrong.id].value)
    assert "✖ Not quite." in said
    assert wrong.right_choice in said
    assert wrong.source in said
    unanswered = html.unescape(view.feedback[left_out.id].value)
    assert "Not answered" in unanswered
    assert left_out.explanation not in unanswered
    assert left_out.right_choice not in unanswered
    assert all(radio.disabled for radio in view.radios.values())
    assert view.hand_in_button.disabled


def test_the_score_says_pass_or_fail_in_words_with_a_row_per_topic():
    view = quiz_attempt(seed=6, sign_in=False)
    view.start()
    answer(view, len(view.questions))
    score = view.hand_in()
    text = html.unescape(view.result.value)
    assert score.passed
    assert f"✔ Passed: {score.asked} of {score.asked} right (100%)." in text
    assert f"The pass mark is {round(pass_mark() * 100)}% right." in text
    for topic, (right, asked) in score.by_topic.items():
        assert f"{topic_title(topic)}</th><td>{right} of {asked} right" in text
    view.start()
    answer(view, 1)
    assert not view.hand_in().passed
    assert f"✖ Not passed yet: 1 of {len(view.questions)} right" in html.unescape(view.result.value)


def test_no_topic_id_or_question_id_is_shown():
    view = quiz_attempt(seed=8, sign_in=False)
    view.start()
    answer(view, 3)
    view.hand_in()
    seen = set(re.findall(r"[\w-]+", re.sub(r"<[^>]+>", " ", shown(view))))
    # Ids of more than one word ("aftercare-window") can be told from the words shown.
    ids = {key for key in [q.id for q in load_quiz()] + list(quiz_topics()) if "-" in key}
    assert ids
    assert not seen & ids


def test_a_signed_in_trainees_attempt_is_kept_with_its_topics_and_misses(store):
    account = TraineeAccount(store)
    view = quiz_attempt(seed=9, account=account)
    view.children[0].sign_in("ana.k")
    view.start("zones")
    answered = answer(view, 1)
    answer(view, 2, right=False)  # the second question wrong (the first stays right)
    view.choose(view.questions[0].id, answered[view.questions[0].id])
    score = view.hand_in()
    (kept,) = trainee_work(store, "ana.k").quiz
    assert kept.topic == "zones"
    assert (kept.asked, kept.right, kept.passed) == (score.asked, score.right, score.passed)
    assert kept.by_topic == score.by_topic == {"zones": (score.right, score.asked)}
    assert set(kept.missed) == set(score.missed) == {q.id for q in view.questions[1:]}
    assert kept.pass_mark == pass_mark()
    assert "Kept in your record as ana.k." in words(view.result.value)
    view.hand_in()  # pressed again: kept once
    assert len(trainee_work(store, "ana.k").quiz) == 1


def test_a_trainee_not_signed_in_is_told_their_attempt_is_not_kept(store):
    view = quiz_attempt(seed=1, account=TraineeAccount(store))
    view.start()
    answer(view, 2)
    assert view.hand_in() is not None
    assert "you are not signed in" in view.result.value
    assert "Kept in your record" not in view.result.value
    assert trainee_codes(store) == []


def test_a_record_that_cannot_be_written_is_said_in_words(store, monkeypatch):
    account = TraineeAccount(store)
    account.sign_in("ana")
    view = quiz_attempt(seed=1, account=account, sign_in=False)
    view.start()
    answer(view, 1)

    def locked():
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(store, "transaction", locked)
    assert view.hand_in() is not None
    assert "Not kept in your record" in view.result.value
    assert "Traceback" not in view.result.value

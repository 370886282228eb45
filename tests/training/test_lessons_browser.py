"""The lessons page in a real browser: Voilà serves notebook 05, we read, step, sign in
as a trainee, answer and hand in the quiz, and find the attempt in the record."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from protocol_tools import RecordStore, load_lessons, load_library, load_quiz, trainee_work

NOTEBOOK = "05_lessons.ipynb"
TRAINEE = "trainee-07"
SHOTS = os.environ.get("PROTOCOL_TOOLS_SCREENSHOTS")  # a folder, to look at the widgets


def shot(locator, name):
    if SHOTS:
        locator.screenshot(path=Path(SHOTS) / name)


@pytest.mark.browser
def test_read_a_lesson_step_the_walkthrough_and_hand_in_the_quiz(
    voila, page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    location = tmp_path / "records" / "records.db"
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(location))  # the served kernel inherits it
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)  # off a hub: the trainee signs in
    page.goto(voila(NOTEBOOK))
    book = page.locator(".pt-lesson-book")
    book.wait_for(state="visible")

    # A lesson: pick it by its visible label and see its title, key points and source.
    lesson = load_lessons()["sensations"]
    book.get_by_label("Lesson").select_option(label=lesson.title)
    article = book.locator(".pt-lesson")
    article.get_by_role("heading", name=lesson.title).wait_for()
    assert "Key points" in article.inner_text()
    assert "Source:" in article.inner_text()
    shot(book, "lessons-book.png")

    # The walkthrough: Next step moves on and highlights the step's zone on the map.
    walk = page.locator(".pt-walkthrough")
    protocol = next(iter(load_library().values()))
    timeline = protocol.timeline()
    first_zone = next(entry for entry in timeline if entry.kind == "treatment")
    assert walk.get_by_role("button", name="Previous step").is_disabled()
    for _ in range(first_zone.step - 1):
        walk.get_by_role("button", name="Next step").click()
    walk.get_by_text(f"Step {first_zone.step} of {len(timeline)}").wait_for()
    assert first_zone.zone_name in walk.locator(".pt-step").inner_text()
    lit = walk.locator(f'g.highlight [data-zone="{first_zone.zone}"]')
    assert lit.count() > 0
    shot(walk, "lessons-walkthrough.png")

    # The quiz: sign in, start an attempt, answer two questions, hand in (below).
    answer_the_quiz(page, location)
    assert page.errors == []


def answer_the_quiz(page, location: Path) -> None:
    """Sign in, start an attempt over every topic, answer two questions (one right,
    one wrong) and hand in; the attempt is then in the record at ``location``."""
    quiz = page.locator(".pt-quiz-attempt")
    quiz.get_by_label("Trainee code").fill(TRAINEE)
    quiz.get_by_role("button", name="Sign in").click()
    quiz.get_by_text(f"Signed in as {TRAINEE}.").wait_for()
    quiz.get_by_role("button", name="Start attempt").click()
    boxes = quiz.locator(".pt-quiz-question")
    boxes.first.wait_for()
    questions = {q.id: q for q in load_quiz()}
    assert boxes.count() == len(questions)

    # Before any answer, nothing of the answers is on the page: no verdict,
    # no explanation, no source.
    before = page.inner_text("body")
    assert "Right." not in before
    assert "Not quite" not in before
    for question in questions.values():
        assert question.explanation not in before
        assert f"Source: {question.source}" not in before
    shot(quiz.locator(".pt-trainee-sign-in"), "lessons-sign-in.png")

    shown = [question_of(boxes.nth(n), questions) for n in range(3)]
    right, wrong, left_out = shown
    boxes.nth(0).get_by_role("radio", name=right.right_choice, exact=True).check()
    other = next(c for i, c in enumerate(wrong.choices) if i != wrong.answer)
    boxes.nth(1).get_by_role("radio", name=other, exact=True).check()
    quiz.get_by_role("button", name="Hand in").click()
    quiz.get_by_text("Kept in your record").wait_for()
    assert "✔ Right." in boxes.nth(0).locator(".pt-feedback").inner_text()
    assert "✖ Not quite." in boxes.nth(1).locator(".pt-feedback").inner_text()
    unanswered = boxes.nth(2).locator(".pt-feedback").inner_text()
    assert "Not answered" in unanswered
    assert left_out.explanation not in unanswered
    score = quiz.locator(".pt-score").inner_text()
    assert f"1 of {len(questions)} right" in score
    assert "Not passed yet" in score
    shot(quiz.locator(".pt-quiz-result"), "lessons-quiz-score.png")
    shot(boxes.nth(1), "lessons-quiz-feedback.png")

    with RecordStore(location) as store:
        (kept,) = trainee_work(store, TRAINEE).quiz
    assert (kept.topic, kept.asked, kept.right, kept.passed) == (None, len(questions), 1, False)
    assert right.id not in kept.missed
    assert {wrong.id, left_out.id} <= set(kept.missed)
    assert len(kept.missed) == len(questions) - 1
    assert sum(asked for _right, asked in kept.by_topic.values()) == len(questions)


def question_of(box, questions):
    """The question a box on the page shows (its class names the question)."""
    (name,) = [
        css[len("pt-question-") :]
        for css in box.get_attribute("class").split()
        if css.startswith("pt-question-")
    ]
    return questions[name]

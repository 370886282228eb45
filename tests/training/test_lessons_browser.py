"""The lessons page in a real browser: Voilà serves notebook 05, we read, step and answer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from protocol_tools import load_lessons, load_library, load_quiz

NOTEBOOK = "05_lessons.ipynb"
SHOTS = os.environ.get("PROTOCOL_TOOLS_SCREENSHOTS")  # a folder, to look at the widgets


def shot(locator, name):
    if SHOTS:
        locator.screenshot(path=Path(SHOTS) / name)


@pytest.mark.browser
def test_read_a_lesson_step_the_walkthrough_and_answer_the_quiz(voila, page):
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

    # The quiz: answer the first question by its visible label, check, read the verdict.
    question = load_quiz()[0]
    box = page.locator(f".pt-question-{question.id}")
    box.get_by_role("radio", name=question.right_choice, exact=True).check()
    page.get_by_role("button", name="Check answers").click()
    verdict = box.locator(".pt-feedback")
    verdict.wait_for()
    assert "✔ Right." in verdict.inner_text()
    assert page.locator(".pt-score").inner_text().startswith("Score: 1 of")
    shot(box, "lessons-quiz.png")

    # A wrong answer says so in words, next to the icon.
    wrong = next(c for i, c in enumerate(question.choices) if i != question.answer)
    box.get_by_role("radio", name=wrong, exact=True).check()
    page.get_by_role("button", name="Check answers").click()
    box.get_by_text("✖ Not quite.").wait_for()
    assert page.errors == []

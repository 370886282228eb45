"""The intake form in a real browser: Voilà serves the screening notebook, we click."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from strategies import LIST_FIELDS, YES_NO_FIELDS

NOTEBOOK = "01_screening_practice.ipynb"
SHOTS = os.environ.get("PROTOCOL_TOOLS_SCREENSHOTS")  # a folder, to look at the page

# Questions answered with "No": the yes/no ones and the pick-from-a-list ones.
YES_NO = [*YES_NO_FIELDS, *LIST_FIELDS]
DATES = ["last_retinoid_use", "last_injectable"]


def open_form(page, url):
    page.goto(url)
    form = page.locator(".pt-intake-form")
    form.wait_for(state="visible")
    return form


def question(form, name):
    return form.locator(f".pt-q-{name}")


def click(form, name, label):
    question(form, name).get_by_role("button", name=label, exact=True).click()


def answer(form, skip=()):
    form.get_by_role("textbox", name="Client code").fill("C-0042")
    question(form, "birth_date").locator("input[type=date]").fill("1988-04-02")
    for name in YES_NO:
        if name not in skip:
            click(form, name, "No")
    for name in DATES:
        if name not in skip:
            click(form, name, "Not in the last month")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=Path(SHOTS) / name, full_page=True)


@pytest.mark.browser
def test_answer_every_question_and_see_the_outcome(voila, page):
    form = open_form(page, voila(NOTEBOOK))
    answer(form)
    form.get_by_role("button", name="Screen this client").click()
    outcome = form.locator(".pt-result-area .pt-outcome")
    outcome.wait_for()
    assert outcome.inner_text().strip() == "✔ May be treated"
    shot(page, "screening-proceed.png")

    # A change clears the result; screening again shows the new, stronger outcome.
    click(form, "pregnant", "Yes")
    form.get_by_text("Answers changed").wait_for()
    form.get_by_role("button", name="Screen this client").click()
    form.locator(".pt-result-stop").wait_for()
    assert outcome.inner_text().strip() == "✖ Do not treat"
    assert "Source: Founding article" in form.locator(".pt-result-area").inner_text()
    shot(page, "screening-stop.png")

    # A retinoid three days ago postpones with the earliest date shown.
    click(form, "pregnant", "No")
    click(form, "last_retinoid_use", "Yes, last time on:")
    question(form, "last_retinoid_use").locator("input[type=date]").fill("2026-11-20")
    form.get_by_role("textbox", name="Client code").fill("C-0042")
    session = question(form, "date").locator("input[type=date]")
    session.fill("2026-11-23")
    form.get_by_role("button", name="Screen this client").click()
    form.locator(".pt-result-postpone").wait_for()
    assert "Earliest date: from 2026-11-27" in form.locator(".pt-result-area").inner_text()
    assert page.errors == []


@pytest.mark.browser
def test_an_unanswered_question_is_refused_and_marked(voila, page):
    form = open_form(page, voila(NOTEBOOK))
    answer(form, skip=("seizure_disorder",))
    form.get_by_role("button", name="Screen this client").click()
    form.locator(".pt-refused").wait_for()
    area = form.locator(".pt-result-area").inner_text()
    assert "✎ Not screened yet" in area
    assert "Epilepsy or seizures" in area
    beside = question(form, "seizure_disorder").locator(".pt-field-message")
    assert "not answered" in beside.inner_text()
    assert question(form, "pregnant").locator(".pt-field-message").count() == 0
    shot(page, "screening-refused.png")

    # The practice quiz on the same page: decide, then reveal.
    quiz = page.locator(".pt-practice-quiz")
    quiz.get_by_role("combobox").select_option(label="c05 pacemaker")
    quiz.get_by_role("button", name="✖ Do not treat").click()
    quiz.get_by_role("button", name="Reveal the answer").click()
    quiz.get_by_text("✔ Right").wait_for()
    shot(page, "screening-quiz.png")
    assert page.errors == []

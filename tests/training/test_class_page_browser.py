"""The trainer's page (notebook 08) as a Voilà app in Debian's chromium: the class at a
glance on a seeded record, an observed treatment recorded on the checklist, the
class table saved as CSV."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from helpers import leaving_this_machine, record_requests, wait_for_voila_app
from protocol_tools import RecordStore, class_work
from protocol_tools.records.training import record_rehearsal, record_screening_attempt
from protocol_tools.training.checklist import criteria, observe
from protocol_tools.training.scoring import draw_attempt, score_attempt, store_score

pytestmark = pytest.mark.browser

NOTEBOOK = "08_class_dashboard.ipynb"
SHOTS = os.environ.get("PROTOCOL_TOOLS_SCREENSHOTS")  # a folder, to look at the page


def seed_class(store: RecordStore) -> None:
    """Two synthetic trainees: ana.k ready, with two observed treatments all met;
    ben-2 with a weaker quiz and half the screening cases right."""
    questions = draw_attempt(seed=1)
    store_score(store, "ana.k", score_attempt(questions, {q.id: q.answer for q in questions}))
    answers = {q.id: q.answer for q in questions[5:]}  # the first five left out
    store_score(store, "ben-2", score_attempt(questions, answers))
    for number in range(10):
        record_screening_attempt(
            store, "ana.k", case_id=f"case-{number}", chosen="proceed", expected="proceed"
        )
        expected = "proceed" if number % 2 else "postpone"
        record_screening_attempt(
            store, "ben-2", case_id=f"case-{number}", chosen="proceed", expected=expected
        )
    for _ in range(3):
        record_rehearsal(
            store, "ana.k", protocol_id="express-10", speed=10, steps=[], finished=True
        )
    every = dict.fromkeys(criteria(), True)
    for day in (dt.date(2026, 11, 2), dt.date(2026, 11, 9)):
        observe(store, "ana.k", observed_on=day, assessor="trainer-1", met=every)


def test_the_class_at_a_glance_an_observed_treatment_and_the_csv(
    voila, page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    location = tmp_path / "records" / "records.db"
    with RecordStore(location) as store:
        seed_class(store)
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(location))  # the served kernel inherits it
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)  # off a hub: the assessor types
    requests = record_requests(page)
    page.goto(voila(NOTEBOOK), wait_until="domcontentloaded")
    wait_for_voila_app(page)

    # The class table: both trainees, in words.
    rows = page.locator("table.pt-class tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("ana.k")
    expect(rows.nth(1)).to_contain_text("ben-2")
    expect(rows.first).to_contain_text("2 of 5")
    expect(page.locator(".pt-milestones")).to_contain_text("Ready for assessment (1): ana.k")
    # The charts are drawn here, from this machine: quiz by topic, screening, practice.
    charts = page.locator(".js-plotly-plot")
    expect(charts).to_have_count(3)
    expect(charts.first.locator(".xtick").first).to_be_visible()
    expect(charts.first).to_contain_text("Screening")  # a topic by its title
    expect(page.locator("table.pt-missed tbody tr").first).to_be_visible()
    if SHOTS:
        page.set_viewport_size({"width": 1280, "height": 4000})  # Voilà scrolls inside
        page.screenshot(path=str(Path(SHOTS) / "class-dashboard.png"))
        for number, name in enumerate(("topics", "screening", "practice")):
            charts.nth(number).screenshot(path=str(Path(SHOTS) / f"class-{name}.png"))

    # Save as CSV: a file outside the project, named on the page, and a download link.
    page.get_by_role("button", name="Save as CSV").click()
    expect(page.get_by_text("Saved:")).to_be_visible()
    (saved,) = (location.parent / "exports").glob("class_*.csv")
    assert saved.read_text().splitlines()[1].startswith("ana.k,")
    expect(page.locator("a.pt-download")).to_have_attribute("download", saved.name)

    # The assessor ticks every criterion for ben-2 and records the treatment.
    view = page.locator(".pt-assessor")
    view.get_by_label("Trainee", exact=True).select_option("ben-2")
    expect(view.locator(".pt-progress")).to_contain_text(
        "0 of 5 observed treatments with every criterion met"
    )
    view.get_by_label("Assessor code", exact=True).fill("trainer-1")
    for item in criteria().values():
        view.get_by_label(item.text, exact=True).check()
    view.get_by_label("Comment", exact=True).fill("Steady hands; explain the aftercare slower.")
    view.get_by_role("button", name="Record observed treatment").click()
    expect(view.get_by_text("Recorded:")).to_be_visible()
    expect(view.locator(".pt-progress")).to_contain_text(
        "1 of 5 observed treatments with every criterion met"
    )
    expect(view.locator("table.pt-observations tbody tr")).to_have_count(1)
    expect(rows.nth(1)).to_contain_text("1 of 5")  # the class table above follows
    if SHOTS:
        view.screenshot(path=str(Path(SHOTS) / "assessor-view.png"))
        view.locator(".pt-progress").screenshot(path=str(Path(SHOTS) / "assessor-progress.png"))

    with RecordStore(location) as store:
        (ben,) = [work for work in class_work(store) if work.code == "ben-2"]
    (observation,) = ben.observations
    assert observation.criteria == dict.fromkeys(criteria(), True)
    assert observation.assessor == "trainer-1"
    assert leaving_this_machine(requests) == []
    assert page.errors == []

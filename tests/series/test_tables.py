"""Plans, adherence and the front desk in people's words: symbols with words, plan
names never ids, phases from the plan file."""

from __future__ import annotations

import pytest

from protocol_tools.reference.data import plans_file
from protocol_tools.series.adherence import DUE_STATUSES
from protocol_tools.series.schedule import STATUSES, find_plan
from protocol_tools.series.tables import (
    DUE_MARKS,
    STATUS_MARKS,
    adherence_sentence,
    counts_sentence,
    due_words,
    money,
    phase_words,
    plan_choices,
    plan_name,
    settings_lines,
    status_words,
)


def test_every_status_has_a_symbol_and_words():
    assert set(STATUS_MARKS) == set(STATUSES)
    assert set(DUE_MARKS) == set(DUE_STATUSES)
    for status in STATUSES:
        symbol, words = STATUS_MARKS[status]
        assert status_words(status) == f"{symbol} {words}"
    assert due_words("overdue") == "⚠ Overdue"


def test_plans_are_offered_by_name_with_what_they_count():
    choices = plan_choices()
    assert [value for _, value in choices] == [entry.id for entry in plans_file().plans]
    assert ("Home device routine (home sessions)", "home-routine") in choices
    assert plan_name("maintenance") == "Maintenance only, every 4 to 6 weeks"
    assert plan_name("gone-from-the-file") == "gone-from-the-file"
    assert plan_name(None) == "No plan: the usual 4 to 6 weeks"


@pytest.mark.parametrize(
    ("plan", "index", "words"),
    [
        ("starter-course", 0, "8 visits, twice a week"),
        ("starter-course", 1, "4 visits, every week"),
        ("starter-course", 2, "8 visits, every 4 weeks, each counted from the visit actually made"),
        (
            "weekly-then-monthly",
            1,
            "10 visits, every month, each counted from the visit actually made",
        ),
        ("home-routine", 1, "39 sessions, 3 times a week"),
    ],
)
def test_phases_in_words(plan, index, words):
    entry = find_plan(plan)
    assert phase_words(entry.phases[index], entry.kind) == words


def test_the_adherence_sentence():
    summary = {"due_so_far": 3, "on_time_share": 0.67, "counts": {"on time": 2, "missed": 1}}
    assert adherence_sentence(summary, "home") == "2 of 3 sessions due so far were on time (67%)."
    assert adherence_sentence({"due_so_far": 0}, "clinic") == "No visit of this plan was due yet."
    assert counts_sentence(summary) == "✔ Made on time: 2 · ✖ Missed: 1"


def test_the_last_settings_in_words():
    carried = {
        "from_visit": "2026-11-23",
        "protocol": "express-10",
        "protocol_version": "1.0.0",
        "steps": [
            {"zone": "brows", "side": "left", "current_uA": 150.0, "skipped": True},
            {"zone": "jawline", "side": "both", "current_uA": 250.0, "comfort": "twitching"},
        ],
    }
    protocol, lines = settings_lines(carried)
    assert protocol == "express-10 (version 1.0.0), on Mon 23 Nov 2026"
    assert lines == ["Brows L: skipped", "Jawline L+R: 250 µA (Twitching; turn down next time)"]
    assert settings_lines({}) == ("", [])


def test_money():
    assert money(11500, "USD") == "$11,500"
    assert money(350.0, "EUR") == "350 EUR"

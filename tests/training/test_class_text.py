"""The trainer's pages in words (training.class_text): cells, milestones, the questions
most missed and a trainee's observed treatments, with texts and titles, never ids."""

from __future__ import annotations

import datetime as dt

from protocol_tools.records.training import ObservationRow, QuizRow, TraineeWork
from protocol_tools.training.checklist import criteria, qualification_progress
from protocol_tools.training.class_text import (
    NOTHING,
    class_sentence,
    milestones,
    missed_rows,
    never_met_texts,
    observation_rows,
    progress_sentence,
    table_cells,
)
from protocol_tools.training.content import load_quiz
from protocol_tools.training.dashboard import class_rows, class_summary, most_missed

MOMENT = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def observed(number: int, unmet: tuple[str, ...] = (), comment: str | None = None):
    ticks = {key: key not in unmet for key in criteria()}
    return ObservationRow(number, dt.date(2026, 11, 1 + number), "trainer-1", ticks, comment)


def test_table_cells_are_text_with_a_dash_for_nothing_yet():
    (cells,) = table_cells(class_rows(class_summary([TraineeWork("new")])))
    assert cells["Trainee"] == "new"
    assert cells["Quiz attempts"] == "0"
    assert cells["Best score, all topics (%)"] == NOTHING
    assert all(isinstance(value, str) and value for value in cells.values())


def test_milestones_and_the_class_sentence():
    signed = TraineeWork("ana.k", observations=tuple(observed(n) for n in range(5)))
    practising = TraineeWork("ben-2")
    found = milestones(class_summary([signed, practising]))
    assert found.signed_off == ("ana.k",)
    assert found.ready == ()
    ((code, still),) = found.practising
    assert code == "ben-2"
    assert "pass the quiz on all topics" in still
    assert class_sentence(class_summary([signed, practising])) == (
        "2 trainees: 1 signed off, 0 ready for assessment, 1 still practising."
    )


def test_missed_rows_show_the_question_and_its_topic_title():
    quiz = QuizRow(MOMENT, None, 5, 3, 0.8, False, {"screening": (3, 5)}, ("pacemaker",))
    (row,) = missed_rows(most_missed([TraineeWork("ana.k", quiz=(quiz,))]))
    text = next(q.question for q in load_quiz() if q.id == "pacemaker")
    assert row == {
        "question": text,
        "topic": "Screening",
        "missed": "1",
        "asked": "1",
        "share": "100",
    }


def test_progress_in_words_and_the_criteria_never_met_by_their_text():
    work = TraineeWork(
        "ana.k", observations=(observed(0), observed(1, unmet=("consent-recorded",)))
    )
    progress = qualification_progress(work)
    assert progress_sentence(progress) == "1 of 5 observed treatments with every criterion met"
    assert never_met_texts(progress) == []
    never = qualification_progress(
        TraineeWork("ben-2", observations=(observed(0, unmet=("consent-recorded",)),))
    )
    (text,) = never_met_texts(never)
    known = criteria()["consent-recorded"]
    assert text == f"{known.section}: {known.text}"
    assert "consent-recorded" not in text


def test_observation_rows_newest_first_in_words():
    work = TraineeWork(
        "ana.k",
        observations=(
            observed(0, comment="Calm and clear."),
            observed(3, unmet=("consent-recorded", "gel-applied")),
        ),
    )
    newest, oldest = observation_rows(work)
    total = len(criteria())
    assert newest["date"] == "2026-11-04"
    assert newest["met"] == f"{total - 2} of {total}"
    assert criteria()["gel-applied"].text in newest["not_met"]
    assert "gel-applied" not in newest["not_met"]
    assert newest["comment"] == NOTHING
    assert oldest["not_met"] == "none: every criterion met"
    assert (oldest["assessor"], oldest["comment"]) == ("trainer-1", "Calm and clear.")

"""The observed-skill checklist: an observation stores every criterion (left out means
not met), unknown criteria are refused, and the two milestones (ready for assessment,
qualification signed off) follow the rules in data/training.yaml."""

from __future__ import annotations

import datetime as dt

import pytest

from protocol_tools.core.errors import RecordError
from protocol_tools.records.training import (
    ObservationRow,
    QuizRow,
    RehearsalRow,
    ScreeningRow,
    TraineeWork,
    trainee_work,
)
from protocol_tools.training.checklist import (
    criteria,
    observe,
    qualification_progress,
    readiness,
)

NOW = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
DAY = dt.date(2026, 12, 1)


def observation(met_all: bool = True) -> ObservationRow:
    ticks = dict.fromkeys(criteria(), True)
    if not met_all:
        ticks["gel-applied"] = False
    return ObservationRow(1, DAY, "tess", ticks, None)


def test_an_observation_keeps_every_criterion_and_refuses_unknown_ones(store):
    observe(store, "ana", observed_on=DAY, assessor="tess", met={"gel-applied": True})
    (kept,) = trainee_work(store, "ana").observations
    assert set(kept.criteria) == set(criteria())
    assert kept.criteria["gel-applied"] is True
    assert sum(kept.criteria.values()) == 1
    with pytest.raises(RecordError, match="the checklist has no criterion naps"):
        observe(store, "ana", observed_on=DAY, assessor="tess", met={"naps": True})
    assert len(trainee_work(store, "ana").observations) == 1


def test_five_fully_met_observations_sign_the_qualification_off():
    progress = qualification_progress(TraineeWork("ana", observations=(observation(),) * 5))
    assert (progress.observed, progress.complete, progress.signed_off) == (5, 5, True)
    assert progress.never_met == ()


def test_an_unmet_criterion_keeps_that_observation_from_counting():
    work = TraineeWork("ana", observations=(observation(),) * 4 + (observation(False),))
    progress = qualification_progress(work)
    assert (progress.observed, progress.complete, progress.signed_off) == (5, 4, False)
    only_unmet = qualification_progress(TraineeWork("ana", observations=(observation(False),)))
    assert only_unmet.never_met == ("gel-applied",)


def work_with(passed=True, cases=10, right=8, rehearsals=3) -> TraineeWork:
    quiz = (QuizRow(NOW, None, 10, 9 if passed else 5, 0.8, passed, {}, ()),)
    screening = tuple(
        ScreeningRow(NOW, f"c{n}", "treat", "treat" if n < right else "stop", n < right)
        for n in range(cases)
    )
    runs = (RehearsalRow(NOW, "p", 1.0, True, ()),) * rehearsals
    return TraineeWork("ana", quiz, screening, runs)


def test_ready_for_assessment_needs_the_quiz_the_screening_and_the_rehearsals():
    assert readiness(work_with()).ready
    assert readiness(work_with()).screening_accuracy == 0.8
    assert readiness(work_with(passed=False)).missing == ("pass the quiz on all topics",)
    assert readiness(work_with(cases=9, right=9)).missing == ("decide 10 screening practice cases",)
    assert readiness(work_with(right=7)).missing == ("get 80% of screening cases right",)
    assert readiness(work_with(rehearsals=2)).missing == (
        "finish 3 rehearsals in the guided session",
    )
    nothing = readiness(TraineeWork("ana"))
    assert len(nothing.missing) == 4
    assert nothing.screening_accuracy is None

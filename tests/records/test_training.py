"""Trainees' work in the record, on SQLite and on PostgreSQL: each kind of work kept
and read back as written, bad values refused with nothing stored, and a trainee
forgotten with every trace of their work."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from protocol_tools.core.errors import RecordError, UnknownTraineeError
from protocol_tools.records.history import client_list
from protocol_tools.records.schema import (
    Observation,
    QuizAttempt,
    Rehearsal,
    ScreeningAttempt,
    Trainee,
)
from protocol_tools.records.training import (
    check_trainee_code,
    class_work,
    forget_trainee,
    record_observation,
    record_quiz_attempt,
    record_rehearsal,
    record_screening_attempt,
    sign_in,
    trainee_codes,
    trainee_work,
)

STEPS = [
    {"zone": "jawline", "planned_seconds": 60, "seconds": 58.5},
    {"zone": "forehead", "planned_seconds": 45, "seconds": 50},
]


def quiz(store, code="ana", right=3, asked=4, **extra):
    return record_quiz_attempt(
        store,
        code,
        topic=extra.pop("topic", None),
        asked=asked,
        right=right,
        pass_mark=extra.pop("pass_mark", 0.8),
        by_topic=extra.pop("by_topic", {"zones": (2, 2), "gel": (1, 2)}),
        missed=extra.pop("missed", ["gel-why"]),
        **extra,
    )


def count(store, model) -> int:
    with store.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("code", ["ana", "trainee-01", "ana.k@school", "B_2", "x" * 64])
def test_a_hub_user_name_or_school_code_is_a_trainee_code(code):
    assert check_trainee_code(f" {code} ") == code


@pytest.mark.parametrize(
    "code", ["", " ", "Jane Doe", "-ana", "x" * 65, "an\na", "ana;drop", None, 42]
)
def test_anything_else_is_refused_in_words(code):
    with pytest.raises(RecordError, match="a trainee code is 1 to 64"):
        check_trainee_code(code)


def test_signing_in_twice_or_at_once_keeps_one_trainee(store):
    assert sign_in(store, "ana") == "ana"
    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(lambda _: sign_in(store, "bo"), range(8))) == {"bo"}
    sign_in(store, " ana ")
    assert trainee_codes(store) == ["ana", "bo"]


def test_each_kind_of_work_is_read_back_as_written(store):
    quiz(store)
    quiz(store, right=4, topic="zones", by_topic={"zones": (4, 4)}, missed=[])
    record_screening_attempt(store, "ana", case_id="case-1", chosen="treat", expected="treat")
    record_screening_attempt(store, "ana", case_id="case-2", chosen="treat", expected="stop")
    record_rehearsal(store, "ana", protocol_id="signature-lift-15", speed=4, steps=STEPS,
                     finished=True)  # fmt: skip
    record_observation(store, "ana", observed_on=dt.date(2026, 12, 1), assessor="tess",
                       criteria={"gel-applied": True, "zone-order": False},
                       comment="  Kept the gel moist.  ")  # fmt: skip
    work = trainee_work(store, "ana")
    first, second = work.quiz
    assert (first.topic, first.right, first.asked, first.passed) == (None, 3, 4, False)
    assert first.by_topic == {"zones": (2, 2), "gel": (1, 2)}
    assert first.missed == ("gel-why",)
    assert (second.topic, second.passed, second.missed) == ("zones", True, ())
    assert [case.correct for case in work.screening] == [True, False]
    assert work.screening[1].expected == "stop"
    (rehearsal,) = work.rehearsals
    assert (rehearsal.protocol_id, rehearsal.speed, rehearsal.finished) == (
        "signature-lift-15", 4.0, True)  # fmt: skip
    assert [step["seconds"] for step in rehearsal.steps] == [58.5, 50.0]
    (observation,) = work.observations
    assert observation.criteria == {"gel-applied": True, "zone-order": False}
    assert (observation.assessor, observation.comment) == ("tess", "Kept the gel moist.")
    assert observation.observed_on == dt.date(2026, 12, 1)


def test_the_class_is_read_whole_or_by_code_and_an_unknown_trainee_is_named(store):
    for code in ("cy", "ana", "bo"):
        quiz(store, code)
    assert [work.code for work in class_work(store)] == ["ana", "bo", "cy"]
    assert [work.code for work in class_work(store, ["bo"])] == ["bo"]
    assert all(len(work.quiz) == 1 for work in class_work(store))
    with pytest.raises(UnknownTraineeError, match="no trainee with the code dee"):
        trainee_work(store, "dee")


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"right": 5, "asked": 4}, "is no score"),
        ({"asked": 0, "right": 0}, "at least 1"),
        ({"right": -1}, "at least 0"),
        ({"right": True}, "whole number"),
        ({"pass_mark": 1.5}, "is no score"),
        ({"by_topic": {"zones": (1, 0)}}, "at least 1"),
    ],
)
def test_a_score_that_cannot_be_is_refused_and_nothing_is_stored(store, changes, words):
    with pytest.raises(RecordError, match=words):
        quiz(store, **changes)
    assert count(store, QuizAttempt) == 0
    assert count(store, Trainee) == 0


def test_other_impossible_work_is_refused_and_nothing_is_stored(store):
    with pytest.raises(RecordError, match="speed must be more than 0"):
        record_rehearsal(store, "ana", protocol_id="p", speed=0, steps=STEPS, finished=True)
    with pytest.raises(RecordError, match="a step's zone"):
        record_rehearsal(store, "ana", protocol_id="p", speed=1, steps=[{"zone": ""}],
                         finished=False)  # fmt: skip
    with pytest.raises(RecordError, match="the day it was made"):
        record_observation(store, "ana", observed_on="yesterday", assessor="tess", criteria={})
    with pytest.raises(RecordError, match="a trainee code"):
        record_observation(store, "ana", observed_on=dt.date.today(), assessor="Tess T",
                           criteria={})  # fmt: skip
    with pytest.raises(RecordError, match="the chosen outcome"):
        record_screening_attempt(store, "ana", case_id="c", chosen=" ", expected="stop")
    assert all(count(store, model) == 0 for model in (Trainee, Rehearsal, Observation,
                                                      ScreeningAttempt))  # fmt: skip


def test_forgetting_a_trainee_removes_all_their_work_and_no_one_elses(store):
    for code in ("ana", "bo"):
        quiz(store, code)
        record_screening_attempt(store, code, case_id="c", chosen="treat", expected="treat")
        record_rehearsal(store, code, protocol_id="p", speed=1, steps=STEPS, finished=False)
        record_observation(store, code, observed_on=dt.date.today(), assessor="tess",
                           criteria={"gel-applied": True})  # fmt: skip
    assert forget_trainee(store, "ana") is True
    assert forget_trainee(store, "ana") is False
    assert [work.code for work in class_work(store)] == ["bo"]
    for model in (QuizAttempt, ScreeningAttempt, Rehearsal, Observation):
        assert count(store, model) == 1, model.__tablename__


def test_trainees_work_never_appears_among_clients(store):
    quiz(store, "C-0042")
    assert client_list(store) == []

"""Trainees' work in the record: quiz attempts, screening practice, rehearsals and
observed treatments (issue 13).

A trainee is known by a trainee code; on a hub it is their hub user name. The work
sits in tables of its own that never point at a client, so a class shares one
database with a clinic's records without seeing them. Each write is one transaction;
a read gathers a whole class in one query a table. On a shared PostgreSQL record the
database itself decides who sees what (:mod:`.classroom`): a trainee's reads return
their own work only, whatever this module asks for.

    >>> import pathlib, tempfile
    >>> store = RecordStore(pathlib.Path(tempfile.mkdtemp()) / "records.db")
    >>> sign_in(store, " trainee-01 ")
    'trainee-01'
    >>> _ = record_screening_attempt(store, "trainee-01", case_id="case-3",
    ...                              chosen="treat", expected="wait")
    >>> [row.correct for row in trainee_work(store, "trainee-01").screening]
    [False]
    >>> store.close()
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.errors import RecordError, UnknownTraineeError
from ..core.privacy import shown_value
from .rows import now, words
from .schema import Observation, QuizAttempt, Rehearsal, ScreeningAttempt, Trainee
from .store import RecordStore

__all__ = [
    "COMMENT_LIMIT",
    "TRAINEE_CODE",
    "ObservationRow",
    "QuizRow",
    "RehearsalRow",
    "ScreeningRow",
    "TraineeWork",
    "check_trainee_code",
    "class_work",
    "forget_trainee",
    "record_observation",
    "record_quiz_attempt",
    "record_rehearsal",
    "record_screening_attempt",
    "sign_in",
    "trainee_codes",
    "trainee_work",
]

# A hub user name or a school's code: letters, digits and . _ @ - (no spaces), as
# JupyterHub's own names are; the length is the column's.
TRAINEE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
COMMENT_LIMIT = 2000  # characters of an observation's comment the record keeps


def check_trainee_code(code: Any) -> str:
    """``code`` stripped, or RecordError saying what a trainee code looks like.

    >>> check_trainee_code("ana.k")
    'ana.k'
    """
    value = code.strip() if isinstance(code, str) else code
    if not isinstance(value, str) or not TRAINEE_CODE.fullmatch(value):
        raise RecordError(
            f"a trainee code is 1 to 64 letters, digits, dots, dashes, underscores or @, "
            f"starting with a letter or digit, not {shown_value(code)}"
        )
    return value


# -- rows as the rest of the package reads them ---------------------------------------


@dataclass(frozen=True)
class QuizRow:
    taken_at: dt.datetime
    topic: str | None
    asked: int
    right: int
    pass_mark: float
    passed: bool
    by_topic: dict[str, tuple[int, int]]
    missed: tuple[str, ...]


@dataclass(frozen=True)
class ScreeningRow:
    taken_at: dt.datetime
    case_id: str
    chosen: str
    expected: str
    correct: bool


@dataclass(frozen=True)
class RehearsalRow:
    taken_at: dt.datetime
    protocol_id: str
    speed: float
    finished: bool
    steps: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class ObservationRow:
    id: int
    observed_on: dt.date
    assessor: str
    criteria: dict[str, bool]
    comment: str | None


@dataclass(frozen=True)
class TraineeWork:
    """Everything stored for one trainee, oldest first in each part."""

    code: str
    quiz: tuple[QuizRow, ...] = ()
    screening: tuple[ScreeningRow, ...] = ()
    rehearsals: tuple[RehearsalRow, ...] = ()
    observations: tuple[ObservationRow, ...] = ()


# -- writing ---------------------------------------------------------------------------


def _trainee_row(session: Session, code: str) -> Trainee:
    """The trainee with ``code``, added in this transaction if new (another app adding
    the same code at the same moment is no error: its row is used)."""
    trainee = session.scalar(select(Trainee).where(Trainee.code == code))
    if trainee is not None:
        return trainee
    try:
        with session.begin_nested():
            trainee = Trainee(code=code, created_at=now())
            session.add(trainee)
    except IntegrityError:
        trainee = session.scalar(select(Trainee).where(Trainee.code == code))
    assert trainee is not None  # added, or added by the other app
    return trainee


def sign_in(store: RecordStore, code: str) -> str:
    """Sign trainee ``code`` in: known from now on (adding twice is harmless)."""
    code = check_trainee_code(code)
    with store.transaction() as session:
        _trainee_row(session, code)
    return code


def _add(store: RecordStore, code: str, make: Any) -> int:
    code = check_trainee_code(code)
    with store.transaction() as session:
        row = make(_trainee_row(session, code).id)
        session.add(row)
        session.flush()
        return int(row.id)


def _whole(value: Any, what: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise RecordError(f"{what} must be a whole number of at least {low}, not {value!r}")
    return value


def record_quiz_attempt(
    store: RecordStore,
    code: str,
    *,
    topic: str | None,
    asked: int,
    right: int,
    pass_mark: float,
    by_topic: Mapping[str, Sequence[int]],
    missed: Sequence[str],
    taken_at: dt.datetime | None = None,
) -> int:
    """Store one scored quiz attempt; returns its id."""
    asked = _whole(asked, "the number of questions asked", 1)
    right = _whole(right, "the number of right answers")
    if right > asked or not 0 <= pass_mark <= 1:
        raise RecordError(f"{right} right of {asked} at a pass mark of {pass_mark} is no score")
    topics = {
        str(name): [_whole(r, "right"), _whole(a, "asked", 1)] for name, (r, a) in by_topic.items()
    }
    return _add(
        store,
        code,
        lambda trainee_id: QuizAttempt(
            trainee_id=trainee_id,
            taken_at=taken_at or now(),
            topic=topic,
            asked=asked,
            right=right,
            pass_mark=float(pass_mark),
            passed=right >= pass_mark * asked,
            by_topic=topics,
            missed=[str(question) for question in missed],
        ),
    )


def record_screening_attempt(
    store: RecordStore,
    code: str,
    *,
    case_id: str,
    chosen: str,
    expected: str,
    taken_at: dt.datetime | None = None,
) -> int:
    """Store one screening-practice decision beside the right outcome; returns its id."""
    case, picked, right = (
        words(v, what, 200)
        for v, what in (
            (case_id, "a practice case"),
            (chosen, "the chosen outcome"),
            (expected, "the right outcome"),
        )
    )
    return _add(
        store,
        code,
        lambda trainee_id: ScreeningAttempt(
            trainee_id=trainee_id,
            taken_at=taken_at or now(),
            case_id=case,
            chosen=picked[:40],
            expected=right[:40],
            correct=picked == right,
        ),
    )


def record_rehearsal(
    store: RecordStore,
    code: str,
    *,
    protocol_id: str,
    speed: float,
    steps: Sequence[Mapping[str, Any]],
    finished: bool,
    taken_at: dt.datetime | None = None,
) -> int:
    """Store a rehearsal of the guided session; ``steps`` as :class:`~.schema.Rehearsal`
    describes them. Returns its id."""
    if isinstance(speed, bool) or not isinstance(speed, int | float) or not speed > 0:
        raise RecordError(f"a rehearsal's speed must be more than 0, not {speed!r}")
    kept = []
    for step in steps:
        kept.append(
            {
                "zone": words(step.get("zone"), "a step's zone", 200),
                "planned_seconds": float(step.get("planned_seconds") or 0),
                "seconds": float(step.get("seconds") or 0),
            }
        )
    return _add(
        store,
        code,
        lambda trainee_id: Rehearsal(
            trainee_id=trainee_id,
            taken_at=taken_at or now(),
            protocol_id=words(protocol_id, "a protocol id", 200),
            speed=float(speed),
            finished=bool(finished),
            steps=kept,
        ),
    )


def record_observation(
    store: RecordStore,
    code: str,
    *,
    observed_on: dt.date,
    assessor: str,
    criteria: Mapping[str, bool],
    comment: str | None = None,
) -> int:
    """Store an observed treatment: the assessor's tick per criterion id. Which ids
    are known is the checklist's business (``training.checklist`` checks them first)."""
    if not isinstance(observed_on, dt.date):
        raise RecordError(f"an observation needs the day it was made, not {observed_on!r}")
    ticks = {words(key, "a criterion", 200): bool(met) for key, met in criteria.items()}
    note = words(comment, "a comment", COMMENT_LIMIT) if comment and comment.strip() else None
    return _add(
        store,
        code,
        lambda trainee_id: Observation(
            trainee_id=trainee_id,
            observed_on=observed_on,
            assessor=check_trainee_code(assessor),
            criteria=ticks,
            comment=note,
            created_at=now(),
        ),
    )


# -- reading ---------------------------------------------------------------------------


def trainee_codes(store: RecordStore) -> list[str]:
    """Every trainee the record shows this user, by code."""
    with store.reading() as session:
        return list(session.scalars(select(Trainee.code).order_by(Trainee.code)))


def class_work(store: RecordStore, codes: Sequence[str] | None = None) -> list[TraineeWork]:
    """The work of every trainee (or of ``codes``), by code: one query a table."""
    with store.reading() as session:
        query = select(Trainee.id, Trainee.code).order_by(Trainee.code)
        if codes is not None:
            query = query.where(Trainee.code.in_([check_trainee_code(c) for c in codes]))
        trainees = {row[0]: row[1] for row in session.execute(query)}
        parts: dict[str, defaultdict[int, list[Any]]] = {}
        for name, model, as_row in _PARTS:
            found: defaultdict[int, list[Any]] = defaultdict(list)
            # Plain rows (same attribute names), not ORM objects: a class of 200 with
            # 20 attempts each loads in under half the time (benchmarks/bench_training.py).
            rows = session.execute(
                select(model.__table__).where(model.trainee_id.in_(trainees)).order_by(model.id)
            )
            for row in rows:
                found[row.trainee_id].append(as_row(row))
            parts[name] = found
    return [
        TraineeWork(code, **{name: tuple(parts[name][key]) for name in parts})
        for key, code in trainees.items()
    ]


def trainee_work(store: RecordStore, code: str) -> TraineeWork:
    """One trainee's work (UnknownTraineeError when the record shows no such trainee)."""
    found = class_work(store, [code])
    if not found:
        raise UnknownTraineeError(f"no trainee with the code {code.strip()} is in the record")
    return found[0]


def forget_trainee(store: RecordStore, code: str) -> bool:
    """Delete trainee ``code`` and all their work; False when there was none."""
    code = check_trainee_code(code)
    with store.transaction() as session:
        gone = session.execute(delete(Trainee).where(Trainee.code == code)).rowcount
    return bool(gone)


def _quiz_row(row: QuizAttempt) -> QuizRow:
    return QuizRow(
        row.taken_at,
        row.topic,
        row.asked,
        row.right,
        row.pass_mark,
        row.passed,
        {topic: (int(pair[0]), int(pair[1])) for topic, pair in row.by_topic.items()},
        tuple(row.missed),
    )


def _screening_row(row: ScreeningAttempt) -> ScreeningRow:
    return ScreeningRow(row.taken_at, row.case_id, row.chosen, row.expected, row.correct)


def _rehearsal_row(row: Rehearsal) -> RehearsalRow:
    return RehearsalRow(row.taken_at, row.protocol_id, row.speed, row.finished, tuple(row.steps))


def _observation_row(row: Observation) -> ObservationRow:
    return ObservationRow(row.id, row.observed_on, row.assessor, dict(row.criteria), row.comment)


_PARTS: tuple[tuple[str, Any, Any], ...] = (
    ("quiz", QuizAttempt, _quiz_row),
    ("screening", ScreeningAttempt, _screening_row),
    ("rehearsals", Rehearsal, _rehearsal_row),
    ("observations", Observation, _observation_row),
)

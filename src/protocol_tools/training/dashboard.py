"""The trainer's view of a class, as numbers: one summary a trainee, scores by topic,
the questions most missed, and the table a school exports.

Everything is computed from :func:`~protocol_tools.records.training.class_work` (one
query a table), so a class of 200 with 20 attempts each opens at once. On a shared
record a trainee asking for the class gets their own row only: the database decides.

    >>> from protocol_tools.records.training import TraineeWork
    >>> row = class_rows(class_summary([TraineeWork("trainee-01")]))[0]
    >>> row["Trainee"], row["Quiz attempts"], row["Ready for assessment"]
    ('trainee-01', 0, 'no')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core.spreadsheet import csv_text
from ..records.training import TraineeWork
from .checklist import QualificationProgress, Readiness, qualification_progress, readiness
from .content import load_quiz
from .scoring import quiz_topics

__all__ = [
    "CLASS_COLUMNS",
    "MissedQuestion",
    "TraineeSummary",
    "class_csv",
    "class_rows",
    "class_summary",
    "most_missed",
    "topic_percents",
]


@dataclass(frozen=True)
class TraineeSummary:
    code: str
    attempts: int
    best_percent: int | None  # best attempt over every topic
    last_percent: int | None  # last attempt of any kind
    topics: dict[str, int]  # topic → % right over every attempt that asked it
    readiness: Readiness
    progress: QualificationProgress


def _percent(right: int, asked: int) -> int:
    return round(100 * right / asked)


def topic_percents(work: TraineeWork, topics: Sequence[str] | None = None) -> dict[str, int]:
    """``{topic: % right}`` over all of ``work``'s attempts, topics in the lessons' order
    (``topics``: that order, read once for a whole class; default: read now)."""
    right: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for attempt in work.quiz:
        for topic, (got, of) in attempt.by_topic.items():
            right[topic] += got
            asked[topic] += of
    known = list(quiz_topics() if topics is None else topics)
    order = [*known, *sorted(set(asked) - set(known))]
    return {topic: _percent(right[topic], asked[topic]) for topic in order if asked[topic]}


def class_summary(works: Sequence[TraineeWork]) -> list[TraineeSummary]:
    """One summary a trainee, in the order given."""
    topics = list(quiz_topics())  # read once: a class of 200 asks 200 times
    summaries = []
    for work in works:
        full = [_percent(a.right, a.asked) for a in work.quiz if a.topic is None]
        summaries.append(
            TraineeSummary(
                code=work.code,
                attempts=len(work.quiz),
                best_percent=max(full) if full else None,
                last_percent=_percent(work.quiz[-1].right, work.quiz[-1].asked)
                if work.quiz
                else None,
                topics=topic_percents(work, topics),
                readiness=readiness(work),
                progress=qualification_progress(work),
            )
        )
    return summaries


@dataclass(frozen=True)
class MissedQuestion:
    id: str
    question: str
    topic: str
    missed: int  # times answered wrong or left out
    asked: int  # times it was in an attempt


def most_missed(works: Sequence[TraineeWork], limit: int = 5) -> list[MissedQuestion]:
    """The questions the class missed most often, most missed first."""
    questions = {question.id: question for question in load_quiz()}
    missed: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    for work in works:
        for attempt in work.quiz:
            missed.update(attempt.missed)
            # An attempt asks every question of each topic it covers.
            for question in questions.values():
                if question.topic in attempt.by_topic:
                    asked[question.id] += 1
    ranked = sorted(
        (key for key in missed if key in questions), key=lambda key: (-missed[key], key)
    )
    return [
        MissedQuestion(key, questions[key].question, questions[key].topic, missed[key], asked[key])
        for key in ranked[:limit]
    ]


CLASS_COLUMNS = (
    "Trainee",
    "Quiz attempts",
    "Best score, all topics (%)",
    "Last score (%)",
    "Screening cases",
    "Screening right (%)",
    "Rehearsals finished",
    "Observed treatments",
    "Observed with every criterion met",
    "Ready for assessment",
    "Still to do",
    "Qualification signed off",
)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def class_rows(summaries: Sequence[TraineeSummary]) -> list[dict[str, Any]]:
    """The class table in words, one row a trainee (the columns of CLASS_COLUMNS)."""
    rows = []
    for item in summaries:
        ready, progress = item.readiness, item.progress
        accuracy = ready.screening_accuracy
        values = (
            item.code,
            item.attempts,
            item.best_percent,
            item.last_percent,
            ready.screening_cases,
            None if accuracy is None else round(100 * accuracy),
            ready.rehearsals,
            progress.observed,
            f"{progress.complete} of {progress.required}",
            _yes(ready.ready),
            "; ".join(ready.missing),
            _yes(progress.signed_off),
        )
        rows.append(dict(zip(CLASS_COLUMNS, values, strict=True)))
    return rows


def class_csv(summaries: Sequence[TraineeSummary]) -> str:
    """The class table as CSV for the school's own records (cells cannot start a formula)."""
    rows = class_rows(summaries)
    return csv_text(CLASS_COLUMNS, ([row[column] for column in CLASS_COLUMNS] for row in rows))

"""The quiz as an assessment: draw a shuffled attempt, score it, keep the score.

An attempt is a topic's questions (or every topic's) in a shuffled order. Its score
counts right answers per topic and names the questions missed; an unanswered
question counts as missed. The pass mark is data (``data/training.yaml``) and is
stored with the score, so changing it later rewrites no one's history::

    >>> questions = draw_attempt("zones", seed=3)
    >>> score = score_attempt(questions, {q.id: q.answer for q in questions})
    >>> score.right == score.asked, score.passed, score.missed
    (True, True, ())
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..core.errors import ReferenceDataError
from ..records.store import RecordStore
from ..records.training import record_quiz_attempt
from ..reference.data import training_file
from .content import SCREENING_TOPIC, QuizQuestion, load_lessons, load_quiz

__all__ = [
    "QuizScore",
    "draw_attempt",
    "pass_mark",
    "quiz_topics",
    "score_attempt",
    "store_score",
    "topic_title",
]


def pass_mark() -> float:
    """The share of right answers that passes (``data/training.yaml``)."""
    return float(training_file().quiz.pass_mark)


def quiz_topics() -> dict[str, str]:
    """``{topic: title}`` for every topic the quiz asks about, in the lessons' order."""
    lessons = load_lessons()
    asked = {question.topic for question in load_quiz()}
    titles = {key: lesson.title for key, lesson in lessons.items() if key in asked}
    if SCREENING_TOPIC in asked:
        titles.setdefault(SCREENING_TOPIC, "Screening")
    return titles


def topic_title(topic: str | None) -> str:
    """A topic in words: its lesson's title, or "All topics" for None."""
    if topic is None:
        return "All topics"
    return quiz_topics().get(topic, topic.replace("-", " ").capitalize())


def draw_attempt(topic: str | None = None, seed: int | None = None) -> list[QuizQuestion]:
    """The questions of ``topic`` (every topic for None), shuffled; ``seed`` repeats an
    order. A topic without questions is a ReferenceDataError."""
    questions = [q for q in load_quiz() if topic is None or q.topic == topic]
    if not questions:
        raise ReferenceDataError(f"no quiz question has the topic {topic!r}")
    # Shuffling practice questions, not secrets: a seeded generator is what we want.
    random.Random(seed).shuffle(questions)  # noqa: S311
    return questions


@dataclass(frozen=True)
class QuizScore:
    """A scored attempt. ``by_topic`` maps a topic to ``(right, asked)``."""

    topic: str | None
    asked: int
    right: int
    pass_mark: float
    by_topic: dict[str, tuple[int, int]] = field(default_factory=dict)
    missed: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.right >= self.pass_mark * self.asked

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.asked) if self.asked else 0


def score_attempt(
    questions: Sequence[QuizQuestion],
    answers: Mapping[str, int | None],
    topic: str | None = None,
    mark: float | None = None,
) -> QuizScore:
    """Score ``answers`` (question id → the chosen choice's number from 0, or None) for
    the attempt ``questions``; ``topic`` is the attempt's (None: every topic)."""
    by_topic: dict[str, list[int]] = {}
    missed = []
    for question in questions:
        tally = by_topic.setdefault(question.topic, [0, 0])
        tally[1] += 1
        if answers.get(question.id) == question.answer:
            tally[0] += 1
        else:
            missed.append(question.id)
    right = sum(tally[0] for tally in by_topic.values())
    return QuizScore(
        topic=topic,
        asked=len(questions),
        right=right,
        pass_mark=pass_mark() if mark is None else mark,
        by_topic={key: (tally[0], tally[1]) for key, tally in by_topic.items()},
        missed=tuple(missed),
    )


def store_score(store: RecordStore, trainee: str, score: QuizScore) -> int:
    """Keep ``score`` in the record as trainee ``trainee``'s attempt; returns its id."""
    return record_quiz_attempt(
        store,
        trainee,
        topic=score.topic,
        asked=score.asked,
        right=score.right,
        pass_mark=score.pass_mark,
        by_topic=score.by_topic,
        missed=score.missed,
    )

"""How quickly the trainer's dashboard opens on a full class.

Builds a SQLite record of 200 trainees with 20 scored quiz attempts each (every other
one over all topics, the rest one topic; answers drawn at random with a fixed seed),
15 screening-practice cases, 4 rehearsals and 3 observed treatments each, in one
transaction of bulk inserts, then prints the median of several runs of:

- the data: ``class_work`` (one query a table) + ``class_summary`` + ``most_missed``;
- opening the dashboard: the data, the class table in words, and the three charts
  built and turned into what the page sends the browser (``figure_output``);
- the whole widget: ``ClassDashboard(store)``, tables and charts included.

Each figure is printed beside the issue's target (the dashboard opens within 1 s for
a class of 200 with 20 attempts each) and their ratio (below 1 is within the target).
Synthetic data only; the file is deleted after.

Run: ``.venv/bin/python benchmarks/bench_training.py`` (about 10 s).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from protocol_tools import ClassDashboard, RecordStore
from protocol_tools.records.schema import (
    Observation,
    QuizAttempt,
    Rehearsal,
    ScreeningAttempt,
    Trainee,
)
from protocol_tools.records.training import class_work
from protocol_tools.training.checklist import criteria
from protocol_tools.training.class_text import table_cells
from protocol_tools.training.content import load_quiz
from protocol_tools.training.dashboard import class_rows, class_summary, most_missed
from protocol_tools.training.scoring import pass_mark, score_attempt
from protocol_tools.views.charts import figure_output
from protocol_tools.views.training_charts import (
    practice_figure,
    screening_figure,
    topic_scores_figure,
)

TRAINEES = 200
ATTEMPTS = 20
CASES = 15
REHEARSALS = 4
OBSERVATIONS = 3
RUNS = 7
TARGET = 1.0  # seconds: the "opens within 1 s"
START = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)
MARK = pass_mark()


def _attempt(trainee: int, number: int, chance: random.Random, quiz: list) -> dict:
    """One scored attempt: all topics on even numbers, else one topic."""
    topics = sorted({q.topic for q in quiz})
    topic = None if number % 2 == 0 else topics[(trainee + number) % len(topics)]
    questions = [q for q in quiz if topic is None or q.topic == topic]
    skill = 0.5 + 0.45 * (trainee % 10) / 9  # from a weak trainee to a strong one
    answers = {q.id: q.answer if chance.random() < skill else None for q in questions}
    score = score_attempt(questions, answers, topic=topic, mark=MARK)
    return {
        "trainee_id": trainee,
        "taken_at": START + dt.timedelta(days=number, minutes=trainee),
        "topic": topic,
        "asked": score.asked,
        "right": score.right,
        "pass_mark": score.pass_mark,
        "passed": score.passed,
        "by_topic": {key: list(pair) for key, pair in score.by_topic.items()},
        "missed": list(score.missed),
    }


def build(store: RecordStore) -> None:
    """200 trainees and their work, bulk-inserted in one transaction."""
    chance = random.Random(13)  # noqa: S311 (synthetic practice data, not secrets)
    known = list(criteria())
    questions = load_quiz()
    trainees, quiz, screening, rehearsals, observations = [], [], [], [], []
    for trainee in range(1, TRAINEES + 1):
        trainees.append({"id": trainee, "code": f"trainee-{trainee:03d}", "created_at": START})
        quiz += [_attempt(trainee, number, chance, questions) for number in range(ATTEMPTS)]
        for case in range(CASES):
            right = chance.random() < 0.85
            screening.append(
                {
                    "trainee_id": trainee,
                    "taken_at": START,
                    "case_id": f"case-{case % 6}",
                    "chosen": "proceed",
                    "expected": "proceed" if right else "postpone",
                    "correct": right,
                }
            )
        for run in range(REHEARSALS):
            rehearsals.append(
                {
                    "trainee_id": trainee,
                    "taken_at": START,
                    "protocol_id": "express-10",
                    "speed": 10.0,
                    "finished": run != 0,
                    "steps": [{"zone": "jawline", "planned_seconds": 45.0, "seconds": 44.0}],
                }
            )
        for number in range(OBSERVATIONS):
            observations.append(
                {
                    "trainee_id": trainee,
                    "observed_on": START.date() + dt.timedelta(weeks=number),
                    "assessor": "trainer-1",
                    "criteria": {key: chance.random() < 0.95 for key in known},
                    "comment": "Synthetic observation.",
                    "created_at": START,
                }
            )
    with store.transaction() as session:
        session.execute(insert(Trainee), trainees)
        for model, rows in (
            (QuizAttempt, quiz),
            (ScreeningAttempt, screening),
            (Rehearsal, rehearsals),
            (Observation, observations),
        ):
            session.execute(insert(model), rows)
    print(
        f"record: {TRAINEES} trainees, {len(quiz):,} quiz attempts, {len(screening):,} "
        f"screening cases, {len(rehearsals):,} rehearsals, {len(observations):,} observations"
    )


def median_seconds(function, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(what: str, seconds: float, target: float = TARGET, runs: int = RUNS) -> None:
    print(
        f"{what:<52} median {seconds * 1000:7.1f} ms over {runs} runs   "
        f"target < {target * 1000:g} ms   ratio {seconds / target:.2f}"
    )


def measure(store: RecordStore) -> None:
    def data():
        works = class_work(store)
        return class_summary(works), most_missed(works)

    def dashboard() -> None:
        summaries, _ = data()
        table_cells(class_rows(summaries))
        for make in (topic_scores_figure, screening_figure, practice_figure):
            figure_output(make(summaries))

    summaries, _ = data()  # warm the reference data, like an app already running
    assert len(summaries) == TRAINEES, len(summaries)
    assert sum(item.attempts for item in summaries) == TRAINEES * ATTEMPTS
    report(f"class data ({TRAINEES} trainees x {ATTEMPTS} attempts)", median_seconds(data))
    report("dashboard open (data + table + 3 charts)", median_seconds(dashboard))
    report("ClassDashboard(store), the whole widget", median_seconds(lambda: ClassDashboard(store)))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, RecordStore(Path(folder) / "records.db") as store:
        start = time.perf_counter()
        build(store)
        print(f"built in {time.perf_counter() - start:.1f} s")
        measure(store)


if __name__ == "__main__":
    main()

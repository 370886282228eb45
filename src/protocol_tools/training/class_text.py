"""The trainer's pages in words: the class table's cells, who is ready or signed off,
the questions most missed, and one trainee's observed treatments.

Plain data for the dashboard and the assessor view (no widgets): criteria and topics
appear by their text and title, never by the ids the record keeps.

    >>> from protocol_tools.records.training import TraineeWork
    >>> from protocol_tools.training.checklist import qualification_progress
    >>> progress_sentence(qualification_progress(TraineeWork("trainee-01")))
    '0 of 5 observed treatments with every criterion met'
    >>> table_cells([{"Trainee": "trainee-01", "Best score, all topics (%)": None}])
    [{'Trainee': 'trainee-01', 'Best score, all topics (%)': '—'}]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..records.training import TraineeWork
from .checklist import QualificationProgress, checklist, criteria
from .dashboard import CLASS_COLUMNS, MissedQuestion, TraineeSummary
from .scoring import quiz_topics, topic_title

__all__ = [
    "CLASS_TABLE_COLUMNS",
    "MISSED_COLUMNS",
    "NOTHING",
    "OBSERVATION_COLUMNS",
    "Milestones",
    "class_sentence",
    "milestones",
    "missed_rows",
    "never_met_texts",
    "observation_rows",
    "progress_sentence",
    "table_cells",
]

NOTHING = "—"  # an empty cell: nothing to show yet
# (key, heading) pairs as ``records.page_html.table_html`` takes them.
CLASS_TABLE_COLUMNS = tuple((column, column) for column in CLASS_COLUMNS)
MISSED_COLUMNS = (
    ("question", "Question"),
    ("topic", "Topic"),
    ("missed", "Times missed"),
    ("asked", "Times asked"),
    ("share", "Missed (%)"),
)
OBSERVATION_COLUMNS = (
    ("date", "Observed on"),
    ("assessor", "Assessor"),
    ("met", "Criteria met"),
    ("not_met", "Not met"),
    ("comment", "Comment"),
)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def table_cells(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """``dashboard.class_rows`` as text for a table: nothing yet is a dash."""
    return [
        {key: NOTHING if value is None or value == "" else str(value) for key, value in row.items()}
        for row in rows
    ]


def class_sentence(summaries: Sequence[TraineeSummary]) -> str:
    """The class in one sentence.

    >>> class_sentence([])
    'No trainees in the record yet.'
    """
    if not summaries:
        return "No trainees in the record yet."
    found = milestones(summaries)
    return (
        f"{_plural(len(summaries), 'trainee')}: {len(found.signed_off)} signed off, "
        f"{len(found.ready)} ready for assessment, {len(found.practising)} still practising."
    )


@dataclass(frozen=True)
class Milestones:
    """Trainee codes by where they are: signed off; ready for an observed treatment
    (not signed off yet); still practising (with what is left, in words)."""

    signed_off: tuple[str, ...]
    ready: tuple[str, ...]
    practising: tuple[tuple[str, str], ...]


def milestones(summaries: Sequence[TraineeSummary]) -> Milestones:
    """Who is signed off, who is ready for assessment, who is still practising."""
    signed, ready, practising = [], [], []
    for item in summaries:
        if item.progress.signed_off:
            signed.append(item.code)
        elif item.readiness.ready:
            ready.append(item.code)
        else:
            practising.append((item.code, "; ".join(item.readiness.missing)))
    return Milestones(tuple(signed), tuple(ready), tuple(practising))


def missed_rows(missed: Sequence[MissedQuestion]) -> list[dict[str, str]]:
    """``dashboard.most_missed`` as table rows: the question's text, its topic's title."""
    titles = quiz_topics()  # read once, not per row
    return [
        {
            "question": item.question,
            "topic": titles.get(item.topic) or topic_title(item.topic),
            "missed": str(item.missed),
            "asked": str(item.asked),
            "share": str(round(100 * item.missed / item.asked)) if item.asked else NOTHING,
        }
        for item in missed
    ]


def progress_sentence(progress: QualificationProgress) -> str:
    """How far a trainee is with the qualification, in one line."""
    counted = "observed treatment" if progress.required == 1 else "observed treatments"
    if checklist().qualification.every_criterion_met:
        counted += " with every criterion met"
    return f"{progress.complete} of {progress.required} {counted}"


def never_met_texts(progress: QualificationProgress) -> list[str]:
    """The criteria not met in any observation yet, as the assessor reads them."""
    known = criteria()
    return [
        f"{known[key].section}: {known[key].text}" for key in progress.never_met if key in known
    ]


def observation_rows(work: TraineeWork) -> list[dict[str, str]]:
    """``work``'s observed treatments, newest first, in words."""
    known = criteria()
    rows = []
    for item in sorted(work.observations, key=lambda o: (o.observed_on, o.id), reverse=True):
        met = [key for key in known if item.criteria.get(key, False)]
        missing = [known[key].text for key in known if not item.criteria.get(key, False)]
        rows.append(
            {
                "date": item.observed_on.isoformat(),
                "assessor": item.assessor,
                "met": f"{len(met)} of {len(known)}",
                "not_met": " · ".join(missing) or "none: every criterion met",
                "comment": item.comment or NOTHING,
            }
        )
    return rows

"""The observed-skill checklist and the two milestones it leads to.

``data/training.yaml`` holds the checklist an assessor ticks during an observed
treatment (each criterion with its source), the qualification's rule (how many
observed treatments with every criterion met) and what a trainee shows before
being observed at all (*ready for assessment*). Both milestones are computed here
from a trainee's stored work, so the dashboard, the assessor view and the command
line agree::

    >>> from protocol_tools.records.training import TraineeWork
    >>> progress = qualification_progress(TraineeWork("trainee-01"))
    >>> progress.complete, progress.required, progress.signed_off
    (0, 5, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.errors import RecordError
from ..records.store import RecordStore
from ..records.training import ObservationRow, TraineeWork, record_observation
from ..reference.data import training_file
from ..reference.models import TrainingFile

__all__ = [
    "Criterion",
    "QualificationProgress",
    "Readiness",
    "checklist",
    "criteria",
    "observe",
    "qualification_progress",
    "readiness",
    "screening_accuracy",
]


@dataclass(frozen=True)
class Criterion:
    id: str
    section: str  # the section's title
    text: str
    source: str


def checklist() -> TrainingFile:
    """The checked contents of ``data/training.yaml``."""
    return training_file()


def criteria() -> dict[str, Criterion]:
    """Every criterion by id, in the checklist's order."""
    return {
        item.id: Criterion(item.id, section.title, item.text, item.source)
        for section in training_file().checklist
        for item in section.criteria
    }


def observe(
    store: RecordStore,
    trainee: str,
    *,
    observed_on: dt.date,
    assessor: str,
    met: Mapping[str, bool],
    comment: str | None = None,
) -> int:
    """Record an observed treatment: ``met`` ticks criterion ids; a criterion left out
    was not met. An id the checklist does not know is refused (nothing is stored)."""
    known = criteria()
    unknown = sorted(set(met) - set(known))
    if unknown:
        raise RecordError(f"the checklist has no criterion {', '.join(unknown)}")
    ticks = {key: bool(met.get(key, False)) for key in known}
    return record_observation(
        store, trainee, observed_on=observed_on, assessor=assessor, criteria=ticks, comment=comment
    )


def _all_met(observation: ObservationRow, known: Mapping[str, Criterion]) -> bool:
    return all(observation.criteria.get(key, False) for key in known)


@dataclass(frozen=True)
class QualificationProgress:
    """How far a trainee is with the qualification's observed treatments."""

    observed: int  # observed treatments recorded
    complete: int  # of them, those with every criterion met
    required: int
    never_met: tuple[str, ...]  # criterion ids not met in any observation yet

    @property
    def signed_off(self) -> bool:
        return self.complete >= self.required


def qualification_progress(work: TraineeWork) -> QualificationProgress:
    """Count ``work``'s observed treatments against the qualification's rule."""
    rule = training_file().qualification
    known = criteria()
    if rule.every_criterion_met:
        complete = sum(_all_met(item, known) for item in work.observations)
    else:
        complete = len(work.observations)
    ever = {key for item in work.observations for key, met in item.criteria.items() if met}
    return QualificationProgress(
        observed=len(work.observations),
        complete=complete,
        required=rule.observed_treatments,
        never_met=tuple(key for key in known if key not in ever),
    )


def screening_accuracy(work: TraineeWork) -> float | None:
    """The share of screening-practice cases decided right (None before the first)."""
    if not work.screening:
        return None
    return sum(case.correct for case in work.screening) / len(work.screening)


@dataclass(frozen=True)
class Readiness:
    """Whether a trainee has shown what comes before an observed treatment."""

    quiz_passed: bool
    screening_cases: int
    screening_accuracy: float | None
    rehearsals: int
    missing: tuple[str, ...]  # what is still to do, in words

    @property
    def ready(self) -> bool:
        return not self.missing


def readiness(work: TraineeWork) -> Readiness:
    """``work`` against ``readiness`` in ``data/training.yaml``."""
    rule = training_file().readiness
    passed = any(attempt.topic is None and attempt.passed for attempt in work.quiz)
    accuracy = screening_accuracy(work)
    finished = sum(rehearsal.finished for rehearsal in work.rehearsals)
    missing = []
    if rule.quiz_passed and not passed:
        missing.append("pass the quiz on all topics")
    if len(work.screening) < rule.screening_cases:
        missing.append(f"decide {rule.screening_cases} screening practice cases")
    if accuracy is None or accuracy < rule.screening_accuracy:
        missing.append(f"get {round(rule.screening_accuracy * 100)}% of screening cases right")
    if finished < rule.rehearsals:
        missing.append(f"finish {rule.rehearsals} rehearsals in the guided session")
    return Readiness(passed, len(work.screening), accuracy, finished, tuple(missing))

"""What a model alone cannot say: facts that tie fields of a file together.

Each check returns ``(path, message)`` pairs; :mod:`.loader` places them in the
file. Examples: a zone id given twice, a rule code the validator needs but
``rules.yaml`` lacks, a screening rule naming an outcome that is not defined.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from .models import (
    ContraindicationsFile,
    LimitsFile,
    PlansFile,
    Range,
    RulesFile,
    SessionCareFile,
    TechniquesFile,
    TrainingFile,
    WholeRange,
    ZonesFile,
)

__all__ = ["CROSS_CHECKS", "REQUIRED_OUTCOMES", "REQUIRED_RULE_CODES"]

Problem = tuple[tuple[Any, ...], str]

# Every rule code the package's own code reports (protocols.loading, protocols.checks,
# designer): a finding for a code rules.yaml lacks would have no severity to show.
REQUIRED_RULE_CODES = (
    "file-unreadable",
    "yaml-syntax",
    "yaml-unsafe",
    "duplicate-key",
    "wrong-type",
    "missing-field",
    "unknown-field",
    "unknown-choice",
    "not-positive",
    "bad-value",
    "not-microcurrent",
    "above-zone-limit",
    "above-setting-limit",
    "frequency-range",
    "step-shape",
    "hold-too-long",
    "id-mismatch",
    "duplicate-id",
    "no-treatment",
    "clinic-duration",
    "home-duration",
    "target-mismatch",
    "side-imbalance",
    "hold-without-time",
    "missing-core-zone",
)

# The outcomes the screening's code decides between (strongest first in the file).
REQUIRED_OUTCOMES = ("stop", "clearance", "postpone", "adjust", "proceed")


def _duplicates(ids: Iterable[str], path: tuple[Any, ...], what: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for index, value in enumerate(ids):
        if value in seen:
            problems.append(((*path, index, what), f"{value!r} is given twice; ids must differ"))
        seen.add(value)
    return problems


def _range(value: Range | WholeRange, path: tuple[Any, ...]) -> list[Problem]:
    if value.min > value.max:
        return [((*path, "min"), f"is more than max ({value.min} > {value.max})")]
    return []


def _right_half(points: list[list[float]], midline: float, path: tuple[Any, ...]) -> list[Problem]:
    for index, (x, _) in enumerate(points):
        if x > midline:
            message = (
                f"x = {x} lies on the client's left; draw the client's right half only "
                f"(x <= {midline:g})"
            )
            return [((*path, index, 0), message)]
    return []


def check_zones(zones: ZonesFile) -> list[Problem]:
    midline = zones.canvas.width / 2
    problems = _duplicates((z.id for z in zones.zones), ("zones",), "id")
    for name, line in zones.face.features.items():
        problems += _right_half(line, midline, ("face", "features", name))
    for index, zone in enumerate(zones.zones):
        problems += _right_half(zone.outline, midline, ("zones", index, "outline"))
        for number, stroke in enumerate(zone.strokes):
            problems += _right_half(stroke, midline, ("zones", index, "strokes", number))
    return problems


def check_techniques(techniques: TechniquesFile) -> list[Problem]:
    return _duplicates((t.id for t in techniques.techniques), ("techniques",), "id")


def check_rules(rules: RulesFile) -> list[Problem]:
    problems = _duplicates((r.code for r in rules.rules), ("rules",), "code")
    present = {rule.code for rule in rules.rules}
    missing = [code for code in REQUIRED_RULE_CODES if code not in present]
    if missing:
        names = ", ".join(repr(code) for code in missing)
        problems.append((("rules",), f"lacks {names}, which the validator needs"))
    return problems


def check_limits(limits: LimitsFile) -> list[Problem]:
    frequency = limits.frequency_hz
    problems = []
    if not frequency.min <= frequency.typical <= frequency.max:
        problems.append(
            (("frequency_hz", "typical"), f"must lie between min and max, not {frequency.typical}")
        )
    if frequency.min > frequency.max:
        problems.append((("frequency_hz", "min"), "is more than max"))
    for name in ("clinic", "home"):
        setting = getattr(limits.settings, name)
        problems += _range(setting.device_minutes, ("settings", name, "device_minutes"))
    return problems


def check_session_care(care: SessionCareFile) -> list[Problem]:
    problems = _duplicates((item.id for item in care.prep_checklist), ("prep_checklist",), "id")
    problems += _range(care.aftercare.window_hours, ("aftercare", "window_hours"))
    problems += _range(care.next_visit.weeks, ("next_visit", "weeks"))
    return problems


def check_contraindications(doc: ContraindicationsFile) -> list[Problem]:
    outcomes = [outcome.id for outcome in doc.outcomes]
    problems = _duplicates(outcomes, ("outcomes",), "id")
    missing = [name for name in REQUIRED_OUTCOMES if name not in outcomes]
    if missing:
        problems.append((("outcomes",), f"lacks {', '.join(map(repr, missing))}"))
    entries: list[tuple[tuple[Any, ...], BaseModel]] = [
        (("rules", index), rule) for index, rule in enumerate(doc.rules)
    ]
    for name, question in doc.lists.items():
        problems += _duplicates((i.id for i in question.items), ("lists", name, "items"), "id")
        entries += [(("lists", name, "items", n), item) for n, item in enumerate(question.items)]
    for path, entry in entries:
        problems += _rule_problems(path, entry, outcomes)
    code = doc.client_code
    if not re.search(code.pattern, code.example) or len(code.example) > code.max_chars:
        problems.append(
            (("client_code", "example"), f"{code.example!r} is not a client code by this pattern")
        )
    return problems


def _rule_problems(path: tuple[Any, ...], entry: Any, outcomes: list[str]) -> list[Problem]:
    if entry.outcome not in outcomes:
        known = ", ".join(outcomes)
        return [((*path, "outcome"), f"{entry.outcome!r} is not an outcome ({known})")]
    if getattr(entry, "test", None) == "within-days" and entry.wait_days is None:
        return [((*path, "wait_days"), "is missing: a within-days rule needs whole days")]
    if entry.outcome == "adjust" and not entry.adjustment:
        return [((*path, "adjustment"), "is missing: an adjust rule says what to change")]
    return []


_DAYS = {"days": 1, "weeks": 7, "months": 31}  # a month at its longest, for the bound
_WEEKDAYS = range(7)
_YEAR_DAYS = 366


def check_plans(plans: PlansFile) -> list[Problem]:
    """Plan ids differ; each phase repeats one way, within the file's own bounds; a
    whole plan fits in ``limits.max_plan_years``."""
    problems = _duplicates((plan.id for plan in plans.plans), ("plans",), "id")
    limits = plans.limits
    for index, plan in enumerate(plans.plans):
        span = 0
        for number, phase in enumerate(plan.phases):
            path = ("plans", index, "phases", number)
            if phase.count > limits.max_count:
                problems.append(
                    (
                        (*path, "count"),
                        f"{phase.count} visits is more than the plans' limit "
                        f"of {limits.max_count} a phase (limits.max_count)",
                    )
                )
            if phase.late_after_days > limits.max_interval_days:
                problems.append(
                    (
                        (*path, "late_after_days"),
                        f"is longer than {limits.max_interval_days} days "
                        "(limits.max_interval_days)",
                    )
                )
            repeat = _repeat_problems(phase, path, limits.max_interval_days)
            problems.extend(repeat)
            if not repeat and phase.count <= limits.max_count:
                span += phase.count * _gap_days(phase)
        if span > limits.max_plan_years * _YEAR_DAYS:
            problems.append(
                (
                    ("plans", index, "phases"),
                    f"the phases run for up to {span} days, more than the plans' limit of "
                    f"{limits.max_plan_years} years (limits.max_plan_years)",
                )
            )
    return problems


def _gap_days(phase: Any) -> int:
    """The most days from one visit of ``phase`` to the next (a month at its longest)."""
    if phase.times_per_week is not None:
        return -(-len(_WEEKDAYS) // phase.times_per_week)
    return sum((getattr(phase.every, unit) or 0) * days for unit, days in _DAYS.items())


def _repeat_problems(phase: Any, path: tuple[Any, ...], max_days: int) -> list[Problem]:
    units = (
        []
        if phase.every is None
        else [unit for unit in _DAYS if getattr(phase.every, unit) is not None]
    )
    if phase.every is not None and phase.times_per_week is not None:
        return [
            (
                (*path, "times_per_week"),
                "give either every (days, weeks or months) or times_per_week, not both",
            )
        ]
    if phase.every is None and phase.times_per_week is None:
        return [
            ((*path, "every"), "is missing: give every (days, weeks or months) or times_per_week")
        ]
    if phase.times_per_week is not None and phase.times_per_week > len(_WEEKDAYS):
        return [
            (
                (*path, "times_per_week"),
                f"a week has {len(_WEEKDAYS)} days, not {phase.times_per_week}",
            )
        ]
    if phase.every is not None and len(units) != 1:
        return [((*path, "every"), "give exactly one of days, weeks or months")]
    if units and getattr(phase.every, units[0]) * _DAYS[units[0]] > max_days:
        return [
            (
                (*path, "every", units[0]),
                f"is longer than {max_days} days (limits.max_interval_days)",
            )
        ]
    return []


def check_training(training: TrainingFile) -> list[Problem]:
    """Section ids differ, and criterion ids differ across the whole checklist (the
    record stores a tick by criterion id alone)."""
    problems = _duplicates((section.id for section in training.checklist), ("checklist",), "id")
    seen: set[str] = set()
    for index, section in enumerate(training.checklist):
        for number, criterion in enumerate(section.criteria):
            if criterion.id in seen:
                problems.append(
                    (
                        ("checklist", index, "criteria", number, "id"),
                        f"{criterion.id!r} is given twice; ids must differ",
                    )
                )
            seen.add(criterion.id)
    return problems


CROSS_CHECKS: dict[type[BaseModel], Callable[[Any], list[Problem]]] = {
    ZonesFile: check_zones,
    TechniquesFile: check_techniques,
    RulesFile: check_rules,
    LimitsFile: check_limits,
    SessionCareFile: check_session_care,
    ContraindicationsFile: check_contraindications,
    PlansFile: check_plans,
    TrainingFile: check_training,
}

"""Client screening: may this client be treated today, and how?

The rules are data (``data/contraindications.yaml``: question, outcome, reason,
source, waiting period, read by :mod:`.rules`); :mod:`.intake` reads and checks
an intake; this module applies the rules with a small generic engine. The
strongest outcome wins (stop > clearance > postpone > adjust > proceed) and every
matched rule is listed.

    >>> from protocol_tools import screen
    >>> result = screen({
    ...     "client": "C-0042", "date": "2026-11-23", "birth_date": "1988-04-02",
    ...     "pregnant": False, "breastfeeding": False, "implanted_devices": [],
    ...     "seizure_disorder": False, "conditions": [],
    ...     "last_retinoid_use": "2026-11-20", "last_injectable": None,
    ...     "skin_in_treatment_area": [], "metal_in_face": False, "sensitive_skin": True,
    ... })
    >>> result.outcome, str(result.earliest_date)
    ('postpone', '2026-11-27')
    >>> [reason.rule for reason in result.reasons]
    ['recent-retinoid', 'sensitive-skin']

From a terminal: ``protocol-tools screen intake.yaml [--format json]`` (:mod:`.cli`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import IntakeError
from ..core.text import add_days
from .intake import (
    Intake,
    age_on,
    load_intake,
    parse_intake,
)
from .rules import (
    ScreeningRule,
    screening_rules,
)

# OUTCOMES is served by the module's __getattr__ (read from data on first use).
__all__ = ["Reason", "ScreeningResult", "outcomes", "screen"]


@dataclass(frozen=True)
class _Match:
    detail: str = ""
    earliest: dt.date | None = None


def _test_yes(rule: ScreeningRule, intake: Intake) -> _Match | None:
    return _Match() if getattr(intake, rule.field) is True else None


def _test_includes(rule: ScreeningRule, intake: Intake) -> _Match | None:
    return _Match() if rule.item in getattr(intake, rule.field) else None


def _test_under_age(rule: ScreeningRule, intake: Intake) -> _Match | None:
    minimum = screening_rules().minimum_age_years
    age = age_on(getattr(intake, rule.field), intake.date)
    if age >= minimum:
        return None
    return _Match(f"The client is {age} on the session date (the minimum is {minimum}).")


def _test_within_days(rule: ScreeningRule, intake: Intake) -> _Match | None:
    when: dt.date | None = getattr(intake, rule.field)
    if when is None or rule.wait_days is None:
        return None
    days = (intake.date - when).days
    if days >= rule.wait_days:
        return None
    earliest = add_days(when, rule.wait_days, rule.field, IntakeError)
    return _Match(
        f"Last time: {when} ({days} day{'s' if days != 1 else ''} before the session); "
        f"earliest date: {earliest}.",
        earliest,
    )


# One test per name in rules.RULE_TESTS (the rules file may name only those).
_TESTS: dict[str, Callable[[ScreeningRule, Intake], _Match | None]] = {
    "yes": _test_yes,
    "includes": _test_includes,
    "under-age": _test_under_age,
    "within-days": _test_within_days,
}


@dataclass(frozen=True)
class Reason:
    """One matched rule: why the outcome is what it is, and where that comes from."""

    rule: str
    outcome: str
    question: str
    reason: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "outcome": self.outcome,
            "question": self.question,
            "reason": self.reason,
            "source": self.source,
        }


@dataclass(frozen=True)
class ScreeningResult:
    """What the screening decided, with every reason and its source.

    ``earliest_date`` is set only for ``postpone`` with a dated wait;
    ``until_healed`` says a skin problem must heal first (no fixed date).
    """

    outcome: str
    reasons: list[Reason]
    adjustments: list[str]
    earliest_date: dt.date | None
    client: str
    date: dt.date
    intake: Intake | None = field(default=None, compare=False, repr=False)
    until_healed: bool = False

    @property
    def allows_treatment(self) -> bool:
        """True when the client may be treated today (proceed, or adjust with changes)."""
        return self.outcome in ("proceed", "adjust")

    @property
    def icon(self) -> str:
        return screening_rules().outcomes[self.outcome]["icon"]

    @property
    def title(self) -> str:
        return screening_rules().outcomes[self.outcome]["title"]

    @property
    def explain(self) -> str:
        return screening_rules().outcomes[self.outcome]["explain"]

    @property
    def wait_text(self) -> str:
        """When the client can come back, in words ("" unless postponed)."""
        if self.outcome != "postpone":
            return ""
        note = screening_rules().heal_first_note
        if self.earliest_date and self.until_healed:
            return f"from {self.earliest_date}, and only {note}"
        if self.earliest_date:
            return f"from {self.earliest_date}"
        return note

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "adjustments": list(self.adjustments),
            "earliest_date": self.earliest_date.isoformat() if self.earliest_date else None,
            "client": self.client,
            "date": self.date.isoformat(),
        }

    def to_text(self) -> str:
        """The result as plain text, icon and words first (the CLI prints this)."""
        lines = [
            f"{self.client} on {self.date}: {self.icon} {self.outcome.upper()}: {self.title}",
            self.explain,
        ]
        if self.wait_text:
            lines.append(f"Earliest: {self.wait_text}")
        if self.reasons:
            lines.append("Why:")
            for reason in self.reasons:
                lines.append(f"  - [{reason.outcome}] {reason.rule}: {reason.reason}")
                lines.append(f"      asked: {reason.question}")
                lines.append(f"      source: {reason.source}")
        if self.adjustments:
            lines.append("Adjustments:")
            lines.extend(f"  - {text}" for text in self.adjustments)
        return "\n".join(lines)


def screen(intake: Intake | Mapping[str, Any] | str | Path) -> ScreeningResult:
    """Screen one client: the strongest matching outcome, every reason and source.

    ``intake`` is an :class:`Intake`, a mapping with the intake's fields, or the
    path of an intake YAML file. Raises :class:`IntakeError` when an answer is
    missing or wrong: an unanswered question never yields ``proceed``.
    """
    if isinstance(intake, str | Path):
        intake = load_intake(intake)
    elif not isinstance(intake, Intake):
        intake = parse_intake(intake)
    rules = screening_rules()
    matched: list[tuple[ScreeningRule, _Match]] = []
    for rule in rules.rules:
        found = _TESTS[rule.test](rule, intake)
        if found is not None:
            matched.append((rule, found))
    matched.sort(key=lambda pair: rules.rank(pair[0].outcome))  # stable: data order within
    outcome = matched[0][0].outcome if matched else "proceed"
    waits = [found.earliest for _, found in matched if found.earliest]
    return ScreeningResult(
        outcome=outcome,
        reasons=[
            Reason(
                rule.id,
                rule.outcome,
                rule.question,
                f"{rule.reason} {found.detail}".strip(),
                rule.source,
            )
            for rule, found in matched
        ],
        # A client who is never treated needs no adjustments; every other outcome
        # leads to a session some day, so its changes are kept.
        adjustments=[rule.adjustment for rule, _ in matched if rule.adjustment]
        if outcome != "stop"
        else [],
        earliest_date=max(waits) if outcome == "postpone" and waits else None,
        client=intake.client,
        date=intake.date,
        intake=intake,
        until_healed=outcome == "postpone" and any(rule.heal_first for rule, _ in matched),
    )


def __getattr__(name: str) -> Any:
    # OUTCOMES is read from data on first use, so a broken data file cannot stop
    # the command line from starting (it is reported when screening runs).
    if name == "OUTCOMES":
        return outcomes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def outcomes() -> dict[str, dict[str, str]]:
    """How each outcome is shown (icon + words), strongest first: the one source for
    the form, the command line and the session sheet.

        >>> outcomes()["stop"]["title"]
        'Do not treat'
    """
    return {key: dict(value) for key, value in screening_rules().outcomes.items()}

"""The screening rules, read and checked from ``data/contraindications.yaml``.

Each rule is one question, the outcome a "yes" leads to, the reason and its
source. The file also lists the outcomes (strongest first, with icon and words),
the tick-box lists (devices, conditions, skin) and the age limits.

    >>> rules = screening_rules()
    >>> list(rules.outcomes)
    ['stop', 'clearance', 'postpone', 'adjust', 'proceed']
    >>> rules.lists["implanted_devices"].ids[:2]
    ['pacemaker', 'defibrillator']
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..core.text import suggest
from ..reference.consistency import REQUIRED_OUTCOMES
from ..reference.data import contraindications, data_dir
from ..reference.loader import data_document, file_key
from ..reference.models import ContraindicationsFile, ListItem, ScreeningRuleEntry
from ..reference.problems import problem_error
from .fields import FIELD_KINDS

__all__ = [
    "OUTCOME_IDS",
    "RULE_TESTS",
    "ListQuestion",
    "ScreeningRule",
    "ScreeningRules",
    "practice_clients",
    "practice_lesson",
    "screening_questions",
    "screening_rules",
]

RULES_FILE = "contraindications.yaml"
PRACTICE_FOLDER = "practice_clients"

# How a rule matches its field; the engine has one test per name. The tests a rule of
# the file may name are the model's; "includes" is how every list item is matched.
RULE_TESTS = (*typing.get_args(ScreeningRuleEntry.model_fields["test"].annotation), "includes")

# The outcomes the engine decides between, strongest first. One list, kept where the
# reference loader checks that contraindications.yaml defines each of them.
OUTCOME_IDS = REQUIRED_OUTCOMES


@dataclass(frozen=True)
class ScreeningRule:
    """One question the screening asks and what a "yes" to it leads to."""

    id: str
    field: str
    test: str  # one of RULE_TESTS
    outcome: str
    label: str
    question: str
    reason: str
    source: str
    item: str | None = None  # the id a list field must include ("includes" rules)
    wait_days: int | None = None
    adjustment: str | None = None
    heal_first: bool = False
    required: bool = True
    ask_date: str | None = None  # the form's wording for a date question


@dataclass(frozen=True)
class ListQuestion:
    """A question answered by ticking items (devices, conditions, skin problems)."""

    field: str
    label: str
    question: str
    items: tuple[ScreeningRule, ...]

    @property
    def ids(self) -> list[str]:
        return [rule.item for rule in self.items if rule.item]

    def item_label(self, item_id: str) -> str:
        """The words for one item id (the id itself if the list lacks it)."""
        return next((rule.label for rule in self.items if rule.item == item_id), item_id)


@dataclass(frozen=True)
class ScreeningRules:
    """Everything in ``data/contraindications.yaml``, checked."""

    outcomes: dict[str, dict[str, str]]
    rules: tuple[ScreeningRule, ...]  # yes/no, age and date rules, then every list item
    lists: dict[str, ListQuestion]
    minimum_age_years: int
    oldest_plausible_age_years: int
    client_code_pattern: str
    client_code_max_chars: int
    client_code_explain: str
    heal_first_note: str

    def rank(self, outcome: str) -> int:
        """0 for the strongest outcome (stop), rising to the weakest (proceed)."""
        return list(self.outcomes).index(outcome)

    def rules_for(self, field_name: str) -> list[ScreeningRule]:
        return [rule for rule in self.rules if rule.field == field_name]

    def outcome_title(self, outcome: str) -> str:
        """The outcome in words ("Do not treat"), as people see it."""
        return self.outcomes[outcome]["title"]


def _rule_from(entry: ListItem, **extra: Any) -> ScreeningRule:
    return ScreeningRule(
        id=entry.id,
        outcome=entry.outcome,
        label=entry.label,
        question=entry.question,
        reason=entry.reason,
        source=entry.source,
        adjustment=entry.adjustment,
        heal_first=entry.heal_first,
        required=entry.required,
        **extra,
    )


def _lists_from(doc: ContraindicationsFile) -> dict[str, ListQuestion]:
    return {
        name: ListQuestion(
            name,
            entry.label,
            entry.question,
            tuple(
                _rule_from(item, field=name, test="includes", item=item.id) for item in entry.items
            ),
        )
        for name, entry in doc.lists.items()
    }


def _unknown_fields(doc: ContraindicationsFile) -> list[tuple[tuple[Any, ...], str]]:
    """Rules and lists that read no field of the intake form.

    The one check left here: the reference loader knows the file, not the form, whose
    fields come from :class:`.fields.Intake` (code, not data).
    """
    places = [(("rules", index, "field"), rule.field) for index, rule in enumerate(doc.rules)]
    places += [(("lists", name), name) for name in doc.lists]
    problems = []
    for path, field in places:
        if field not in FIELD_KINDS:
            hint = suggest(field, FIELD_KINDS)
            also = f" (did you mean {hint!r}?)" if hint else ""
            problems.append((path, f"{field!r} is not a field of the intake form{also}"))
    return problems


@cache
def _rules_at(folder: Path, key: Any) -> ScreeningRules:
    del folder, key  # the cache key only; the reference loader reads and checks the file
    doc = contraindications()
    problems = _unknown_fields(doc)
    if problems:
        raise problem_error(data_document(RULES_FILE), problems)
    rules = [
        _rule_from(
            entry,
            field=entry.field,
            test=entry.test,
            wait_days=entry.wait_days,
            ask_date=entry.ask_date,
        )
        for entry in doc.rules
    ]
    lists = _lists_from(doc)
    for question in lists.values():
        rules.extend(question.items)
    return ScreeningRules(
        outcomes={
            o.id: {"icon": o.icon, "title": o.title, "explain": o.explain} for o in doc.outcomes
        },
        rules=tuple(rules),
        lists=lists,
        minimum_age_years=doc.minimum_age.years,
        oldest_plausible_age_years=doc.oldest_plausible_age_years,
        client_code_pattern=doc.client_code.pattern,
        client_code_max_chars=doc.client_code.max_chars,
        client_code_explain=doc.client_code.explain,
        heal_first_note=doc.heal_first_note,
    )


def screening_rules() -> ScreeningRules:
    """The screening rules, read once per data folder and change of the file."""
    folder = data_dir()
    return _rules_at(folder, file_key(folder / RULES_FILE))


def screening_questions() -> list[dict[str, str]]:
    """Every question in plain words with the outcome a "yes" leads to (printed forms)."""
    return [
        {"id": rule.id, "question": rule.question, "outcome": rule.outcome}
        for rule in screening_rules().rules
    ]


def practice_clients() -> dict[str, Path]:
    """The synthetic practice intakes shipped in ``data/practice_clients``, by file stem."""
    folder = data_dir() / PRACTICE_FOLDER
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))}


def practice_lesson(path: Path) -> str:
    """The ``# Lesson:`` line of a practice client's header comment ("" if none)."""
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("# Lesson:"):
                return line.removeprefix("# Lesson:").strip()
    return ""

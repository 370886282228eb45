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

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..core.errors import ReferenceDataError
from ..core.privacy import client_code_rule
from ..reference.data import data_dir, load_data_file
from .fields import FIELD_KINDS

__all__ = [
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

# How a rule matches its field; the engine has one test per name.
RULE_TESTS = ("yes", "under-age", "within-days", "includes")


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


def _need(entry: Any, key: str, where: str) -> Any:
    if not isinstance(entry, dict) or entry.get(key) in (None, ""):
        raise ReferenceDataError(f"{where}: missing {key!r}")
    return entry[key]


def _rule_from(entry: Any, where: str, **extra: Any) -> ScreeningRule:
    wait_days = entry.get("wait_days") if isinstance(entry, dict) else None
    return ScreeningRule(
        id=_need(entry, "id", where),
        outcome=_need(entry, "outcome", where),
        label=_need(entry, "label", where),
        question=_need(entry, "question", where),
        reason=_need(entry, "reason", where),
        source=_need(entry, "source", where),
        wait_days=wait_days,
        adjustment=entry.get("adjustment"),
        heal_first=bool(entry.get("heal_first", False)),
        required=bool(entry.get("required", True)),
        ask_date=entry.get("ask_date"),
        **extra,
    )


def _lists_from(doc: Any, where: str) -> dict[str, ListQuestion]:
    lists = {}
    for name, entry in _need(doc, "lists", where).items():
        items = tuple(
            _rule_from(
                item,
                f"{where} lists.{name}.items[{index}]",
                field=name,
                test="includes",
                item=_need(item, "id", where),
            )
            for index, item in enumerate(_need(entry, "items", f"{where} lists.{name}"))
        )
        lists[name] = ListQuestion(
            name, _need(entry, "label", where), _need(entry, "question", where), items
        )
    return lists


def _rule_problem(rule: ScreeningRule, outcomes: dict[str, Any]) -> str:
    """What is wrong with one rule ("" if nothing)."""
    if rule.outcome not in outcomes:
        return f"has unknown outcome {rule.outcome!r}"
    if rule.test not in RULE_TESTS:
        return f"has unknown test {rule.test!r}"
    if rule.field not in FIELD_KINDS:
        return f"reads unknown field {rule.field!r}"
    if rule.test == "within-days" and not isinstance(rule.wait_days, int):
        return "needs wait_days (whole days)"
    if rule.outcome == "adjust" and not rule.adjustment:
        return "needs an adjustment text"
    return ""


@cache
def _rules_at(folder: Path) -> ScreeningRules:
    where = str(folder / RULES_FILE)
    doc = load_data_file(RULES_FILE)
    outcomes = {
        _need(entry, "id", f"{where} outcomes"): {
            "icon": _need(entry, "icon", where),
            "title": _need(entry, "title", where),
            "explain": _need(entry, "explain", where),
        }
        for entry in _need(doc, "outcomes", where)
    }
    rules = [
        _rule_from(
            entry,
            f"{where} rules[{index}]",
            field=_need(entry, "field", where),
            test=_need(entry, "test", where),
        )
        for index, entry in enumerate(_need(doc, "rules", where))
    ]
    lists = _lists_from(doc, where)
    for question in lists.values():
        rules.extend(question.items)
    code = client_code_rule()
    checked = ScreeningRules(
        outcomes=outcomes,
        rules=tuple(rules),
        lists=lists,
        minimum_age_years=_need(_need(doc, "minimum_age", where), "years", where),
        oldest_plausible_age_years=_need(doc, "oldest_plausible_age_years", where),
        client_code_pattern=code.pattern,
        client_code_max_chars=code.max_chars,
        client_code_explain=code.explain,
        heal_first_note=_need(doc, "heal_first_note", where),
    )
    for rule in checked.rules:
        wrong = _rule_problem(rule, outcomes)
        if wrong:
            raise ReferenceDataError(f"{where}: rule {rule.id!r} {wrong}")
    return checked


def screening_rules() -> ScreeningRules:
    """The screening rules, read once per data folder."""
    return _rules_at(data_dir())


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

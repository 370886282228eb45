"""Client screening: may this client be treated today, and how?

The rules are data (``data/contraindications.yaml``: question, outcome, reason,
source, waiting period); this module reads an intake, checks every answer, and
applies the rules with a small generic engine. The strongest outcome wins
(stop > clearance > postpone > adjust > proceed) and every matched rule is listed.

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

From a terminal: ``protocol-tools screen intake.yaml [--format json]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from ..core.errors import IntakeError, ProtocolToolsError, ReferenceDataError
from ..core.safe_yaml import YamlDocument, YamlProblem, read_yaml_file
from ..core.text import add_days, as_date
from ..protocols.loading import suggest
from ..reference.data import data_dir, load_data_file

# OUTCOMES is served by the module's __getattr__ (read from data on first use).
__all__ = [
    "Intake",
    "Reason",
    "ScreeningResult",
    "check_client_code",
    "load_intake",
    "outcomes",
    "parse_intake",
    "practice_clients",
    "register",
    "screen",
    "screening_questions",
    "screening_rules",
]

RULES_FILE = "contraindications.yaml"
PRACTICE_FOLDER = "practice_clients"


# -- the rules, read from data/contraindications.yaml ----------------------------


@dataclass(frozen=True)
class ScreeningRule:
    """One question the screening asks and what a "yes" to it leads to."""

    id: str
    field: str
    test: str  # "yes" | "under-age" | "within-days" | "includes"
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
        rules.extend(items)
    code = _need(doc, "client_code", where)
    checked = ScreeningRules(
        outcomes=outcomes,
        rules=tuple(rules),
        lists=lists,
        minimum_age_years=_need(_need(doc, "minimum_age", where), "years", where),
        oldest_plausible_age_years=_need(doc, "oldest_plausible_age_years", where),
        client_code_pattern=_need(code, "pattern", f"{where} client_code"),
        client_code_max_chars=_need(code, "max_chars", f"{where} client_code"),
        client_code_explain=_need(code, "explain", f"{where} client_code"),
        heal_first_note=_need(doc, "heal_first_note", where),
    )
    for rule in checked.rules:
        wrong = (
            f"has unknown outcome {rule.outcome!r}"
            if rule.outcome not in outcomes
            else f"has unknown test {rule.test!r}"
            if rule.test not in _TESTS
            else f"reads unknown field {rule.field!r}"
            if rule.field not in _FIELD_KINDS
            else "needs wait_days (whole days)"
            if rule.test == "within-days" and not isinstance(rule.wait_days, int)
            else "needs an adjustment text"
            if rule.outcome == "adjust" and not rule.adjustment
            else ""
        )
        if wrong:
            raise ReferenceDataError(f"{where}: rule {rule.id!r} {wrong}")
    return checked


def screening_rules() -> ScreeningRules:
    """The screening rules, read once per data folder."""
    return _rules_at(data_dir())


# -- the intake ------------------------------------------------------------------

# What kind of answer each intake field holds. The rules in data name these fields.
_FIELD_KINDS = {
    "client": "code",
    "date": "date",
    "birth_date": "date",
    "pregnant": "yes-no",
    "breastfeeding": "yes-no",
    "implanted_devices": "list",
    "seizure_disorder": "yes-no",
    "conditions": "list",
    "last_retinoid_use": "date-or-never",
    "last_injectable": "date-or-never",
    "skin_in_treatment_area": "list",
    "metal_in_face": "yes-no",
    "sensitive_skin": "yes-no",
    "jewelry": "yes-no",
    "braces": "yes-no",
}


# How a missing answer is named when the field has no question of its own.
_PLAIN_NAMES = {
    "client": "the client code",
    "date": "the session date",
    "birth_date": "the client's date of birth",
}


@dataclass(frozen=True)
class Intake:
    """A client's answers before a session. Build it with :func:`parse_intake`.

    ``client`` is a client code such as ``C-0042``, never a name. ``date`` is the
    session date: every wait is counted from it. ``last_retinoid_use`` and
    ``last_injectable`` are ``None`` for never (or not in the last month).
    """

    client: str
    date: dt.date
    birth_date: dt.date
    pregnant: bool
    breastfeeding: bool
    implanted_devices: tuple[str, ...]
    seizure_disorder: bool
    conditions: tuple[str, ...]
    last_retinoid_use: dt.date | None
    last_injectable: dt.date | None
    skin_in_treatment_area: tuple[str, ...]
    metal_in_face: bool
    sensitive_skin: bool
    jewelry: bool = False
    braces: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The intake as JSON-able data (dates as ISO text), the shape files use."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[item.name] = value
        return out


def _required_fields() -> list[str]:
    optional = {rule.field for rule in screening_rules().rules if not rule.required}
    return [name for name in _FIELD_KINDS if name not in optional]


def check_client_code(
    value: object, error: type[ProtocolToolsError] = IntakeError, what: str = "client code"
) -> str:
    """``value`` stripped if it is a client code (``C-0042``); else raise ``error``.

    The one check of a client code, read from ``data/contraindications.yaml``
    (``client_code``): the intake, the guided session and the session sheets all use
    it, so a name typed where a code belongs never reaches a record or a file name::

        >>> check_client_code(" C-0042 ")
        'C-0042'
        >>> check_client_code("Jane Doe")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        protocol_tools.core.errors.IntakeError: client code 'Jane Doe' is not a client code: ...
    """
    rules = screening_rules()
    code = value.strip() if isinstance(value, str) else value
    if (
        isinstance(code, str)
        and len(code) <= rules.client_code_max_chars
        and re.fullmatch(rules.client_code_pattern, code)
    ):
        return code
    too_long = isinstance(code, str) and len(code) > rules.client_code_max_chars
    raise error(
        f"{what} {_got(code)} is not a client code: "
        + (f"it is longer than {rules.client_code_max_chars} characters; " if too_long else "")
        + f"use {rules.client_code_explain}"
    )


def _got(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _Reader:
    """Checks one intake, collecting every problem before raising once."""

    def __init__(self, data: Mapping[Any, Any], source: str, document: YamlDocument | None) -> None:
        self.data = data
        self.source = source
        self.document = document
        self.rules = screening_rules()
        self.problems: list[tuple[str, str]] = []
        self.locations: dict[str, str] = {}

    def problem(self, name: str, message: str, path: tuple[Hashable, ...] | None = None) -> None:
        self.problems.append((name, message))
        if self.document is None:
            return
        if path is None:  # a whole field: point at its key, if the file has one
            position = self.document.key_positions.get((name,))
        else:
            position = self.document.position(path)
        if position:
            self.locations[name] = f"{self.source}:{position[0]}:{position[1]}"

    def question(self, name: str) -> str:
        if name in _PLAIN_NAMES:
            return _PLAIN_NAMES[name]
        if name in self.rules.lists:
            return self.rules.lists[name].question
        asked = self.rules.rules_for(name)
        return (asked[0].ask_date or asked[0].question) if asked else name

    def read(self) -> Intake:
        for key in self.data:
            if key not in _FIELD_KINDS:
                hint = suggest(str(key), _FIELD_KINDS)
                self.problem(
                    str(key),
                    "is not an intake field" + (f"; did you mean {hint!r}?" if hint else ""),
                )
        values: dict[str, Any] = {}
        missing = []
        for name, kind in _FIELD_KINDS.items():
            if name not in self.data or (self.data[name] is None and kind != "date-or-never"):
                if name in _required_fields():
                    missing.append(name)
                continue
            value = getattr(self, "_" + kind.replace("-", "_"))(name, self.data[name])
            if value is not _BAD:
                values[name] = value
        for name in missing:
            never_no = "; an unanswered question is never taken as 'no'"
            self.problem(
                name,
                f"not answered ({self.question(name)})"
                + (never_no if _FIELD_KINDS[name] in ("yes-no", "list", "date-or-never") else ""),
            )
        self._check_dates(values)
        if self.problems:
            unanswered = sum(message.startswith("not answered") for _, message in self.problems)
            headline = (
                f"{self.source}: screening refused: {unanswered} question"
                f"{'s' if unanswered != 1 else ''} not answered"
                if unanswered == len(self.problems)
                else f"{self.source}: this intake cannot be screened"
            )
            raise IntakeError(headline, self.problems, self.locations)
        return Intake(**values)

    # One method per kind of answer; each returns the value or _BAD.

    def _code(self, name: str, value: Any) -> Any:
        try:
            return check_client_code(value)
        except IntakeError:
            self.problem(name, f"must be {self.rules.client_code_explain} (got {_got(value)})")
            return _BAD

    def _date(self, name: str, value: Any) -> Any:
        parsed = as_date(value)
        if parsed is None:
            self.problem(name, f"must be a date like 2026-11-23 (got {_got(value)})")
            return _BAD
        return parsed

    def _date_or_never(self, name: str, value: Any) -> Any:
        if value is None:
            return None
        parsed = as_date(value)
        if parsed is None:
            self.problem(
                name,
                "must be a date like 2026-11-20, or null for never / not in the last month "
                f"(got {_got(value)})",
            )
            return _BAD
        return parsed

    def _yes_no(self, name: str, value: Any) -> Any:
        if type(value) is not bool:
            self.problem(name, f"must be true or false (got {_got(value)}); write true or false")
            return _BAD
        return value

    def _list(self, name: str, value: Any) -> Any:
        known = self.rules.lists[name].ids
        if not isinstance(value, list | tuple):
            self.problem(
                name,
                f"must be a list of ids, like [{known[0]}], or [] for none (got {_got(value)})",
            )
            return _BAD
        ok = True
        for index, item in enumerate(value):
            where = f"{name}[{index}]"
            if item not in known:
                hint = suggest(item, known)
                advice = f"did you mean {hint!r}?" if hint else "known ids: " + ", ".join(known)
                self.problem(
                    where,
                    f"{_got(item)} is not on the list of {self.rules.lists[name].label.lower()}; "
                    + advice,
                    (name, index),
                )
                ok = False
        return tuple(dict.fromkeys(value)) if ok else _BAD

    def _check_dates(self, values: dict[str, Any]) -> None:
        session, birth = values.get("date"), values.get("birth_date")
        if session is None:  # already reported; nothing to compare against
            return
        if birth is None:
            pass
        elif birth > session:
            self.problem("birth_date", f"{birth} is after the session date {session}")
        elif _age_on(birth, session) > self.rules.oldest_plausible_age_years:
            self.problem(
                "birth_date",
                f"{birth} would make the client {_age_on(birth, session)} years old; "
                "check the year",
            )
        for name, kind in _FIELD_KINDS.items():
            when = values.get(name)
            if kind != "date-or-never" or when is None:
                continue
            if when > session:
                self.problem(
                    name,
                    f"{when} is after the session date {session}: the session date cannot "
                    "be before the last use (check both dates)",
                )
            elif birth is not None and when < birth:
                self.problem(name, f"{when} is before the client's birth date {birth}")


_BAD = object()


def parse_intake(
    data: Any, source: str = "<intake>", *, document: YamlDocument | None = None
) -> Intake:
    """Check an intake given as a mapping; raise IntakeError listing every problem.

    >>> parse_intake({"client": "Anna Smith"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    protocol_tools.core.errors.IntakeError: <intake>: this intake cannot be screened
      client: must be a short client code ...
    """
    if isinstance(data, Intake):
        return data
    if not isinstance(data, Mapping):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        where = {"intake": f"{source}:1:1"} if document is not None else {}
        raise IntakeError(
            f"{source}: not an intake",
            [
                (
                    "intake",
                    "an intake must be a set of fields (client, date, birth_date, "
                    f"pregnant, …), not {kind}",
                )
            ],
            where,
        )
    return _Reader(data, source, document).read()


def load_intake(path: str | Path) -> Intake:
    """Read and check an intake YAML file; problems name the file, line and field."""
    source = str(path)
    try:
        document = read_yaml_file(path)
    except YamlProblem as problem:
        where = f"{source}:{problem.line}:{problem.column}" if problem.line else source
        raise IntakeError(
            f"{source}: cannot read this intake", [("file", problem.message)], {"file": where}
        ) from None
    return parse_intake(document.data, source, document=document)


# -- the engine --------------------------------------------------------------------


def _age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years on ``day``: someone born 2008-11-23 is 18 on 2026-11-23."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


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
    age = _age_on(getattr(intake, rule.field), intake.date)
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


# -- command line --------------------------------------------------------------------


def _cmd_screen(args: argparse.Namespace) -> int:
    result = screen(Path(args.intake))
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(result.to_text() + "\n")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``protocol-tools screen INTAKE [--format json]``."""
    command = commands.add_parser(
        "screen",
        help="screen a client's intake: may the client be treated today, and how?",
        description="Exit status: 0 screened (whatever the outcome), 1 the intake is "
        "incomplete or wrong, 2 wrong usage.",
    )
    command.add_argument("intake", metavar="INTAKE", help="an intake YAML file")
    command.add_argument("--format", choices=("text", "json"), default="text")
    command.set_defaults(handler=_cmd_screen)

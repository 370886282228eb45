"""Reading an intake: every answer checked against its field's kind, every problem at once.

    >>> intake = parse_intake({
    ...     "client": "C-0042", "date": "2026-11-23", "birth_date": "1988-04-02",
    ...     "pregnant": False, "breastfeeding": False, "implanted_devices": [],
    ...     "seizure_disorder": False, "conditions": [],
    ...     "last_retinoid_use": None, "last_injectable": None,
    ...     "skin_in_treatment_area": [], "metal_in_face": False, "sensitive_skin": False,
    ... })
    >>> intake.client, intake.date
    ('C-0042', datetime.date(2026, 11, 23))

An unanswered question is never taken as "no": the reader refuses and names it.
The form uses :func:`checked_answers` to fill itself (each answer of its kind, not
necessarily complete yet) and :func:`answer_in_words` to say an answer back.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

from ..core.errors import IntakeError
from ..core.privacy import check_client_code, shown_value
from ..core.safe_yaml import YamlDocument, YamlProblem, read_yaml_file
from ..core.text import as_date
from ..protocols.loading import suggest
from .fields import FIELD_KINDS, PLAIN_NAMES, Intake, age_on
from .rules import screening_rules

__all__ = [
    "FIELD_KINDS",
    "INVALID",
    "FieldReader",
    "Intake",
    "age_on",
    "answer_in_words",
    "checked_answers",
    "load_intake",
    "parse_intake",
    "required_fields",
]

# What a reader returns for an answer it refused (None is a real answer: "never").
INVALID = object()
# Kinds whose silence could pass for "no"; a missing one says it is not taken so.
_COULD_PASS_FOR_NO = ("yes-no", "list", "date-or-never")


def required_fields() -> list[str]:
    """The fields an intake file must answer (the rules mark the others optional)."""
    optional = {rule.field for rule in screening_rules().rules if not rule.required}
    return [name for name in FIELD_KINDS if name not in optional]


class FieldReader:
    """Checks one intake, collecting every problem before raising once.

    :meth:`read_answer` reads one answer as its field's kind; :meth:`read` reads a
    whole intake. ``document`` (a YAML file's) lets problems point at a line.
    """

    def __init__(
        self, data: Mapping[Any, Any], source: str, document: YamlDocument | None = None
    ) -> None:
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
        """The field's question in the client's words (for "not answered")."""
        if name in PLAIN_NAMES:
            return PLAIN_NAMES[name]
        if name in self.rules.lists:
            return self.rules.lists[name].question
        asked = self.rules.rules_for(name)
        return (asked[0].ask_date or asked[0].question) if asked else name

    def unknown_field(self, key: Any, what: str) -> None:
        hint = suggest(str(key), FIELD_KINDS)
        self.problem(str(key), f"is not {what}" + (f"; did you mean {hint!r}?" if hint else ""))

    def read(self) -> Intake:
        for key in self.data:
            if key not in FIELD_KINDS:
                self.unknown_field(key, "an intake field")
        values: dict[str, Any] = {}
        missing = []
        required = required_fields()
        for name, kind in FIELD_KINDS.items():
            if name not in self.data or (self.data[name] is None and kind != "date-or-never"):
                if name in required:
                    missing.append(name)
                continue
            value = self.read_answer(name, self.data[name])
            if value is not INVALID:
                values[name] = value
        for name in missing:
            never_no = "; an unanswered question is never taken as 'no'"
            self.problem(
                name,
                f"not answered ({self.question(name)})"
                + (never_no if FIELD_KINDS[name] in _COULD_PASS_FOR_NO else ""),
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

    def read_answer(self, name: str, value: Any) -> Any:
        """``value`` read as field ``name``'s kind, or INVALID (the problem is noted)."""
        return getattr(self, "_" + FIELD_KINDS[name].replace("-", "_"))(name, value)

    # One method per kind of answer (ANSWER_KINDS); each returns the value or INVALID.

    def _code(self, name: str, value: Any) -> Any:
        try:
            return check_client_code(value)
        except IntakeError:
            shown = shown_value(value)
            self.problem(name, f"must be {self.rules.client_code_explain} (got {shown})")
            return INVALID

    def _date(self, name: str, value: Any) -> Any:
        parsed = as_date(value)
        if parsed is None:
            self.problem(name, f"must be a date like 2026-11-23 (got {shown_value(value)})")
            return INVALID
        return parsed

    def _date_or_never(self, name: str, value: Any) -> Any:
        if value is None:
            return None
        parsed = as_date(value)
        if parsed is None:
            self.problem(
                name,
                "must be a date like 2026-11-20, or null for never / not in the last month "
                f"(got {shown_value(value)})",
            )
            return INVALID
        return parsed

    def _yes_no(self, name: str, value: Any) -> Any:
        if type(value) is not bool:
            self.problem(
                name, f"must be true or false (got {shown_value(value)}); write true or false"
            )
            return INVALID
        return value

    def _list(self, name: str, value: Any) -> Any:
        known = self.rules.lists[name].ids
        if not isinstance(value, list | tuple):
            self.problem(
                name,
                f"must be a list of ids, like [{known[0]}], or [] for none "
                f"(got {shown_value(value)})",
            )
            return INVALID
        ok = True
        for index, item in enumerate(value):
            if item not in known:
                hint = suggest(item, known)
                advice = f"did you mean {hint!r}?" if hint else "known ids: " + ", ".join(known)
                self.problem(
                    f"{name}[{index}]",
                    f"{shown_value(item)} is not on the list of "
                    f"{self.rules.lists[name].label.lower()}; {advice}",
                    (name, index),
                )
                ok = False
        return tuple(dict.fromkeys(value)) if ok else INVALID

    def _check_dates(self, values: dict[str, Any]) -> None:
        session, birth = values.get("date"), values.get("birth_date")
        if session is None:  # already reported; nothing to compare against
            return
        if birth is None:
            pass
        elif birth > session:
            self.problem("birth_date", f"{birth} is after the session date {session}")
        elif age_on(birth, session) > self.rules.oldest_plausible_age_years:
            self.problem(
                "birth_date",
                f"{birth} would make the client {age_on(birth, session)} years old; check the year",
            )
        for name, kind in FIELD_KINDS.items():
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
    return FieldReader(data, source, document).read()


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


def checked_answers(data: Any, source: str = "the form") -> dict[str, Any]:
    """``data`` with each answer read as its question's kind (dates as dates), or
    IntakeError naming every field that is unknown or holds the wrong kind of value.

    The answers need not be complete or right yet (that is the screening's job): a
    client code may be half typed, but a date must be a date::

        >>> checked_answers({"client": "C-", "date": "2026-11-23"})
        {'client': 'C-', 'date': datetime.date(2026, 11, 23)}
    """
    if not isinstance(data, Mapping):
        raise IntakeError(
            f"{source}: not a set of answers",
            [
                (
                    "intake",
                    f"answers must be a set of fields (client, date, …), not {shown_value(data)}",
                )
            ],
        )
    reader = FieldReader(data, source)  # the screening's own reading of each kind
    checked: dict[str, Any] = {}
    for name, value in data.items():
        kind = FIELD_KINDS.get(name) if isinstance(name, str) else None
        if kind is None:
            reader.unknown_field(name, "a question on the form")
        elif value is None:
            checked[name] = None
        elif kind == "code":
            if isinstance(value, str):
                checked[name] = value
            else:
                reader.problem(
                    name, f"must be text, the client code like C-0042 (got {shown_value(value)})"
                )
        else:
            read = reader.read_answer(name, value)
            if read is not INVALID:
                checked[name] = read
    if reader.problems:
        count = len(reader.problems)
        raise IntakeError(
            f"{source}: {count} answer{'s' if count != 1 else ''} cannot be filled in",
            reader.problems,
        )
    return checked


def answer_in_words(name: str, value: Any) -> str:
    """One checked answer as people read it: list items by their labels, not ids.

    >>> answer_in_words("implanted_devices", ["pacemaker"])
    'Pacemaker'
    >>> answer_in_words("last_injectable", None), answer_in_words("pregnant", False)
    ('not in the last month', 'No')
    """
    rules = screening_rules()
    if name in rules.lists:
        if not value:
            return "No"
        return ", ".join(rules.lists[name].item_label(item) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return "not in the last month"
    return str(value)

"""Lessons and quiz content for trainers: the words from data, facts filled in.

The words live in ``data/lessons.yaml`` and ``data/quiz.yaml``. A fact another data
file already holds (a limit, a zone's direction, an outcome) is named there with a
placeholder such as ``{limits.microcurrent.max_current_uA}`` and filled in here,
so every fact has one source::

    >>> lesson = load_lessons()["what-is-microcurrent"]
    >>> "1000 µA" in lesson.text
    True
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from ..core.errors import ReferenceDataError
from ..core.text import number
from ..reference.data import data_dir, load_data_file, reference
from ..screening.rules import screening_rules

__all__ = [
    "INCLUDES",
    "PLACEHOLDER",
    "Lesson",
    "QuizQuestion",
    "facts",
    "fill_facts",
    "load_lessons",
    "load_quiz",
]

LESSONS_FILE = "lessons.yaml"
QUIZ_FILE = "quiz.yaml"
SCREENING_TOPIC = "screening"
PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[A-Za-z0-9_-]+)+)\}")
_WIDE = {"description_width": "initial"}


# -- facts from the other data files -------------------------------------------


def facts() -> dict[str, Any]:
    """Every value a placeholder may name, by namespace (see data/lessons.yaml)."""
    ref = reference()
    rules = screening_rules()
    return {
        "limits": ref.limits,
        "care": load_data_file("session_care.yaml"),
        "zones": {key: asdict(zone) for key, zone in ref.zones.items()},
        "techniques": {key: asdict(technique) for key, technique in ref.techniques.items()},
        "outcomes": rules.outcomes,
        "screening": {
            rule.id: {"outcome": rule.outcome, "wait_days": rule.wait_days} for rule in rules.rules
        },
    }


def fill_facts(text: str, where: str, known: dict[str, Any] | None = None) -> str:
    """``text`` with each ``{namespace.path}`` replaced by its value from data.

    >>> fill_facts("{zones.jawline.name}", "demo")
    'Jawline'
    """
    known = facts() if known is None else known

    def value_of(match: re.Match[str]) -> str:
        value: Any = known
        for part in match.group(1).split("."):
            if not isinstance(value, dict) or part not in value:
                raise ReferenceDataError(f"{where}: unknown placeholder {{{match.group(1)}}}")
            value = value[part]
        if isinstance(value, (dict, list, tuple)) or value is None:
            raise ReferenceDataError(
                f"{where}: placeholder {{{match.group(1)}}} names a group, not one value"
            )
        if isinstance(value, int | float) and not isinstance(value, bool):
            return number(value)
        return str(value)

    return PLACEHOLDER.sub(value_of, text)


# -- lessons and questions ------------------------------------------------------


@dataclass(frozen=True)
class Lesson:
    """One lesson, its placeholders filled from data."""

    id: str
    title: str
    text: str
    key_points: tuple[str, ...]
    source: str
    includes: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuizQuestion:
    """One multiple-choice question; ``answer`` counts from 0 here (from 1 in the file)."""

    id: str
    topic: str
    question: str
    choices: tuple[str, ...]
    answer: int
    explanation: str
    source: str
    fact: str | None = None

    @property
    def right_choice(self) -> str:
        return self.choices[self.answer]


def _entries(name: str, key: str) -> list[tuple[str, dict[str, Any]]]:
    """``(where, entry)`` for each mapping in the file's list ``key``."""
    doc = load_data_file(name)
    path = data_dir() / name
    items = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        raise ReferenceDataError(f"{path}: expected a list under {key!r}")
    found = []
    for index, entry in enumerate(items):
        where = f"{path} {key}[{index}]"
        if not isinstance(entry, dict):
            raise ReferenceDataError(f"{where}: expected a mapping")
        found.append((f"{where} ({entry.get('id', '?')})", entry))
    return found


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReferenceDataError(f"{where}: {key!r} must be non-empty text")
    return value.strip()


def _texts(entry: dict[str, Any], key: str, where: str) -> list[str]:
    values = entry.get(key)
    if not isinstance(values, list) or not values:
        raise ReferenceDataError(f"{where}: {key!r} must be a non-empty list")
    return [_text({key: value}, key, f"{where} {key}") for value in values]


def load_lessons() -> dict[str, Lesson]:
    """The lessons of ``data/lessons.yaml`` by id, in file order, facts filled in."""
    known = facts()
    lessons: dict[str, Lesson] = {}
    for where, entry in _entries(LESSONS_FILE, "lessons"):
        includes = tuple(entry.get("includes") or ())
        unknown = [name for name in includes if name not in INCLUDES]
        if unknown:
            raise ReferenceDataError(
                f"{where}: includes unknown list {unknown[0]!r}; known: {', '.join(INCLUDES)}"
            )
        lesson = Lesson(
            id=_text(entry, "id", where),
            title=_text(entry, "title", where),
            text=fill_facts(_text(entry, "text", where), where, known),
            key_points=tuple(
                fill_facts(p, where, known) for p in _texts(entry, "key_points", where)
            ),
            source=_text(entry, "source", where),
            includes=includes,
        )
        lessons[lesson.id] = lesson
    return lessons


def load_quiz() -> list[QuizQuestion]:
    """The questions of ``data/quiz.yaml``, in file order, facts filled in."""
    known = facts()
    topics = {*load_lessons(), SCREENING_TOPIC}
    questions = []
    for where, entry in _entries(QUIZ_FILE, "questions"):
        choices = tuple(fill_facts(c, where, known) for c in _texts(entry, "choices", where))
        answer = entry.get("answer")
        if (
            not isinstance(answer, int)
            or isinstance(answer, bool)
            or not 1 <= answer <= len(choices)
        ):
            raise ReferenceDataError(
                f"{where}: 'answer' must be the number of the right choice, 1 to {len(choices)}"
            )
        topic = _text(entry, "topic", where)
        if topic not in topics:
            raise ReferenceDataError(f"{where}: 'topic' {topic!r} is no lesson id nor 'screening'")
        questions.append(
            QuizQuestion(
                id=_text(entry, "id", where),
                topic=topic,
                question=fill_facts(_text(entry, "question", where), where, known),
                choices=choices,
                answer=answer - 1,
                explanation=fill_facts(_text(entry, "explanation", where), where, known),
                source=_text(entry, "source", where),
                fact=_text(entry, "fact", where) if "fact" in entry else None,
            )
        )
    return questions


# -- lists a lesson appends from data ---------------------------------------------


def _technique_items() -> tuple[str, list[tuple[str, str]]]:
    techniques = reference().techniques.values()
    return "Techniques", [(t.name, t.description) for t in techniques]


def _zone_items() -> tuple[str, list[tuple[str, str]]]:
    return "Zones and stroke directions", [
        (z.name, z.direction) for z in reference().zones.values()
    ]


def _care_items(section: str, heading: str) -> tuple[str, list[tuple[str, str]]]:
    return heading, [("", item["text"]) for item in load_data_file("session_care.yaml")[section]]


def _aftercare_items() -> tuple[str, list[tuple[str, str]]]:
    care = load_data_file("session_care.yaml")["aftercare"]
    hours = care["window_hours"]
    items = [("", text) for text in care["items"]]
    items += [("With a home device", text) for text in care.get("home_device_items") or ()]
    return f"Aftercare for the next {hours['min']}–{hours['max']} hours", items


INCLUDES = {
    "techniques": _technique_items,
    "zones": _zone_items,
    "prep_checklist": lambda: _care_items("prep_checklist", "Before the device touches the skin"),
    "during_session": lambda: _care_items("during_session", "While you work"),
    "aftercare": _aftercare_items,
}

"""Lessons, a guided walk through a protocol, and a quiz, for trainers.

The words live in ``data/lessons.yaml`` and ``data/quiz.yaml``. A fact another data
file already holds (a limit, a zone's direction, an outcome) is named there with a
placeholder such as ``{limits.microcurrent.max_current_uA}`` and filled in here,
so every fact has one source::

    >>> lesson = load_lessons()["what-is-microcurrent"]
    >>> "1000 µA" in lesson.text
    True
    >>> book = lesson_book()                       # doctest: +SKIP
    >>> walk = protocol_walkthrough("express-10")  # doctest: +SKIP
    >>> walk.next_step(); walk.entry.zone_name     # doctest: +SKIP
    >>> q = quiz(); q.choose("pacemaker", 0); q.check()  # doctest: +SKIP
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import asdict, dataclass
from typing import Any

import ipywidgets as widgets

from ..core.errors import ReferenceDataError
from ..core.text import number
from ..protocols.loading import load_library, resolve_protocol
from ..protocols.model import Protocol, TimelineEntry
from ..reference.data import data_dir, load_data_file, reference
from ..screening.engine import screening_rules
from ..views.facemap import face_map_svg

__all__ = [
    "Lesson",
    "LessonBook",
    "ProtocolWalkthrough",
    "Quiz",
    "QuizQuestion",
    "fill_facts",
    "lesson_book",
    "lesson_html",
    "load_lessons",
    "load_quiz",
    "protocol_walkthrough",
    "quiz",
]

LESSONS_FILE = "lessons.yaml"
QUIZ_FILE = "quiz.yaml"
SCREENING_TOPIC = "screening"
_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[A-Za-z0-9_-]+)+)\}")
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

    return _PLACEHOLDER.sub(value_of, text)


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
        unknown = [name for name in includes if name not in _INCLUDES]
        if unknown:
            raise ReferenceDataError(
                f"{where}: includes unknown list {unknown[0]!r}; known: {', '.join(_INCLUDES)}"
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


_INCLUDES = {
    "techniques": _technique_items,
    "zones": _zone_items,
    "prep_checklist": lambda: _care_items("prep_checklist", "Before the device touches the skin"),
    "during_session": lambda: _care_items("during_session", "While you work"),
    "aftercare": _aftercare_items,
}


def lesson_html(lesson: Lesson) -> str:
    """A lesson as HTML: title, paragraphs, lists from data, key points, source."""
    esc = html.escape
    paragraphs = "".join(
        f"<p>{esc(' '.join(block.split()))}</p>" for block in lesson.text.split("\n\n")
    )
    lists = ""
    for name in lesson.includes:
        heading, items = _INCLUDES[name]()
        rows = "".join(
            f"<li>{f'<strong>{esc(label)}:</strong> ' if label else ''}{esc(text)}</li>"
            for label, text in items
        )
        lists += f"<h4>{esc(heading)}</h4><ul>{rows}</ul>"
    points = "".join(f"<li>{esc(point)}</li>" for point in lesson.key_points)
    return (
        f"<article class='pt-lesson' style='max-width:46rem;line-height:1.5'>"
        f"<h3>{esc(lesson.title)}</h3>{paragraphs}{lists}"
        f"<div class='pt-key-points' style='border-left:4px solid #123a7a;padding-left:0.8em'>"
        f"<h4>Key points</h4><ul>{points}</ul></div>"
        f"<p class='pt-source'><strong>Source:</strong> {esc(lesson.source)}</p></article>"
    )


class LessonBook(widgets.VBox):
    """Pick a lesson; read it with its key points and source."""

    def __init__(self) -> None:
        self.lessons = load_lessons()
        self.picker = widgets.Dropdown(
            options=[(lesson.title, key) for key, lesson in self.lessons.items()],
            description="Lesson",
            style=_WIDE,
            layout=widgets.Layout(width="32rem"),
        )
        self.page = widgets.HTML()
        super().__init__([self.picker, self.page])
        self.add_class("pt-lesson-book")
        self.picker.observe(lambda _change: self._show(), names="value")
        self._show()

    def show(self, lesson_id: str) -> None:
        """Open the lesson with this id."""
        self.picker.value = lesson_id

    def _show(self) -> None:
        self.page.value = lesson_html(self.lessons[self.picker.value])


def lesson_book() -> LessonBook:
    """The lessons of ``data/lessons.yaml`` with a picker."""
    return LessonBook()


# -- the walkthrough ---------------------------------------------------------------


def _row(label: str, value: str) -> str:
    return f"<tr><th scope='row'>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"


def step_html(entry: TimelineEntry) -> str:
    """What a practitioner needs at one step, in words (no timer)."""
    ref = reference()
    seconds = f"{number(entry.seconds)} s"
    if entry.kind != "treatment":
        when = "Before the device work" if entry.kind == "prep" else "After the device work"
        rows = [("Stage", when), ("Do", entry.action or ""), ("Time", seconds)]
    else:
        zone = ref.zones.get(entry.zone or "")
        technique = ref.techniques.get(entry.technique or "")
        if entry.hold_seconds:
            seconds += f", holding {number(entry.hold_seconds)} s at each hold"
        current = f"{number(entry.current_uA)} µA" if entry.current_uA else "not set"
        if zone:
            current += f" (this zone's limit: {number(zone.max_current_uA)} µA)"
        rows = [
            ("Zone", entry.zone_name),
            ("Side", "both sides" if entry.side == "both" else f"client's {entry.side}"),
            ("Technique", f"{technique.name}: {technique.description}" if technique else "—"),
            ("Direction", entry.direction or "—"),
            ("Passes", number(entry.passes) if entry.passes else "—"),
            ("Time", seconds),
            ("Current", current),
            ("Why this zone", f"It works on {', '.join(zone.muscles)}." if zone else "—"),
        ]
        if zone and zone.notes:
            rows.append(("Take care", zone.notes))
    if entry.cue:
        rows.append(("Cue", entry.cue))
    gel = "<p class='pt-rewet'>💧 <strong>Mist or re-apply the gel first.</strong></p>"
    table = "".join(_row(label, value) for label, value in rows)
    return (
        (gel if entry.rewet_gel else "")
        + "<table class='pt-step' style='border-collapse:collapse;line-height:1.45'>"
        + f"{table}</table>"
        + "<style>.pt-step th{text-align:left;vertical-align:top;padding:0.2em 1em 0.2em 0}</style>"
    )


class ProtocolWalkthrough(widgets.VBox):
    """Step through a protocol with Previous/Next: each step in words and on the face map."""

    def __init__(self, protocols: dict[str, Protocol], start: str) -> None:
        self.protocols = protocols
        self.picker = widgets.Dropdown(
            options=[(f"{p.name} — {p.id}", key) for key, p in protocols.items()],
            value=start,
            description="Protocol",
            style=_WIDE,
            layout=widgets.Layout(width="32rem"),
        )
        self.previous = widgets.Button(description="Previous step", icon="arrow-left")
        self.next = widgets.Button(description="Next step", icon="arrow-right")
        self.position = widgets.HTML()
        self.details = widgets.HTML(layout=widgets.Layout(flex="1 1 26rem"))
        self.face = widgets.HTML(layout=widgets.Layout(flex="0 0 260px"))
        self.index = 0
        super().__init__(
            [
                self.picker,
                widgets.HBox([self.previous, self.next, self.position]),
                widgets.HBox(
                    [self.details, self.face], layout=widgets.Layout(flex_flow="row wrap")
                ),
            ]
        )
        self.add_class("pt-walkthrough")
        self.picker.observe(lambda _change: self.go(0), names="value")
        self.previous.on_click(lambda _button: self.previous_step())
        self.next.on_click(lambda _button: self.next_step())
        self.go(0)

    @property
    def timeline(self) -> list[TimelineEntry]:
        return self.protocols[self.picker.value].timeline()

    @property
    def entry(self) -> TimelineEntry:
        """The step on show."""
        return self.timeline[self.index]

    def next_step(self) -> None:
        self.go(self.index + 1)

    def previous_step(self) -> None:
        self.go(self.index - 1)

    def go(self, index: int) -> None:
        """Show step ``index`` (from 0), kept within the protocol's steps."""
        timeline = self.timeline
        self.index = max(0, min(index, len(timeline) - 1))
        entry = timeline[self.index]
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index == len(timeline) - 1
        self.position.value = (
            f"<strong style='font-size:1.15em;white-space:nowrap;margin-left:0.5em'>"
            f"Step {entry.step} of {len(timeline)}</strong>"
        )
        self.details.value = step_html(entry)
        if entry.kind == "treatment" and entry.zone and entry.side:
            side = "both sides" if entry.side == "both" else f"client's {entry.side}"
            picture = face_map_svg([(entry.zone, entry.side)], title=f"{entry.zone_name}, {side}")
        else:
            picture = face_map_svg(title="Face map: no zone in this step")
            picture += "<p style='text-align:center'><em>No zone in this step.</em></p>"
        self.face.value = picture


def protocol_walkthrough(protocol: Protocol | str | None = None) -> ProtocolWalkthrough:
    """Walk through a library protocol (or ``protocol``: a Protocol, id or path) step by step."""
    protocols = dict(load_library())
    if isinstance(protocol, str):
        protocol = resolve_protocol(protocol)
    if protocol is not None:
        protocols = {protocol.id: protocol, **protocols}
    if not protocols:
        raise ReferenceDataError("the protocol library is empty: there is nothing to walk through")
    return ProtocolWalkthrough(protocols, protocol.id if protocol else next(iter(protocols)))


# -- the quiz ------------------------------------------------------------------------


class Quiz(widgets.VBox):
    """Every question at once with radio buttons; Check answers; a score; Try again.

    Choices keep the file's order unless ``seed`` is given; then questions and
    choices are shuffled, differently on each Try again.
    """

    def __init__(self, questions: list[QuizQuestion], seed: int | None = None) -> None:
        self.questions = {q.id: q for q in questions}
        # Shuffling practice questions, not secrets: a seeded generator is what we want.
        self._random = random.Random(seed) if seed is not None else None  # noqa: S311
        self.check_button = widgets.Button(description="Check answers", button_style="primary")
        self.again_button = widgets.Button(description="Try again")
        self.score = widgets.HTML()
        self.items = widgets.VBox()
        self.radios: dict[str, widgets.RadioButtons] = {}
        self.feedback: dict[str, widgets.HTML] = {}
        super().__init__(
            [self.items, widgets.HBox([self.check_button, self.again_button]), self.score]
        )
        self.add_class("pt-quiz")
        self.check_button.on_click(lambda _button: self.check())
        self.again_button.on_click(lambda _button: self.try_again())
        self.try_again()

    def try_again(self) -> None:
        """Clear every answer (and shuffle, when the quiz has a seed)."""
        order = list(self.questions.values())
        if self._random:
            self._random.shuffle(order)
        boxes = []
        for position, question in enumerate(order, start=1):
            options = list(enumerate(question.choices))
            if self._random:
                self._random.shuffle(options)
            radio = widgets.RadioButtons(
                options=[(text, index) for index, text in options],
                value=None,
                description="Your answer",
                style=_WIDE,
                layout=widgets.Layout(width="auto"),
            )
            self.radios[question.id] = radio
            self.feedback[question.id] = widgets.HTML()
            heading = widgets.HTML(
                f"<p class='pt-question' style='font-size:1.1em;margin-bottom:0.2em'>"
                f"<strong>{position}. {html.escape(question.question)}</strong></p>"
            )
            box = widgets.VBox([heading, radio, self.feedback[question.id]])
            box.add_class(f"pt-question-{question.id}")
            boxes.append(box)
        self.items.children = boxes
        self.score.value = ""

    def choose(self, question_id: str, choice: int | str) -> None:
        """Answer a question by the choice's number in the file (from 0) or its text."""
        question = self.questions[question_id]
        self.radios[question_id].value = (
            question.choices.index(choice) if isinstance(choice, str) else choice
        )

    def check(self) -> int:
        """Show right or wrong for each question with its explanation; return the score."""
        right = 0
        for key, question in self.questions.items():
            chosen = self.radios[key].value
            if chosen == question.answer:
                right += 1
                verdict = "<strong>✔ Right.</strong>"
            else:
                missed = "Not answered" if chosen is None else "Not quite"
                verdict = (
                    f"<strong>✖ {missed}.</strong> The answer is "
                    f"“{html.escape(question.right_choice)}”."
                )
            self.feedback[key].value = (
                "<div class='pt-feedback' style='border-left:4px solid #888;padding:0.2em 0.7em;"
                "max-width:46rem;"
                "margin-bottom:0.6em;line-height:1.45'>"
                f"<div>{verdict} {html.escape(question.explanation)}</div>"
                f"<div style='margin-top:0.3em'><small><strong>Source:</strong> "
                f"{html.escape(question.source)}</small></div></div>"
            )
        self.score.value = (
            f"<p class='pt-score' style='font-size:1.3em'><strong>Score: {right} of "
            f"{len(self.questions)} right</strong></p>"
        )
        return right


def quiz(seed: int | None = None, topic: str | None = None) -> Quiz:
    """The quiz of ``data/quiz.yaml``; ``topic`` keeps one lesson's (or screening's) questions."""
    questions = [q for q in load_quiz() if topic is None or q.topic == topic]
    if not questions:
        raise ReferenceDataError(f"no quiz question has the topic {topic!r}")
    return Quiz(questions, seed)

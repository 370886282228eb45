"""The training pages' widgets: a lesson book, a protocol walk-through and a quiz.

This quiz checks answers whenever asked and keeps nothing; the lessons page offers
the assessment instead (:mod:`.quiz_attempt`: shuffled attempts, handed in, scored
against the pass mark and kept for a signed-in trainee).

>>> book = lesson_book()
>>> walk = protocol_walkthrough("express-10")
>>> walk.next_step(); walk.entry.step
2
>>> q = quiz(seed=1)
"""

from __future__ import annotations

import html
import random

import ipywidgets as widgets

from ..core.errors import ReferenceDataError
from ..protocols.loading import load_library, resolve_protocol
from ..protocols.model import Protocol, TimelineEntry
from ..views import palette
from ..views.facemap import face_map_svg
from .content import QuizQuestion, load_lessons, load_quiz
from .html import lesson_html, step_html

__all__ = [
    "LessonBook",
    "ProtocolWalkthrough",
    "Quiz",
    "lesson_book",
    "protocol_walkthrough",
    "quiz",
]

_WIDE = {"description_width": "initial"}


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
            box, self.radios[question.id], self.feedback[question.id] = question_box(
                position, question, self._random
            )
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
        """Show right or wrong, with its explanation, for each answered question; return
        the score. An unanswered question keeps its answer hidden, so pressing *Check
        answers* first cannot be used to read them all."""
        answered = {key: self.radios[key].value for key in self.questions}
        if all(chosen is None for chosen in answered.values()):
            self.score.value = (
                "<p class='pt-score' role='status'><strong>Answer at least one question "
                "first.</strong></p>"
            )
            return 0
        right = 0
        for key, question in self.questions.items():
            chosen = answered[key]
            if chosen is None:
                self.feedback[key].value = _feedback_html(
                    "<strong>Not answered yet.</strong> Choose an answer, then check again.", ""
                )
                continue
            if chosen == question.answer:
                right += 1
                verdict = "<strong>✔ Right.</strong>"
            else:
                verdict = (
                    "<strong>✖ Not quite.</strong> The answer is "
                    f"“{html.escape(question.right_choice)}”."
                )
            self.feedback[key].value = _feedback_html(
                f"{verdict} {html.escape(question.explanation)}", question.source
            )
        self.score.value = (
            f"<p class='pt-score' style='font-size:1.3em'><strong>Score: {right} of "
            f"{len(self.questions)} right</strong></p>"
        )
        return right


def question_box(
    position: int, question: QuizQuestion, shuffle: random.Random | None = None
) -> tuple[widgets.VBox, widgets.RadioButtons, widgets.HTML]:
    """One question as the quizzes show it: its number and text, the choices as radio
    buttons labelled *Your answer* (shuffled by ``shuffle`` when given; each choice's
    value is its number in the file) and a place for the feedback."""
    options = list(enumerate(question.choices))
    if shuffle is not None:
        shuffle.shuffle(options)
    radio = widgets.RadioButtons(
        options=[(text, index) for index, text in options],
        value=None,
        description="Your answer",
        style=_WIDE,
        layout=widgets.Layout(width="auto"),
    )
    feedback = widgets.HTML()
    heading = widgets.HTML(
        f"<p class='pt-question' style='font-size:1.1em;margin-bottom:0.2em'>"
        f"<strong>{position}. {html.escape(question.question)}</strong></p>"
    )
    box = widgets.VBox([heading, radio, feedback])
    box.add_class(f"pt-question-{question.id}")
    return box, radio, feedback


def _feedback_html(verdict: str, source: str) -> str:
    source_line = (
        f"<div style='margin-top:0.3em'><small><strong>Source:</strong> "
        f"{html.escape(source)}</small></div>"
        if source
        else ""
    )
    return (
        f"<div class='pt-feedback' style='border-left:4px solid {palette.MUTED};"
        "padding:0.2em 0.7em;max-width:46rem;margin-bottom:0.6em;line-height:1.45'>"
        f"<div>{verdict}</div>{source_line}</div>"
    )


def quiz(seed: int | None = None, topic: str | None = None) -> Quiz:
    """The quiz of ``data/quiz.yaml``; ``topic`` keeps one lesson's (or screening's) questions."""
    questions = [q for q in load_quiz() if topic is None or q.topic == topic]
    if not questions:
        raise ReferenceDataError(f"no quiz question has the topic {topic!r}")
    return Quiz(questions, seed)

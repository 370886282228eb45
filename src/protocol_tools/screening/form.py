"""The intake form (ipywidgets; it runs in Voilà too).

    >>> from protocol_tools import IntakeForm
    >>> form = IntakeForm(date=dt.date(2026, 11, 23))
    >>> form.check() is None  # nothing answered: refused, every question marked
    True
    >>> form.observe(lambda change: print(change.new), names="result")

Every safety question starts unanswered ("Yes" and "No" both unpressed), so "not
answered" can never pass for "no": the screening refuses and lists what is missing.
Each message appears beside its question; the result shows the outcome in large
text with an icon and words, every reason with its source, the adjustments and the
earliest date. What an answer may be is the intake's rule (:mod:`.intake`); this
module only draws and reads the controls.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import traitlets

from ..core.errors import IntakeError
from .display import message_html, refusal_html, result_html
from .engine import ScreeningResult, screen
from .intake import (
    FIELD_KINDS,
    Intake,
    answer_in_words,
    checked_answers,
    parse_intake,
    required_fields,
)
from .practice import PracticeQuiz, outcome_legend, practice_quiz
from .rules import screening_rules

# The practice quiz and the legend moved to .practice (issue 10); the package's
# lazy table still names this module for them until it names .practice.
__all__ = ["IntakeForm", "PracticeQuiz", "outcome_legend", "practice_quiz", "result_html"]

_WIDE = widgets.Layout(width="auto")
_LABEL_STYLE = {"description_width": "initial"}
# Buttons as wide as their words, so no answer is cut off ("Doctor's clearanc…").
_BUTTONS_STYLE = {"description_width": "initial", "button_width": "auto"}
_YES_NO = (("Yes", True), ("No", False))
_NOT_RECENTLY, _ON_DATE = "never", "date"
_NOT_SCREENED = (
    '<div class="pt-result pt-waiting" role="status" aria-live="polite">'
    "<p><strong>Not screened yet.</strong> Answer every question, then press "
    "<em>Screen this client</em>.</p></div>"
)


class _Question:
    """One question on the form: its controls, how to read them, and its message line."""

    def __init__(self, name: str, label: str, question: str, controls: list[widgets.Widget]):
        self.name = name
        self.label = label
        self.question = question
        self.message = widgets.HTML()
        # The chosen answer in words: a pressed button is only a shade darker.
        self.status = widgets.HTML()
        self.status.add_class("pt-answer-status")
        prompt = widgets.HTML(f"<span class='pt-question-text'>{html.escape(question)}</span>")
        rows: list[widgets.Widget] = [
            widgets.HBox([controls[0], widgets.VBox([prompt, self.status])])
        ]
        rows.extend(controls[1:])
        rows.append(self.message)
        self.box = widgets.VBox(rows, layout=widgets.Layout(margin="0 0 0.6em 0"))
        self.box.add_class("pt-question")
        self.box.add_class(f"pt-q-{name}")
        self.watch(self._refresh_status)
        self._refresh_status()

    def _refresh_status(self, _change: object = None) -> None:
        answered, value, problem = self.read()
        if not answered or problem:
            self.status.value = f"<em>{'Incomplete' if problem else 'Not answered yet'}</em>"
            return
        shown = answer_in_words(self.name, value)
        self.status.value = f"<small>✔ Answer: {html.escape(shown)}</small>"

    def read(self) -> tuple[bool, Any, str]:
        """(answered, value, problem the form itself sees)."""
        raise NotImplementedError

    def fill(self, value: Any) -> None:
        """Set the answer from a checked value (see :func:`.intake.checked_answers`);
        ``None`` clears it, except where it means "not in the last month"."""
        raise NotImplementedError

    def clear(self) -> None:
        """Leave the question unanswered, as on a new form."""
        self.fill(None)

    def watch(self, callback: Callable[[Any], None]) -> None:
        raise NotImplementedError

    def show(self, message: str) -> None:
        self.message.value = message_html(message)


class _TextQuestion(_Question):
    def __init__(self, name: str, label: str, placeholder: str, help_text: str):
        self.control = widgets.Text(description=label, placeholder=placeholder, style=_LABEL_STYLE)
        super().__init__(name, label, help_text, [self.control])

    def read(self) -> tuple[bool, Any, str]:
        text = self.control.value.strip()
        return bool(text), text or None, ""

    def fill(self, value: Any) -> None:
        self.control.value = "" if value is None else str(value)

    def watch(self, callback: Callable[[Any], None]) -> None:
        self.control.observe(callback, names="value")


class _OneControlQuestion(_Question):
    """A question answered by one control whose value is the answer (None: unanswered)."""

    control: widgets.ValueWidget

    def read(self) -> tuple[bool, Any, str]:
        value = self.control.value
        return value is not None, value, ""

    def fill(self, value: Any) -> None:
        self.control.value = value

    def watch(self, callback: Callable[[Any], None]) -> None:
        self.control.observe(callback, names="value")


class _DateQuestion(_OneControlQuestion):
    def __init__(self, name: str, label: str, help_text: str, value: dt.date | None):
        self.control = widgets.DatePicker(description=label, value=value, style=_LABEL_STYLE)
        super().__init__(name, label, help_text, [self.control])


class _YesNoQuestion(_OneControlQuestion):
    def __init__(self, name: str, label: str, question: str):
        self.control = widgets.ToggleButtons(
            options=_YES_NO,
            value=None,
            description=label,
            style=_BUTTONS_STYLE,
            tooltips=[f"{label}: yes", f"{label}: no"],
        )
        super().__init__(name, label, question, [self.control])


class _DateOrNeverQuestion(_Question):
    def __init__(self, name: str, label: str, question: str):
        self.control = widgets.ToggleButtons(
            options=(("Not in the last month", _NOT_RECENTLY), ("Yes, last time on:", _ON_DATE)),
            value=None,
            description=label,
            style=_BUTTONS_STYLE,
            tooltips=[f"{label}: not in the last month", f"{label}: give the date"],
        )
        self.when = widgets.DatePicker(
            description=f"{label} date", style=_LABEL_STYLE, disabled=True
        )
        super().__init__(name, label, question, [self.control, self.when])
        self.control.observe(self._enable, names="value")

    def _enable(self, _change: object = None) -> None:
        self.when.disabled = self.control.value != _ON_DATE

    def read(self) -> tuple[bool, Any, str]:
        if self.control.value is None:
            return False, None, ""
        if self.control.value == _NOT_RECENTLY:
            return True, None, ""
        if self.when.value is None:
            return True, None, "give the date of the last time, or choose 'Not in the last month'"
        return True, self.when.value, ""

    def fill(self, value: Any) -> None:
        if value is None:
            self.control.value = _NOT_RECENTLY
            self.when.value = None
        else:
            self.control.value = _ON_DATE
            self.when.value = value

    def clear(self) -> None:
        # fill(None) answers "not in the last month"; a new form has no answer at all.
        self.control.value = None
        self.when.value = None

    def watch(self, callback: Callable[[Any], None]) -> None:
        self.control.observe(callback, names="value")
        self.when.observe(callback, names="value")


class _ListQuestion(_Question):
    def __init__(self, name: str, label: str, question: str, items: list[tuple[str, str]]):
        self.control = widgets.ToggleButtons(
            options=_YES_NO,
            value=None,
            description=label,
            style=_BUTTONS_STYLE,
            tooltips=[f"{label}: yes", f"{label}: none"],
        )
        self.boxes = {
            item_id: widgets.Checkbox(
                description=item_label, value=False, indent=False, layout=_WIDE
            )
            for item_id, item_label in items
        }
        self.ticks = widgets.VBox(
            [widgets.HTML("<em>Tick each one that applies:</em>"), *self.boxes.values()],
            layout=widgets.Layout(margin="0 0 0 2em", display="none"),
        )
        super().__init__(name, label, question, [self.control, self.ticks])
        self.control.observe(self._reveal, names="value")

    def _reveal(self, _change: object = None) -> None:
        self.ticks.layout.display = "flex" if self.control.value is True else "none"

    def read(self) -> tuple[bool, Any, str]:
        if self.control.value is None:
            return False, None, ""
        if self.control.value is False:
            return True, [], ""
        ticked = [item_id for item_id, box in self.boxes.items() if box.value]
        if not ticked:
            return True, None, "you answered Yes: tick at least one item, or answer No"
        return True, ticked, ""

    def fill(self, value: Any) -> None:
        # None is no answer: never "No", which an empty list means.
        self.control.value = None if value is None else bool(value)
        for item_id, box in self.boxes.items():
            box.value = value is not None and item_id in value

    def watch(self, callback: Callable[[Any], None]) -> None:
        self.control.observe(callback, names="value")
        for box in self.boxes.values():
            box.observe(callback, names="value")


def _build_questions(session_date: dt.date | None) -> dict[str, _Question]:
    """One form question per intake field, worded from data/contraindications.yaml."""
    rules = screening_rules()
    questions: dict[str, _Question] = {}
    for name, kind in FIELD_KINDS.items():
        if name == "client":
            questions[name] = _TextQuestion(
                name,
                "Client code",
                "C-0042",
                "The client's code from the booking, not the name.",
            )
        elif name == "date":
            questions[name] = _DateQuestion(
                name, "Session date", "Waits count from this day.", session_date
            )
        elif kind == "date":
            rule = rules.rules_for(name)[0]
            questions[name] = _DateQuestion(name, rule.label, "", None)
        elif kind == "list":
            asked = rules.lists[name]
            items = [(rule.item or "", rule.label) for rule in asked.items]
            questions[name] = _ListQuestion(name, asked.label, asked.question, items)
        elif kind == "date-or-never":
            rule = rules.rules_for(name)[0]
            questions[name] = _DateOrNeverQuestion(name, rule.label, rule.ask_date or rule.question)
        else:
            rule = rules.rules_for(name)[0]
            questions[name] = _YesNoQuestion(name, rule.label, rule.question)
    return questions


class IntakeForm(widgets.VBox):
    """Ask every screening question, check the answers, and show the result.

    ``form.result`` is the :class:`ScreeningResult` (or ``None`` until the answers
    are complete and screened); observe it with ``form.observe(fn, names="result")``.
    ``form.intake`` is the checked :class:`Intake`. Changing any answer clears the
    result, so a stale "may be treated" never stays on screen.
    """

    result = traitlets.Any(None, allow_none=True)

    def __init__(self, *, client: str | None = None, date: dt.date | None = None) -> None:
        self.intake: Intake | None = None
        self.problems: list[tuple[str, str]] = []
        given = checked_answers({"client": client, "date": date})
        # 1. the questions, one per intake field
        self.questions = _build_questions(given["date"] or dt.date.today())
        heading = widgets.HTML("<h3>Client intake and screening</h3>")
        super().__init__(
            [heading, *(q.box for q in self.questions.values()), *self._build_result_area()]
        )
        self.add_class("pt-intake-form")
        if client:
            self.questions["client"].fill(client)
        for question in self.questions.values():
            question.watch(self._changed)
        self.button.on_click(lambda _button: self.check())

    # 2. the screen button and the result area below it
    def _build_result_area(self) -> list[widgets.Widget]:
        self.button = widgets.Button(
            description="Screen this client",
            button_style="primary",
            tooltip="Check the answers and show whether the client can be treated",
            layout=widgets.Layout(width="16em", height="2.6em"),
        )
        self.button.add_class("pt-screen-button")
        self.output = widgets.HTML(_NOT_SCREENED)
        self.output.add_class("pt-result-area")
        return [self.button, self.output]

    def answers(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The answers as intake data (unanswered questions left out) and the
        problems the form itself sees (e.g. "Yes" with nothing ticked)."""
        data: dict[str, Any] = {}
        problems = []
        required = required_fields()
        for name, question in self.questions.items():
            answered, value, problem = question.read()
            if not answered and name not in required:
                # Files may leave these out, but a form that asked must get an answer.
                problem = f"not answered ({question.question})"
            if problem:
                problems.append((name, problem))
            elif answered:
                data[name] = value.isoformat() if isinstance(value, dt.date) else value
        return data, problems

    def fill(self, answers: Intake | Mapping[str, Any]) -> None:
        """Set the form's answers from an intake or intake data (e.g. a practice client).

        Each answer must be of its question's kind (a date, true or false, ids from
        its list; ``None`` leaves a question unanswered); otherwise nothing is changed
        and :class:`IntakeError` names every wrong field::

            >>> IntakeForm().fill({"date": "2026-02-30"})
            Traceback (most recent call last):
            ...
            protocol_tools.core.errors.IntakeError: the form: 1 answer cannot be filled in
              date: must be a date like 2026-11-23 (got '2026-02-30')
        """
        data = answers.to_dict() if isinstance(answers, Intake) else answers
        for name, value in checked_answers(data).items():
            self.questions[name].fill(value)

    def clear(self, *, date: dt.date | None = None) -> None:
        """Empty the form for the next client: every question unanswered (the session
        date set to ``date``, default today), no messages, no result."""
        for question in self.questions.values():
            question.clear()
            question.show("")
        self.questions["date"].fill(date or dt.date.today())
        self.problems = []
        self.intake = None
        self.result = None
        self.output.value = _NOT_SCREENED

    def check(self) -> ScreeningResult | None:
        """Screen the current answers; show the result, or every problem beside its field."""
        data, problems = self.answers()
        for question in self.questions.values():
            question.show("")
        intake = None
        try:
            intake = parse_intake(data, "the form")
        except IntakeError as error:
            # A field the form already explained ("Yes" but nothing ticked) is also
            # missing from the data; say it once, in the form's words.
            seen = {field for field, _ in problems}
            problems.extend(p for p in error.problems if p[0].split("[")[0] not in seen)
        if problems or intake is None:
            self._refuse(problems)
            return None
        self.problems = []
        self.intake = intake
        self.result = screen(intake)
        self.output.value = result_html(self.result)
        return self.result

    def _refuse(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        self.intake = None
        self.result = None
        for field, message in problems:
            question = self.questions.get(field.split("[")[0])
            if question is not None:
                question.show(message)
        labels = {name: q.label for name, q in self.questions.items()}
        self.output.value = refusal_html(problems, labels)

    def _changed(self, _change: object) -> None:
        if self.result is not None or self.problems:
            self.result = None
            self.intake = None
            self.output.value = (
                '<div class="pt-result pt-stale" role="status" aria-live="polite">'
                "<p><strong>Answers changed.</strong> Press <em>Screen this client</em> "
                "again to see the result.</p></div>"
            )

"""The intake form and the screening practice quiz (ipywidgets; they run in Voilà too).

    >>> from protocol_tools import IntakeForm
    >>> form = IntakeForm()                                   # doctest: +SKIP
    >>> form                                                  # doctest: +SKIP
    >>> form.observe(lambda change: print(change.new), names="result")  # doctest: +SKIP

Every safety question starts unanswered ("Yes" and "No" both unpressed), so "not
answered" can never pass for "no": the screening refuses and lists what is missing.
Each message appears beside its question; the result shows the outcome in large
text with an icon and words, every reason with its source, the adjustments and the
earliest date.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import traitlets

from ..core.errors import IntakeError
from ..protocols.loading import suggest
from .engine import (
    _BAD,
    _FIELD_KINDS,
    Intake,
    ScreeningResult,
    _got,
    _Reader,
    _required_fields,
    load_intake,
    parse_intake,
    practice_clients,
    screen,
    screening_rules,
)

__all__ = ["IntakeForm", "PracticeQuiz", "outcome_legend", "practice_quiz", "result_html"]

_WIDE = widgets.Layout(width="auto")
_LABEL_STYLE = {"description_width": "initial"}
# Buttons as wide as their words, so no answer is cut off ("Doctor's clearanc…").
_BUTTONS_STYLE = {"description_width": "initial", "button_width": "auto"}
_YES_NO = (("Yes", True), ("No", False))
_NOT_RECENTLY, _ON_DATE = "never", "date"


def _message_html(message: str) -> str:
    if not message:
        return ""
    return (
        '<div role="alert" class="pt-field-message" style="color:#8a1c1c;font-weight:600">'
        f"⚠ {html.escape(message)}</div>"
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
        if isinstance(value, bool):
            shown = "Yes" if value else "No"
        elif isinstance(value, list):
            shown = ", ".join(value) if value else "No"
        elif value is None:
            shown = "not in the last month"
        else:
            shown = str(value)
        self.status.value = f"<small>✔ Answer: {html.escape(shown)}</small>"

    def read(self) -> tuple[bool, Any, str]:
        """(answered, value, problem the form itself sees)."""
        raise NotImplementedError

    def fill(self, value: Any) -> None:
        """Set the answer from a checked value (see :func:`_checked_answers`);
        ``None`` clears it, except where it means "not in the last month"."""
        raise NotImplementedError

    def watch(self, callback: Callable[[Any], None]) -> None:
        raise NotImplementedError

    def show(self, message: str) -> None:
        self.message.value = _message_html(message)


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


class _DateQuestion(_Question):
    def __init__(self, name: str, label: str, help_text: str, value: dt.date | None):
        self.control = widgets.DatePicker(description=label, value=value, style=_LABEL_STYLE)
        super().__init__(name, label, help_text, [self.control])

    def read(self) -> tuple[bool, Any, str]:
        value = self.control.value
        return value is not None, value, ""

    def fill(self, value: Any) -> None:
        self.control.value = value

    def watch(self, callback: Callable[[Any], None]) -> None:
        self.control.observe(callback, names="value")


class _YesNoQuestion(_Question):
    def __init__(self, name: str, label: str, question: str):
        self.control = widgets.ToggleButtons(
            options=_YES_NO,
            value=None,
            description=label,
            style=_BUTTONS_STYLE,
            tooltips=[f"{label}: yes", f"{label}: no"],
        )
        super().__init__(name, label, question, [self.control])

    def read(self) -> tuple[bool, Any, str]:
        value = self.control.value
        return value is not None, value, ""

    def fill(self, value: Any) -> None:
        self.control.value = value

    def watch(self, callback: Callable[[Any], None]) -> None:
        self.control.observe(callback, names="value")


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
    for name, kind in _FIELD_KINDS.items():
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


def result_html(result: ScreeningResult) -> str:
    """The result as HTML: outcome in large text with icon and words, then the why."""
    esc = html.escape
    border = {
        "stop": "#8a1c1c",
        "clearance": "#8a4b00",
        "postpone": "#5c4a00",
        "adjust": "#1c4f8a",
        "proceed": "#1c6b33",
    }.get(result.outcome, "#333")
    parts = [
        f'<div class="pt-result pt-result-{esc(result.outcome)}" role="status" '
        f'aria-live="polite" style="border:4px solid {border};border-radius:8px;'
        'padding:0.8em 1em;margin-top:0.5em">',
        f'<div class="pt-outcome" style="font-size:2em;font-weight:700;line-height:1.2">'
        f"{esc(result.icon)} {esc(result.title)}</div>",
        f"<p><strong>Outcome:</strong> {esc(result.outcome)} · "
        f"<strong>Client:</strong> {esc(result.client)} · "
        f"<strong>Session date:</strong> {esc(str(result.date))}</p>",
        f"<p>{esc(result.explain)}</p>",
    ]
    if result.wait_text:
        parts.append(
            f'<p class="pt-earliest" style="font-size:1.3em"><strong>Earliest date:</strong> '
            f"{esc(result.wait_text)}</p>"
        )
    if result.adjustments:
        items = "".join(f"<li>{esc(text)}</li>" for text in result.adjustments)
        parts.append(f"<p><strong>Make these changes:</strong></p><ul>{items}</ul>")
    if result.reasons:
        items = "".join(
            f"<li><strong>{esc(reason.outcome)}: {esc(reason.question)}</strong><br>"
            f"{esc(reason.reason)}<br><small>Source: {esc(reason.source)}</small></li>"
            for reason in result.reasons
        )
        parts.append(f"<p><strong>Why:</strong></p><ul>{items}</ul>")
    else:
        parts.append("<p>No rule matched: every answer was no.</p>")
    parts.append("</div>")
    return "".join(parts)


def _refusal_html(problems: list[tuple[str, str]], labels: Mapping[str, str]) -> str:
    items = "".join(
        f"<li><strong>{html.escape(labels.get(field.split('[')[0], field))}:</strong> "
        f"{html.escape(message)}</li>"
        for field, message in problems
    )
    return (
        '<div class="pt-result pt-refused" role="status" aria-live="polite" '
        'style="border:4px dashed #333;border-radius:8px;padding:0.8em 1em;margin-top:0.5em">'
        '<div class="pt-outcome" style="font-size:2em;font-weight:700">'
        "✎ Not screened yet</div>"
        f"<p>Answer every question first. {len(problems)} to fix:</p><ul>{items}</ul></div>"
    )


def _checked_answers(data: Any) -> dict[str, Any]:
    """``data`` with each answer read as its question's kind (dates as dates), or
    IntakeError naming every field that is unknown or holds the wrong kind of value.

    The answer need not be complete or right yet (that is the screening's job): a
    client code may be half typed, but a date must be a date.
    """
    if not isinstance(data, Mapping):
        raise IntakeError(
            "the form: not a set of answers",
            [("intake", f"answers must be a set of fields (client, date, …), not {_got(data)}")],
        )
    reader = _Reader(data, "the form", None)  # the screening's own reading of each kind
    checked: dict[str, Any] = {}
    for name, value in data.items():
        kind = _FIELD_KINDS.get(name) if isinstance(name, str) else None
        if kind is None:
            hint = suggest(str(name), _FIELD_KINDS)
            reader.problem(
                str(name),
                "is not a question on the form" + (f"; did you mean {hint!r}?" if hint else ""),
            )
        elif value is None:
            checked[name] = None
        elif kind == "code":
            if isinstance(value, str):
                checked[name] = value
            else:
                reader.problem(
                    name, f"must be text, the client code like C-0042 (got {_got(value)})"
                )
        else:
            read = getattr(reader, "_" + kind.replace("-", "_"))(name, value)
            if read is not _BAD:
                checked[name] = read
    if reader.problems:
        count = len(reader.problems)
        raise IntakeError(
            f"the form: {count} answer{'s' if count != 1 else ''} cannot be filled in",
            reader.problems,
        )
    return checked


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
        given = _checked_answers({"client": client, "date": date})
        self.questions = _build_questions(given["date"] or dt.date.today())
        self.button = widgets.Button(
            description="Screen this client",
            button_style="primary",
            tooltip="Check the answers and show whether the client can be treated",
            layout=widgets.Layout(width="16em", height="2.6em"),
        )
        self.button.add_class("pt-screen-button")
        self.output = widgets.HTML(
            '<div class="pt-result pt-waiting" role="status" aria-live="polite">'
            "<p><strong>Not screened yet.</strong> Answer every question, then press "
            "<em>Screen this client</em>.</p></div>"
        )
        self.output.add_class("pt-result-area")
        heading = widgets.HTML("<h3>Client intake and screening</h3>")
        super().__init__(
            [heading, *(q.box for q in self.questions.values()), self.button, self.output]
        )
        self.add_class("pt-intake-form")
        if client:
            self.questions["client"].fill(client)
        for question in self.questions.values():
            question.watch(self._changed)
        self.button.on_click(lambda _button: self.check())

    def answers(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The answers as intake data (unanswered questions left out) and the
        problems the form itself sees (e.g. "Yes" with nothing ticked)."""
        data: dict[str, Any] = {}
        problems = []
        required = _required_fields()
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
        for name, value in _checked_answers(data).items():
            self.questions[name].fill(value)

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
        self.output.value = _refusal_html(problems, labels)

    def _changed(self, _change: object) -> None:
        if self.result is not None or self.problems:
            self.result = None
            self.intake = None
            self.output.value = (
                '<div class="pt-result pt-stale" role="status" aria-live="polite">'
                "<p><strong>Answers changed.</strong> Press <em>Screen this client</em> "
                "again to see the result.</p></div>"
            )


def _lesson(path: Path) -> str:
    """The ``# Lesson:`` line of a practice client's header comment."""
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("# Lesson:"):
                return line.removeprefix("# Lesson:").strip()
    return ""


def _answers_html(intake: Intake) -> str:
    rules = screening_rules()
    rows = []
    for name, value in intake.to_dict().items():
        if name in rules.lists:
            label = rules.lists[name].label
            names = {rule.item: rule.label for rule in rules.lists[name].items}
            shown = ", ".join(names.get(item, item) for item in value) or "none"
        else:
            asked = rules.rules_for(name)
            label = (
                asked[0].label
                if asked
                else {"client": "Client code", "date": "Session date"}.get(name, name)
            )
            shown = (
                {True: "yes", False: "no", None: "not in the last month"}.get(value, value)
                if isinstance(value, bool | None)
                else str(value)
            )
        rows.append(
            f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(label)}"
            f"</th><td>{html.escape(str(shown))}</td></tr>"
        )
    return f"<table class='pt-practice-answers'>{''.join(rows)}</table>"


class PracticeQuiz(widgets.VBox):
    """Pick a synthetic client, decide the outcome yourself, then reveal the answer."""

    def __init__(self) -> None:
        self.clients = practice_clients()
        outcomes = screening_rules().outcomes
        self.picker = widgets.Dropdown(
            options=[(stem.replace("_", " "), stem) for stem in self.clients],
            description="Practice client",
            style=_LABEL_STYLE,
        )
        self.answers = widgets.HTML()
        self.guess = widgets.ToggleButtons(
            options=[(f"{shown['icon']} {shown['title']}", key) for key, shown in outcomes.items()],
            value=None,
            description="Your decision",
            style=_BUTTONS_STYLE,
        )
        self.reveal = widgets.Button(description="Reveal the answer", button_style="info")
        self.reveal.add_class("pt-reveal-button")
        self.answer = widgets.HTML()
        self.answer.add_class("pt-practice-answer")
        super().__init__([self.picker, self.answers, self.guess, self.reveal, self.answer])
        self.add_class("pt-practice-quiz")
        self.picker.observe(self._show_client, names="value")
        self.reveal.on_click(lambda _button: self.show_answer())
        self._show_client()

    def _show_client(self, _change: object = None) -> None:
        self.guess.value = None
        self.answer.value = ""
        if self.picker.value is None:
            self.answers.value = "<p>No practice clients found.</p>"
            return
        intake = load_intake(self.clients[self.picker.value])
        self.answers.value = (
            "<p><em>Fictional client, made up for practice.</em></p>" + _answers_html(intake)
        )

    def show_answer(self) -> ScreeningResult:
        path = self.clients[self.picker.value]
        result = screen(path)
        outcomes = screening_rules().outcomes
        if self.guess.value is None:
            verdict = "You did not choose an outcome; try deciding first next time."
        else:
            chosen = outcomes[self.guess.value]["title"]
            verdict = (
                f"✔ Right: you chose “{chosen}”, and so does the screening."
                if self.guess.value == result.outcome
                else f"✘ Not quite: you chose “{chosen}”. Read the reasons below."
            )
        lesson = _lesson(path)
        self.answer.value = (
            f"<p style='font-size:1.3em'><strong>{html.escape(verdict)}</strong></p>"
            + (f"<p><strong>Lesson:</strong> {html.escape(lesson)}</p>" if lesson else "")
            + result_html(result)
        )
        return result


def practice_quiz() -> PracticeQuiz:
    """The practice quiz over ``data/practice_clients`` (all fictional)."""
    return PracticeQuiz()


def outcome_legend() -> widgets.HTML:
    """The five outcomes, strongest first, each with its icon, title and meaning."""
    rows = "".join(
        f"<tr><td style='font-size:1.6em;padding-right:0.4em'>{html.escape(shown['icon'])}</td>"
        f"<th style='text-align:left;padding-right:1em'>{html.escape(shown['title'])}"
        f"<br><small><code>{html.escape(key)}</code></small></th>"
        f"<td>{html.escape(shown['explain'])}</td></tr>"
        for key, shown in screening_rules().outcomes.items()
    )
    return widgets.HTML(f"<table class='pt-outcome-legend'>{rows}</table>")

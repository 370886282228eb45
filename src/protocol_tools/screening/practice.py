"""The screening practice quiz and the outcome legend (ipywidgets; they run in Voilà too).

Pick a fictional client, decide the outcome, then reveal what the screening says
and why. The answer stays hidden until a decision is chosen. When a trainee is
signed in (the sign-in sits above the quiz; on a hub the hub user is signed in
already), the first decision on each client is kept in their record beside the
right outcome.

    >>> quiz = practice_quiz(sign_in=False)
    >>> quiz.show_answer() is None  # no decision yet: nothing is revealed
    True
    >>> "Choose your decision first" in quiz.answer.value
    True
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..records.training import record_screening_attempt
from ..training.trainee_account import TraineeAccount, current_account
from ..training.trainee_sign_in import TraineeSignIn
from ..views.html import alert_html
from .display import answers_html, outcome_legend_html, result_html
from .engine import ScreeningResult, screen
from .intake import load_intake
from .rules import practice_clients, practice_lesson, screening_rules

__all__ = ["PracticeQuiz", "outcome_legend", "practice_quiz"]

_LABEL_STYLE = {"description_width": "initial"}
# Buttons as wide as their words, so no outcome is cut off ("Doctor's clearanc…").
_BUTTONS_STYLE = {"description_width": "initial", "button_width": "auto"}


class PracticeQuiz(widgets.VBox):
    """Pick a synthetic client, decide the outcome yourself, then reveal the answer.

    ``account``: who the decisions are kept for (default: the page's trainee);
    ``sign_in`` shows the trainee's sign-in above the quiz.
    """

    def __init__(self, account: TraineeAccount | None = None, sign_in: bool = True) -> None:
        self.clients = practice_clients()
        self.account = account if account is not None else current_account()
        self._decided: set[str] = set()  # the clients whose decision is kept already
        shown = [TraineeSignIn(self.account)] if sign_in else []
        super().__init__([*shown, *self._build_client(), *self._build_decision()])
        self.add_class("pt-practice-quiz")
        self.picker.observe(self._show_client, names="value")
        self.reveal.on_click(lambda _button: self.show_answer())
        self._show_client()

    # 1. the client: a picker and the client's answers
    def _build_client(self) -> list[widgets.Widget]:
        self.picker = widgets.Dropdown(
            options=[(stem.replace("_", " "), stem) for stem in self.clients],
            description="Practice client",
            style=_LABEL_STYLE,
        )
        self.answers = widgets.HTML()
        return [self.picker, self.answers]

    # 2. the decision: the learner's outcome, the reveal button, the answer
    def _build_decision(self) -> list[widgets.Widget]:
        outcomes = screening_rules().outcomes
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
        return [self.guess, self.reveal, self.answer]

    def _show_client(self, _change: object = None) -> None:
        self.guess.value = None
        self.answer.value = ""
        if self.picker.value is None:
            self.answers.value = "<p>No practice clients found.</p>"
            return
        intake = load_intake(self.clients[self.picker.value])
        self.answers.value = (
            "<p><em>Fictional client, made up for practice.</em></p>" + answers_html(intake)
        )

    def show_answer(self) -> ScreeningResult | None:
        """Judge the chosen decision and show the screening's answer with its reasons.

        With no decision chosen nothing is revealed (``None``): seeing the answer
        first would spoil the practice.
        """
        if self.picker.value is None:
            return None
        if self.guess.value is None:
            self.answer.value = (
                "<p role='alert' style='font-size:1.3em'><strong>Choose your decision "
                "first</strong>, then press <em>Reveal the answer</em>.</p>"
            )
            return None
        path = self.clients[self.picker.value]
        result = screen(path)
        chosen = screening_rules().outcome_title(self.guess.value)
        verdict = (
            f"✔ Right: you chose “{chosen}”, and so does the screening."
            if self.guess.value == result.outcome
            else f"✘ Not quite: you chose “{chosen}”. Read the reasons below."
        )
        lesson = practice_lesson(path)
        self.answer.value = (
            f"<p style='font-size:1.3em'><strong>{html.escape(verdict)}</strong></p>"
            + self._keep(self.guess.value, result.outcome)
            + (f"<p><strong>Lesson:</strong> {html.escape(lesson)}</p>" if lesson else "")
            + result_html(result)
        )
        return result

    def _keep(self, chosen: str, expected: str) -> str:
        """Keep the first decision on the client shown for the trainee signed in; the
        note to show ("" when nobody is signed in)."""
        case = self.picker.value
        if case in self._decided:
            return "<p><em>Only your first decision on this client is kept.</em></p>"
        kept = self.account.keep(
            lambda store, code: record_screening_attempt(
                store, code, case_id=case, chosen=chosen, expected=expected
            )
        )
        if kept.code is None:
            return ""
        if not kept.kept:
            return alert_html("error", "Not kept in your record:", kept.problem or "")
        self._decided.add(case)
        return alert_html("done", "Kept in your record", f"as {kept.code}.")


def practice_quiz(account: TraineeAccount | None = None, sign_in: bool = True) -> PracticeQuiz:
    """The practice quiz over ``data/practice_clients`` (all fictional), with the
    trainee's sign-in above it (``sign_in``)."""
    return PracticeQuiz(account, sign_in)


def outcome_legend() -> widgets.HTML:
    """The five outcomes, strongest first, each with its icon, title and meaning."""
    return widgets.HTML(outcome_legend_html())

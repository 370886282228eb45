"""The quiz as an assessment: choose a topic, start an attempt, answer, hand in.

An attempt draws the topic's questions (or every topic's) in a shuffled order, each
question's choices shuffled too (:func:`.scoring.draw_attempt`). *Hand in* scores it
against the pass mark, topic by topic, and says for each *answered* question whether
it was right, with the explanation and its source; an unanswered question gives
nothing away. A signed-in trainee's score is kept in their record.

    >>> view = quiz_attempt(seed=3, sign_in=False)
    >>> view.start("zones")
    >>> view.hand_in() is None  # nothing answered: nothing is scored or revealed
    True
    >>> first = view.questions[0]
    >>> view.choose(first.id, first.answer)
    >>> view.hand_in().right
    1
"""

from __future__ import annotations

import html
import random

import ipywidgets as widgets

from ..views import palette
from ..views.html import alert_html
from .content import QuizQuestion
from .scoring import (
    QuizScore,
    draw_attempt,
    pass_mark,
    quiz_topics,
    score_attempt,
    store_score,
    topic_title,
)
from .trainee_account import TraineeAccount, current_account
from .trainee_sign_in import TraineeSignIn
from .widgets import question_box

__all__ = ["QuizAttempt", "feedback_html", "quiz_attempt", "score_html"]

_LABELS = {"description_width": "initial"}
_ALL = ""  # the topic picker's value for every topic
_UNSET = object()


class QuizAttempt(widgets.VBox):
    """A topic picker, *Start attempt*, the attempt's questions, *Hand in*, the score.

    ``seed`` repeats the shuffles (tests); ``account`` is who the score is kept for
    (default: the page's, :func:`.trainee_account.current_account`); ``sign_in``
    shows the sign-in above the quiz.
    """

    def __init__(
        self, seed: int | None = None, account: TraineeAccount | None = None, sign_in: bool = True
    ) -> None:
        self.account = account if account is not None else current_account()
        # Shuffling practice questions, not secrets: a seeded generator is what we want.
        self._random = random.Random(seed)  # noqa: S311
        self.topic_picker = widgets.Dropdown(
            options=[(topic_title(None), _ALL)]
            + [(title, key) for key, title in quiz_topics().items()],
            description="Topic",
            style=_LABELS,
            layout=widgets.Layout(width="26rem"),
        )
        self.start_button = widgets.Button(description="Start attempt", button_style="primary")
        self.items = widgets.VBox()
        self.hand_in_button = widgets.Button(
            description="Hand in",
            button_style="primary",
            layout=widgets.Layout(display="none"),
        )
        self.result = widgets.HTML(
            f"<p>Choose a topic, then press <em>Start attempt</em>. {_mark_words()}</p>"
        )
        self.result.add_class("pt-quiz-result")
        self.questions: list[QuizQuestion] = []
        self.radios: dict[str, widgets.RadioButtons] = {}
        self.feedback: dict[str, widgets.HTML] = {}
        self.score: QuizScore | None = None
        self._topic: str | None = None
        shown = [TraineeSignIn(self.account)] if sign_in else []
        super().__init__(
            [
                *shown,
                widgets.HBox([self.topic_picker, self.start_button]),
                self.items,
                self.hand_in_button,
                self.result,
            ]
        )
        self.add_class("pt-quiz-attempt")
        self.start_button.on_click(lambda _button: self.start())
        self.hand_in_button.on_click(lambda _button: self.hand_in())

    @property
    def topic(self) -> str | None:
        """The attempt's topic (None: every topic)."""
        return self._topic

    def start(self, topic: str | object | None = _UNSET) -> None:
        """Draw a new attempt of ``topic`` (default: the one picked; None: every topic)."""
        if topic is not _UNSET:
            self.topic_picker.value = topic or _ALL
        self._topic = self.topic_picker.value or None
        shuffle = random.Random(self._random.randrange(2**32))  # noqa: S311
        self.questions = draw_attempt(self._topic, seed=shuffle.randrange(2**32))
        self.radios, self.feedback, boxes = {}, {}, []
        for position, question in enumerate(self.questions, start=1):
            box, self.radios[question.id], self.feedback[question.id] = question_box(
                position, question, shuffle
            )
            box.add_class("pt-quiz-question")
            boxes.append(box)
        self.items.children = boxes
        self.score = None
        self.hand_in_button.disabled = False
        self.hand_in_button.layout.display = "inline-flex"
        count = len(self.questions)
        self.result.value = (
            f"<p role='status'>{html.escape(topic_title(self._topic))}: {count} "
            f"question{'s' if count != 1 else ''}. Answer them, then press "
            f"<em>Hand in</em>. {_mark_words()}</p>"
        )

    def choose(self, question_id: str, choice: int | str) -> None:
        """Answer a question by its choice's number in the file (from 0) or its text."""
        question = next(q for q in self.questions if q.id == question_id)
        self.radios[question_id].value = (
            question.choices.index(choice) if isinstance(choice, str) else choice
        )

    def hand_in(self) -> QuizScore | None:
        """Score the attempt, show it and keep it for the trainee signed in. With no
        question answered nothing is scored or revealed (None)."""
        if not self.questions or self.score is not None:
            return self.score
        answers = {key: radio.value for key, radio in self.radios.items()}
        if all(chosen is None for chosen in answers.values()):
            self.result.value = alert_html(
                "warning", "Answer at least one question first,", "then press Hand in."
            )
            return None
        score = score_attempt(self.questions, answers, self._topic)
        self.score = score
        for question in self.questions:
            self.radios[question.id].disabled = True
            self.feedback[question.id].value = feedback_html(question, answers[question.id])
        self.hand_in_button.disabled = True
        kept = self.account.keep(lambda store, code: store_score(store, code, score))
        if kept.kept:
            note = alert_html("done", "Kept in your record", f"as {kept.code}.")
        elif kept.code is not None:
            note = alert_html("error", "Not kept in your record:", kept.problem or "")
        else:
            note = alert_html(
                "note",
                "Not kept:",
                "you are not signed in. Sign in before your next attempt to keep it.",
            )
        self.result.value = score_html(score) + note + _again_html()
        return score


def feedback_html(question: QuizQuestion, chosen: int | None) -> str:
    """Right or wrong with the explanation and source; for an unanswered question only
    that it was not answered (its answer stays hidden)."""
    if chosen is None:
        body = "<strong>Not answered:</strong> counted as missed."
        source = ""
    else:
        if chosen == question.answer:
            verdict = "<strong>✔ Right.</strong>"
        else:
            verdict = (
                "<strong>✖ Not quite.</strong> The answer is "
                f"“{html.escape(question.right_choice)}”."
            )
        body = f"{verdict} {html.escape(question.explanation)}"
        source = (
            f"<div style='margin-top:0.3em'><small><strong>Source:</strong> "
            f"{html.escape(question.source)}</small></div>"
        )
    return (
        f"<div class='pt-feedback' style='border-left:4px solid {palette.MUTED};"
        "padding:0.2em 0.7em;max-width:46rem;margin-bottom:0.6em;line-height:1.45'>"
        f"<div>{body}</div>{source}</div>"
    )


def score_html(score: QuizScore) -> str:
    """The score, passed or not in words against the pass mark, and a row per topic."""
    if score.passed:
        verdict = f"✔ Passed: {score.right} of {score.asked} right ({score.percent}%)."
    else:
        verdict = f"✖ Not passed yet: {score.right} of {score.asked} right ({score.percent}%)."
    rows = "".join(
        f"<tr><th scope='row' style='text-align:left;padding-right:1.5em'>"
        f"{html.escape(topic_title(topic))}</th><td>{right} of {asked} right</td></tr>"
        for topic, (right, asked) in score.by_topic.items()
    )
    return (
        f"<div class='pt-score' role='status'>"
        f"<p style='font-size:1.3em;margin-bottom:0.2em'><strong>{verdict}</strong></p>"
        f"<p style='margin-top:0'>{_mark_words(score.pass_mark)}</p>"
        f"<table class='pt-score-topics'><caption style='text-align:left'>"
        f"<strong>By topic</strong></caption>{rows}</table></div>"
    )


def _mark_words(mark: float | None = None) -> str:
    share = pass_mark() if mark is None else mark
    return f"The pass mark is {round(share * 100)}% right."


def _again_html() -> str:
    return "<p>To try again, choose a topic and press <em>Start attempt</em>.</p>"


def quiz_attempt(
    seed: int | None = None, account: TraineeAccount | None = None, sign_in: bool = True
) -> QuizAttempt:
    """The quiz as an assessment, with the trainee's sign-in above it (``sign_in``)."""
    return QuizAttempt(seed, account, sign_in)

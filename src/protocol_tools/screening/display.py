"""How a screening reads for people, as HTML: the result, a refusal, an intake's answers.

Plain strings (no widget library), shared by the intake form and the practice
quiz. People see outcome titles and question wording, never rule ids or field
names; every user string is escaped.

    >>> from protocol_tools import screen
    >>> from protocol_tools.screening.rules import practice_clients
    >>> shown = result_html(screen(practice_clients()["c05_pacemaker"]))
    >>> "Do not treat" in shown, "pacemaker</" in shown
    (True, False)
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from ..views.palette import ERROR, INK, OUTCOME_INK
from .engine import ScreeningResult
from .fields import Intake
from .intake import answer_in_words
from .rules import screening_rules

__all__ = [
    "answers_html",
    "field_label",
    "message_html",
    "outcome_legend_html",
    "refusal_html",
    "result_html",
]

# Labels for the fields that are no screening question of their own.
_FIELD_LABELS = {"client": "Client code", "date": "Session date"}


def message_html(message: str) -> str:
    """A problem shown beside its question ("" for none)."""
    if not message:
        return ""
    return (
        f'<div role="alert" class="pt-field-message" style="color:{ERROR};font-weight:600">'
        f"⚠ {html.escape(message)}</div>"
    )


def result_html(result: ScreeningResult) -> str:
    """The result as HTML: outcome in large text with icon and words, then the why."""
    esc = html.escape
    rules = screening_rules()
    # The box's border is the outcome's ink: the icon and words carry the meaning,
    # the colour only repeats it.
    parts = [
        f'<div class="pt-result pt-result-{esc(result.outcome)}" role="status" '
        f'aria-live="polite" style="border:4px solid {OUTCOME_INK.get(result.outcome, INK)};'
        'border-radius:8px;padding:0.8em 1em;margin-top:0.5em">',
        f'<div class="pt-outcome" style="font-size:2em;font-weight:700;line-height:1.2">'
        f"{esc(result.icon)} {esc(result.title)}</div>",
        f"<p><strong>Outcome:</strong> {esc(result.title)} · "
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
            f"<li><strong>{esc(rules.outcome_title(reason.outcome))}: "
            f"{esc(reason.question)}</strong><br>"
            f"{esc(reason.reason)}<br><small>Source: {esc(reason.source)}</small></li>"
            for reason in result.reasons
        )
        parts.append(f"<p><strong>Why:</strong></p><ul>{items}</ul>")
    else:
        parts.append("<p>No rule matched: every answer was no.</p>")
    parts.append("</div>")
    return "".join(parts)


def refusal_html(problems: list[tuple[str, str]], labels: Mapping[str, str]) -> str:
    """Why the answers cannot be screened yet, each problem under its question's label."""
    items = "".join(
        f"<li><strong>{html.escape(labels.get(field.split('[')[0], field))}:</strong> "
        f"{html.escape(message)}</li>"
        for field, message in problems
    )
    return (
        '<div class="pt-result pt-refused" role="status" aria-live="polite" '
        f'style="border:4px dashed {INK};border-radius:8px;padding:0.8em 1em;margin-top:0.5em">'
        '<div class="pt-outcome" style="font-size:2em;font-weight:700">'
        "✎ Not screened yet</div>"
        f"<p>Answer every question first. {len(problems)} to fix:</p><ul>{items}</ul></div>"
    )


def field_label(name: str) -> str:
    """A field's short label as the form shows it ("Pregnant", "Client code")."""
    rules = screening_rules()
    if name in rules.lists:
        return rules.lists[name].label
    asked = rules.rules_for(name)
    return asked[0].label if asked else _FIELD_LABELS.get(name, name)


def answers_html(intake: Intake) -> str:
    """Every answer of an intake as a two-column table, in words."""
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(field_label(name))}"
        f"</th><td>{html.escape(answer_in_words(name, value))}</td></tr>"
        for name, value in intake.to_dict().items()
    )
    return f"<table class='pt-practice-answers'>{rows}</table>"


def outcome_legend_html() -> str:
    """The five outcomes, strongest first, each with its icon, title and meaning."""
    rows = "".join(
        f"<tr><td style='font-size:1.6em;padding-right:0.4em'>{html.escape(shown['icon'])}</td>"
        f"<th style='text-align:left;padding-right:1em'>{html.escape(shown['title'])}</th>"
        f"<td>{html.escape(shown['explain'])}</td></tr>"
        for shown in screening_rules().outcomes.values()
    )
    return f"<table class='pt-outcome-legend'>{rows}</table>"

"""How a screening reads for people: titles and words, never codes or ids."""

from __future__ import annotations

import html

from conftest import SESSION_DAY
from conftest import intake_answers as answers
from protocol_tools import OUTCOMES, ScreeningResult, screen
from protocol_tools.screening.display import answers_html, outcome_legend_html, result_html
from protocol_tools.screening.intake import parse_intake

SESSION = SESSION_DAY


def test_result_html_escapes_and_never_relies_on_colour():
    result = ScreeningResult(
        outcome="adjust",
        reasons=[],
        adjustments=["<script>alert(1)</script>"],
        earliest_date=None,
        client="<b>C-1</b>",
        date=SESSION,
    )
    shown = result_html(result)
    assert "<script>" not in shown
    assert "&lt;b&gt;C-1&lt;/b&gt;" in shown
    assert "⚠ Treat with changes" in shown
    assert "Outcome:</strong> Treat with changes" in shown  # the title, not the code
    assert "adjust<" not in shown


def test_each_reason_is_headed_by_its_outcome_title_not_its_code():
    shown = result_html(screen(answers(pregnant=True, sensitive_skin=True)))
    assert f"{OUTCOMES['stop']['title']}: " in shown
    assert f"{OUTCOMES['adjust']['title']}: " in shown
    assert "<strong>stop:" not in shown
    assert "<strong>adjust:" not in shown


def test_the_legend_shows_titles_and_meanings_but_no_codes():
    legend = outcome_legend_html()
    for key, shown in OUTCOMES.items():
        assert html.escape(shown["title"]) in legend
        assert f">{key}<" not in legend
    assert "<code>" not in legend


def test_an_intakes_answers_read_as_words_with_list_labels():
    table = answers_html(parse_intake(answers(implanted_devices=["cochlear-implant"])))
    assert "Cochlear implant" in table
    assert "cochlear-implant" not in table
    assert "implanted_devices" not in table

"""Findings and message boxes as HTML: escaped, in words, never colour alone."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from protocol_tools.core.findings import Finding
from protocol_tools.views import palette
from protocol_tools.views.html import alert_html, findings_html

HOSTILE = '<script>alert("x")</script> & co'


class _Words(HTMLParser):
    """The words a reader sees (or hears): text outside aria-hidden elements."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.hidden: list[bool] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("div", "p", "li", "br"):
            self.words.append(" ")  # a new line reads as a break between words
        if tag != "br":  # a void element has no end tag
            self.hidden.append(dict(attrs).get("aria-hidden") == "true")

    def handle_endtag(self, tag):
        self.hidden.pop()

    def handle_data(self, data):
        if not any(self.hidden):
            self.words.append(data)


def words(markup: str) -> str:
    parser = _Words()
    parser.feed(markup)
    return " ".join("".join(parser.words).split())


def finding(severity="error", path=("steps", 2, "seconds"), **extra) -> Finding:
    extra.setdefault("message", "must be more than 0 (got -30)")
    return Finding("not-positive", severity, path=path, **extra)


def test_a_finding_reads_as_its_severity_field_in_words_and_message():
    shown = findings_html([finding(explanation="A step needs time.")])
    said = "Error — step 3 seconds: must be more than 0 (got -30) A step needs time."
    assert words(shown) == said
    assert '<span aria-hidden="true">✖</span>' in shown  # the icon, beside the word


@pytest.mark.parametrize(
    ("severity", "icon", "word", "ink"),
    [("error", "✖", "Error", palette.ERROR), ("warning", "⚠", "Warning", palette.WARNING)],
)
def test_each_severity_has_an_icon_a_word_and_the_palettes_colour(severity, icon, word, ink):
    shown = findings_html([finding(severity)])
    assert f'<span aria-hidden="true">{icon}</span> <strong>{word}</strong>' in shown
    assert f"color:{ink}" in shown


def test_steps_are_counted_from_one_and_no_code_or_index_is_shown():
    shown = findings_html([finding(path=("steps", 0, "current_uA"))])
    assert "step 1 current µA" in words(shown)  # the field in words, not as code
    assert "steps[" not in shown
    assert "not-positive" not in words(shown)
    assert 'data-rule="not-positive"' in shown  # for tools and tests, not for people


def test_under_a_steps_row_only_the_field_is_named():
    shown = findings_html([finding()], within_step=True)
    assert words(shown) == "Error — seconds: must be more than 0 (got -30)"


def test_a_finding_for_the_whole_protocol_names_no_field():
    shown = findings_html([finding("warning", path=(), message="claims 15 min")])
    assert words(shown) == "Warning — claims 15 min"


def test_the_place_in_the_file_is_given_when_asked():
    where = finding(file="/library/demo-lift.yaml", line=25, column=14)
    assert words(findings_html([where])).endswith("(got -30)")
    assert words(findings_html([where], place="line")).endswith("(got -30) (line 25)")
    assert words(findings_html([where], place="file")).endswith("(demo-lift.yaml, line 25)")


def test_user_text_is_escaped_everywhere():
    hostile = Finding(
        HOSTILE,
        "error",
        HOSTILE,
        ("steps", 1, HOSTILE),
        file=HOSTILE,
        line=3,
        explanation=HOSTILE,
    )
    shown = findings_html([hostile], heading=HOSTILE, place="file")
    shown += alert_html("error", HOSTILE, HOSTILE)
    assert "<script>" not in shown
    assert '"x"' not in shown  # quotes escaped too, attributes included
    assert "&lt;script&gt;" in shown


def test_a_heading_goes_above_the_list_and_no_findings_give_nothing():
    shown = findings_html([finding()], heading="2 files checked:")
    assert shown.startswith('<p class="pt-findings-heading"><strong>2 files checked:</strong>')
    assert "<ul" in shown
    assert shown.count("<li") == 1
    assert findings_html([], heading="anything") == ""


@pytest.mark.parametrize(
    ("kind", "icon", "role", "ink"),
    [
        ("error", "✖", "alert", palette.ERROR),
        ("warning", "⚠", "status", palette.WARNING),
        ("done", "✔", "status", palette.DONE),
        ("note", "ℹ", "status", palette.INK),
    ],
)
def test_an_alert_has_its_role_icon_and_words(kind, icon, role, ink):
    shown = alert_html(kind, "Title:", "first line\nsecond line")
    assert f'role="{role}"' in shown
    assert f'<span aria-hidden="true">{icon}</span>' in shown
    assert f"color:{ink}" in shown
    assert "first line<br>second line" in shown
    assert words(shown) == "Title: first line second line"


def test_an_alert_can_carry_a_findings_list():
    details = findings_html([finding()])
    shown = alert_html("error", "Error:", "cannot be printed", details_html=details)
    assert details in shown
    assert shown.endswith(f"{details}</div>")


def test_an_unknown_alert_kind_is_refused():
    with pytest.raises(ValueError, match="alert kind"):
        alert_html("panic", "Title", "body")

"""The protocol browser widget, without a browser."""

from __future__ import annotations

from pathlib import Path

from helpers import template_text
from protocol_tools import load_library, protocol_browser
from protocol_tools.views.widgets import ProtocolBrowser

ROOT = Path(__file__).resolve().parents[2]


def test_lists_the_library_and_shows_the_chosen_protocol():
    browser = protocol_browser(ROOT / "protocols")
    library = load_library(ROOT / "protocols")
    assert [value for _, value in browser.picker.options] == list(library)
    assert browser.picker.description == "Protocol"
    browser.picker.value = "signature-lift-15"
    assert "Signature" in browser.summary.value
    assert "Passes every check" in browser.summary.value
    assert len(browser.chart.outputs) == 1


def test_user_strings_are_escaped(tmp_path: Path):
    text = template_text("evil").replace('"Demo lift"', '"<script>alert(1)</script>"')
    (tmp_path / "evil.yaml").write_text(text)
    browser = ProtocolBrowser(load_library(tmp_path))
    assert "<script>" not in browser.summary.value
    assert "&lt;script&gt;" in browser.summary.value


def test_findings_are_shown_in_words(tmp_path: Path):
    text = template_text("demo-lift").replace("target_minutes: 10", "target_minutes: 15")
    (tmp_path / "demo-lift.yaml").write_text(text)
    browser = ProtocolBrowser(load_library(tmp_path))
    assert "<strong>Warning</strong>" in browser.summary.value
    assert "claims 15 min" in browser.summary.value


def test_validation_report_lists_findings_in_words(tmp_path: Path):
    from protocol_tools import validation_report

    assert "no problems found" in validation_report(ROOT / "protocols").value
    (tmp_path / "demo-lift.yaml").write_text(
        template_text().replace("seconds: 75", "seconds: 0", 1)
    )
    report = validation_report(tmp_path).value
    assert "Error" in report
    assert "step 3 seconds" in report  # steps counted from 1, in words
    assert "steps[" not in report
    assert "must be more than 0" in report

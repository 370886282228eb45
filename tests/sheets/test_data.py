"""A sheet's data: what the practitioner relies on, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from conftest import DATA, PROTOCOLS
from helpers import (
    CLIENTS,
    SIGNATURE,
    flat,
    pdf_pages,
    write_day,
)
from protocol_tools import (
    ExportError,
    Protocol,
    ProtocolFileError,
    ReferenceDataError,
    load_protocol,
    make_day_sheets,
    session_sheet,
    sheet_to_pdf,
)
from protocol_tools.cli import main
from protocol_tools.reference.data import load_data_file
from protocol_tools.screening.engine import OUTCOMES, screen
from protocol_tools.screening.rules import screening_questions
from protocol_tools.sheets.data import DRAFT_MARK
from protocol_tools.sheets.glyphs import font_coverage
from protocol_tools.sheets.text import clean_text


def test_sheet_with_intake_holds_header_screening_steps_and_dates(signature, sensitive):
    sheet = session_sheet(
        signature, screening=sensitive, clinic="Lumen Skin Studio", practitioner="Ana P."
    )
    pdf = sheet_to_pdf([sheet])
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    text = pages[0]
    for expected in (
        "Lumen Skin Studio",
        "Ana P.",
        "C-1016",
        "Signature Lift",
        "signature-lift-15",
        "1.0.0",
        "Mon 23 Nov 2026",
        "2026-11-23",
    ):
        assert expected in text
    assert "Client name" not in text  # never printed unless given
    # outcome in words plus a visible icon (the emoji or its look-alike)
    outcome = OUTCOMES[sensitive.outcome]
    assert outcome["title"] in text
    icon = font_coverage().printable(outcome["icon"])
    assert icon
    assert icon in text
    for reason in sensitive.reasons:
        assert flat(reason.source)[:60] in text
        assert flat(reason.reason)[:50] in text
    for adjustment in sensitive.adjustments:
        assert flat(adjustment)[:50] in text
    care = load_data_file("session_care.yaml")
    for item in care["prep_checklist"]:
        assert flat(item["text"]) in text
    for item in care["aftercare"]["items"]:
        assert flat(item) in text
    # every treatment step in order, with its zone, current and passes
    steps = [e for e in signature.timeline() if e.kind == "treatment"]
    positions = [text.index(f"{n} {e.zone_name} {e.side}") for n, e in enumerate(steps, 1)]
    assert positions == sorted(positions)
    assert "160" in text
    assert "180" in text
    assert "Glide and hold, 2 s" in text
    assert "Mist the gel first" in text
    for label in ("Done", "µA used", "Comfort", "Practitioner's signature", "Client's signature"):
        assert label in text
    assert "Zones in order" in text


def test_aftercare_and_next_visit_dates_follow_the_session_date(signature):
    sheet = session_sheet(signature, client="C-0042", date="2026-12-30")
    text = pdf_pages(sheet_to_pdf([sheet]))[0]
    # 24-48 hours after 30 Dec crosses the year; 4-6 weeks lands in February
    assert "Until Fri 1 Jan 2027 (at least until Thu 31 Dec 2026)" in text
    assert "Next visit: Between Wed 27 Jan 2027 and Wed 10 Feb 2027" in text
    four_weeks = dt.date(2026, 12, 30) + dt.timedelta(weeks=4)
    assert sheet["next_visit"]["first"] == four_weeks.isoformat()
    assert sheet["next_visit"]["last"] == "2027-02-10"


def test_without_intake_the_questions_print_as_tick_boxes_overleaf(signature):
    pdf = sheet_to_pdf([session_sheet(signature, client="C-0042", date="2026-03-02")])
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    assert "ask the screening questions overleaf" in pages[0]
    for title in (o["title"] for o in OUTCOMES.values()):
        assert title in pages[0]  # the outcome to tick by hand
    assert "Screening questions for today" in pages[1]
    for question in screening_questions():
        assert flat(question["question"]) in pages[1]
    assert "page 1 of 2" in pages[0]
    assert "page 2 of 2" in pages[1]


def test_the_client_name_only_when_given(signature):
    sheet = session_sheet(signature, client="C-0042", client_name="Zoë Example")
    assert "Zoë Example" in pdf_pages(sheet_to_pdf([sheet]))[0]
    assert session_sheet(signature, client="C-0042")["header"]["client_name"] is None


def test_date_and_client_default_to_the_intake(signature):
    result = screen(CLIENTS / "c01_all_clear.yaml")
    sheet = session_sheet(signature, screening=result)
    assert sheet["header"]["client"] == result.client
    assert sheet["header"]["date"] == result.date.isoformat()
    # the contract's plain dict works as well as the result object
    assert (
        session_sheet(signature, screening=result.to_dict())["screening"]["title"]
        == (OUTCOMES[result.outcome]["title"])
    )


def test_face_map_numbers_zones_in_treatment_order(signature):
    sheet = session_sheet(signature, client="C-1")
    svg = sheet["face_map"]
    assert '<g data-zone="jawline" data-side="right">' in svg
    alt = sheet["face_map_alt"]
    assert alt.index("1: Jawline (client's right)") < alt.index("2: Jawline (client's left)")
    assert "9: Forehead (client's right)" in alt
    assert "9: Forehead (client's left)" in alt


def test_a_sheet_dated_off_the_intakes_day_is_refused(tmp_path, capsys, signature):
    intake = CLIENTS / "c10_retinoid_7_days.yaml"
    message = (
        "the intake was answered for 2026-11-23 but the sheet is for 2026-11-18: "
        "screen the client again for that day"
    )
    with pytest.raises(ExportError, match=message):
        session_sheet(signature, screening=screen(intake), date="2026-11-18")
    status = main(
        [
            "sheet",
            str(SIGNATURE),
            "--intake",
            str(intake),
            "--date",
            "2026-11-18",
            "-o",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert status == 1
    assert message in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "x.pdf").exists()
    day = write_day(tmp_path, [f"2026-11-18,09:00,C-1010,express-10,{intake}"])
    result = make_day_sheets(day, tmp_path / "out", library=PROTOCOLS)
    assert [p.row for p in result.problems] == [2]
    # A day's row quotes the row, not the intake it names: not the intake's own date.
    problem = str(result.problems[0])
    assert (
        "the intake 'c10_retinoid_7_days.yaml' was answered for another day, not 2026-11-18: "
        "screen the client again for that day" in problem
    )
    assert "2026-11-23" not in problem
    # the intake's own day is fine
    assert session_sheet(signature, screening=screen(intake), date="2026-11-23")


def test_ordinary_words_are_never_split(signature, sensitive):
    assert clean_text("uncomfortable") == "uncomfortable"
    assert clean_text("contraindications hyaluronic") == "contraindications hyaluronic"
    sheet = session_sheet(signature, screening=sensitive)
    assert "\u200b" not in json.dumps(sheet, ensure_ascii=False)
    assert "\u200b" in clean_text("C" * 31)  # a pasted run still wraps


@pytest.mark.parametrize(
    ("section", "key"), [("aftercare", "window_hours"), ("next_visit", "weeks")]
)
def test_missing_aftercare_or_visit_data_is_an_error_not_a_guess(
    tmp_path, monkeypatch, signature, section, key
):

    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    care = (folder / "session_care.yaml").read_text("utf-8")
    line = {
        "window_hours": "  window_hours: {min: 24, max: 48}\n",
        "weeks": "  weeks: {min: 4, max: 6}\n",
    }[key]
    assert line in care
    (folder / "session_care.yaml").write_text(care.replace(line, ""), "utf-8")
    monkeypatch.setenv("PROTOCOL_TOOLS_DATA", str(folder))
    with pytest.raises(ReferenceDataError, match=rf"session_care.yaml(:\d+:\d+)? {section}.{key}"):
        session_sheet(signature, client="C-1")


def test_a_draft_or_a_protocol_with_errors_is_refused_unless_a_draft_is_asked_for(
    library_with_drafts,
):
    for name in ("express-draft", "too-strong"):
        protocol = load_protocol(library_with_drafts / f"{name}.yaml")
        with pytest.raises(ProtocolFileError, match="cannot be printed on a session sheet"):
            session_sheet(protocol, client="C-0042")
        pages = pdf_pages(sheet_to_pdf([session_sheet(protocol, client="C-0042", draft=True)]))
        assert len(pages) == 2
        assert all(DRAFT_MARK in page for page in pages)
    ready = session_sheet(load_protocol(SIGNATURE), client="C-0042")
    assert not any("DRAFT" in page for page in pdf_pages(sheet_to_pdf([ready])))


def test_bidi_controls_never_reverse_what_a_sheet_prints():
    assert clean_text("chin to ear\u202eupward") == "chin to earupward"
    assert clean_text("a \u2067b\u2069 c\u200f") == "a b c"
    protocol = Protocol.model_validate(
        {
            "format": 1,
            "id": "bidi",
            "name": "Bidi \u202eLift",
            "version": "1.0.0",
            "setting": "clinic",
            "summary": "Directions with an override pasted in.",
            "defaults": {"current_uA": 200},
            "steps": [
                {
                    "zone": "jawline",
                    "side": "both",
                    "technique": "glide",
                    "passes": 3,
                    "seconds": 30,
                    "direction": "chin to ear\u202eupward",
                }
            ],
        }
    )
    sheet = session_sheet(
        protocol, client="C-0042", client_name="Ana \u202eSmith", date="2026-11-23"
    )
    text = " ".join(pdf_pages(sheet_to_pdf([sheet])))
    assert "chin to earupward" in text
    assert "drawpu" not in text
    assert "Ana Smith" in text
    assert "Bidi Lift" in text
    assert "\u202e" not in text
    assert "\u202e" not in json.dumps(sheet, ensure_ascii=False)

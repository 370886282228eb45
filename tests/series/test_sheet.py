"""The take-home plan sheet and the printed comparison: Typst PDFs read back with pypdf,
and the files saved beside the record (never replacing one, never a name unless asked)."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from icalendar import Calendar

from conftest import ROOT
from helpers import TODAY, flat, pdf_pages, seed_plan_record
from protocol_tools import ExportError, RecordStore
from protocol_tools.records.plans import choose_plan, log_home_session
from protocol_tools.reference.data import costs, session_care
from protocol_tools.series.adherence import client_adherence
from protocol_tools.series.files import save_calendars, save_comparison, save_plan_sheet
from protocol_tools.series.sheet import comparison_sheet, plan_pdf, plan_sheet

# seed_plan_record: visits on these days, the plan from the first; the next one planned.
VISITS = ("Mon 28 Sep 2026", "Mon 26 Oct 2026", "Mon 23 Nov 2026")
NEXT = "Mon 21 Dec 2026"


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "records" / "records.db") as opened:
        seed_plan_record(opened)
        yield opened


def sheet_text(store, code="C-0042", **options) -> str:
    plans = client_adherence(store, code, TODAY)
    return flat(" ".join(pdf_pages(plan_pdf([plan_sheet(code, plans, today=TODAY, **options)]))))


def test_the_plan_sheet_has_the_code_the_dates_and_the_adherence_never_the_name(store):
    text = sheet_text(store)
    assert "Your treatment plan" in text
    assert "C-0042" in text
    for day in (*VISITS, NEXT):
        assert day in text
    assert "3 of 3 visits due so far were on time (100%)." in text
    assert "✔ Made on time" in text
    assert "○ Coming up" in text
    assert "Zoë" not in text
    assert "No home routine was chosen with this plan." in text


def test_the_name_prints_only_when_asked(store):
    assert "Zoë Example" in sheet_text(store, client_name="Zoë Example")


def test_aftercare_and_what_to_expect_come_from_the_data(store):
    text = sheet_text(store)
    care = session_care()
    assert flat(care.next_visit.expect) in text
    assert flat(costs().clinic_session.gives) in text
    for item in care.aftercare.items:
        assert flat(item) in text
    assert flat(costs().home_device.gives) not in text  # no home routine chosen


def test_a_changed_data_file_changes_the_sheet(store, data_copy):
    care = data_copy / "session_care.yaml"
    text = care.read_text("utf-8").replace(
        "    The lift shows straight after a session", "    MARKER-8841 The lift shows", 1
    )
    care.write_text(text, "utf-8")
    assert "MARKER-8841" in sheet_text(store)


def test_a_home_routine_prints_as_its_phases_and_adds_the_device_care(store):
    choose_plan(store, "C-0042", "home-routine", TODAY - dt.timedelta(days=3))
    log_home_session(store, "C-0042", TODAY - dt.timedelta(days=3), minutes=10)
    text = sheet_text(store)
    assert "Your home sessions: Home device routine" in text
    assert "Five days a week, first 60 days: 43 sessions, 5 times a week" in text
    assert "82 sessions from Fri 20 Nov 2026" in text
    assert flat(costs().home_device.gives) in text
    for item in session_care().aftercare.home_device_items:
        assert flat(item) in text


def test_typed_strings_print_literally(store):
    text = sheet_text(store, client_name="#set page(width: 1cm) $x^2$ <b>")
    assert "#set page(width: 1cm) $x^2$ <b>" in text


def test_a_client_without_a_plan_has_no_sheet(store):
    with pytest.raises(ExportError, match="C-0043 follows no plan yet"):
        plan_sheet("C-0043", client_adherence(store, "C-0043", TODAY), today=TODAY)
    with pytest.raises(ExportError, match="is not a client code"):
        plan_sheet("Jane Doe", {}, today=TODAY)


@pytest.mark.parametrize(("paper", "width"), [("a4", 595), ("letter", 612)])
def test_paper(store, paper, width):
    plans = client_adherence(store, "C-0042", TODAY)
    pdf = plan_pdf([plan_sheet("C-0042", plans, today=TODAY)], paper=paper)
    assert round(float(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)) == width
    with pytest.raises(ExportError, match="paper"):
        plan_pdf([plan_sheet("C-0042", plans, today=TODAY)], paper="tabloid")


def test_the_comparison_prints_every_option_with_its_sources():
    page = comparison_sheet(12, start=dt.date(2027, 1, 4))
    text = flat(" ".join(pdf_pages(plan_pdf([page]))))
    assert "Clinic and home, side by side: 12 months" in text
    for option in ("Clinic only", "Home device only", "Clinic and home"):
        assert option in text
    assert "$4,600 to $11,500" in text
    assert "$350" in text
    assert "Starting course, then maintenance" in text  # which plan counts the sessions
    assert "Founding article ($200 to $500 a session" in text


def test_a_plan_sheet_and_a_comparison_in_one_document(store):
    plans = client_adherence(store, "C-0042", TODAY)
    pdf = plan_pdf([plan_sheet("C-0042", plans, today=TODAY), comparison_sheet(6)])
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    assert "Treatment plan · C-0042" in pages[0]
    assert "Clinic and home over 6 months" in pages[1]


def test_files_go_to_the_exports_folder_and_never_replace_one(store):
    first = save_plan_sheet(store, "C-0042", today=TODAY)
    second = save_plan_sheet(store, "C-0042", today=TODAY)
    assert first.parent == second.parent == store.file.parent / "exports"
    assert first != second
    assert first.name.startswith("C-0042_plan-sheet_")
    assert first.stat().st_mode & 0o777 == 0o600
    assert "C-0042" in " ".join(pdf_pages(first.read_bytes()))


def test_the_calendar_names_the_code_unless_a_name_is_asked_for(store):
    (path,) = save_calendars(store, "C-0042", today=TODAY)
    calendar = Calendar.from_ical(path.read_bytes())
    events = calendar.walk("VEVENT")
    assert events[0]["DTSTART"].dt == dt.date(2026, 12, 21)
    assert all("C-0042" in str(event["SUMMARY"]) for event in events)
    assert b"Zo" not in path.read_bytes()
    (named,) = save_calendars(store, "C-0042", today=TODAY, name="Zoë Example")
    assert "Zoë Example" in str(Calendar.from_ical(named.read_bytes()).walk("VEVENT")[0]["SUMMARY"])
    with pytest.raises(ExportError, match="follows no plan"):
        save_calendars(store, "C-0043", today=TODAY)


def test_no_file_about_a_client_lands_inside_the_project(store, tmp_path):
    with pytest.raises(ExportError, match="inside the project folder"):
        save_plan_sheet(store, "C-0042", today=TODAY, folder=ROOT / "exports")
    assert not (ROOT / "exports").exists()
    saved = save_comparison(3, folder=tmp_path / "printed")
    assert saved.parent == tmp_path / "printed"
    assert "over 3 months" in " ".join(pdf_pages(saved.read_bytes()))

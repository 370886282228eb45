"""The client page's treatment plan, driven in the kernel: choose a plan with the
controls, read the adherence, the calendar and the dates, log home sessions, save
the calendar and the take-home sheet."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from helpers import TODAY, pdf_pages, plotly_data, seed_plan_record
from protocol_tools import ClientPage, RecordStore
from protocol_tools.records.plans import current_plans, home_session_days
from protocol_tools.views.plan_charts import MADE_TRACE


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "records.db") as opened:
        seed_plan_record(opened)
        yield opened


@pytest.fixture
def page(store):
    return ClientPage(store, today=TODAY)


def clinic_view(page):
    (view,) = [box for box in page.plan.plans.children if "pt-plan-clinic" in box._dom_classes]
    heading, bars, _note, calendar, dates = view.children
    return heading, bars, calendar, dates


def test_every_control_has_a_visible_label(page):
    plan = page.plan
    for control in (plan.plan, plan.start, plan.home_day, plan.home_minutes):
        assert control.description
    for button in (plan.choose_button, plan.home_button, plan.ics_button, plan.sheet_button):
        assert button.description
        assert button.tooltip


def test_a_client_on_a_plan_sees_the_adherence_the_calendar_and_the_dates(page):
    page.open_client("C-0042")
    heading, bars, calendar, dates = clinic_view(page)
    assert "Clinic visits: Maintenance only, every 4 to 6 weeks" in heading.value
    assert "3 of 3 visits due so far were on time (100%)." in heading.value
    assert "10 visits, every 4 weeks" in heading.value
    chart = plotly_data(calendar)
    assert [trace["name"] for trace in chart["data"]] == ["Made on time", "Coming up", MADE_TRACE]
    assert chart["layout"]["shapes"][0]["x0"] == TODAY.isoformat()
    assert [trace["y"] for trace in plotly_data(bars)["data"]] == [
        ["✔ Made on time", "○ Coming up"]
    ]
    assert dates.value.count("✔ Made on time") == 3
    assert "Mon 21 Dec 2026" in dates.value
    assert "<details>" in dates.value
    assert page.plan.home_box.layout.display == "none"  # no home routine


def test_choosing_a_plan_with_the_controls_stores_it(page, store):
    page.open_client("C-0043")
    assert "C-0043 follows no plan yet" in page.plan.plans.children[0].value
    assert page.plan.ics_button.disabled
    assert page.plan.sheet_button.disabled
    labels = [label for label, _ in page.plan.plan.options]
    assert "Starting course, then maintenance (clinic visits)" in labels
    assert "Home device routine (home sessions)" in labels
    page.plan.plan.value = "starter-course"
    page.plan.start.value = TODAY
    page.plan.choose_button.click()
    assert current_plans(store, "C-0043")["C-0043"]["clinic"]["plan"] == "starter-course"
    assert "C-0043 follows Starting course, then maintenance" in page.plan.status.value
    heading, *_ = clinic_view(page)
    assert "No visit of this plan was due yet." in heading.value  # the last visit came before
    assert not page.plan.sheet_button.disabled


def test_a_start_too_far_ahead_is_a_message_and_nothing_is_stored(page, store):
    page.open_client("C-0043")
    page.plan.start.value = dt.date(9999, 1, 4)
    assert page.plan.choose() is None
    assert "check the year" in page.plan.status.value
    assert current_plans(store, "C-0043") == {}
    page.plan.start.value = None
    assert page.plan.choose() is None
    assert "choose the first day" in page.plan.status.value


def test_late_and_missed_visits_show_in_words_and_shapes(store, tmp_path):
    later = TODAY + dt.timedelta(weeks=10)  # the visit due on 21 December never came
    page = ClientPage(store, today=later)
    page.open_client("C-0042")
    heading, _bars, calendar, dates = clinic_view(page)
    assert "3 of 4 visits due so far were on time (75%)." in heading.value
    missed = next(t for t in plotly_data(calendar)["data"] if t["name"] == "Missed")
    assert missed["marker"]["symbol"] == "x-open"
    assert "✖ Missed" in missed["customdata"][0][0]
    assert "✖ Missed" in dates.value


def test_home_sessions_are_logged_and_counted(page, store):
    page.open_client("C-0042")
    page.plan.plan.value = "home-routine"
    page.plan.start.value = TODAY - dt.timedelta(days=2)
    page.plan.choose_button.click()
    assert page.plan.home_box.layout.display == "flex"
    assert len(page.plan.plans.children) == 2  # clinic and home, side by side in the page
    page.plan.home_day.value = TODAY - dt.timedelta(days=2)
    page.plan.home_minutes.value = 12
    page.plan.home_button.click()
    assert "a home session of 12 minutes" in page.plan.home_status.value
    assert home_session_days(store, "C-0042") == [TODAY - dt.timedelta(days=2)]
    home = page.plan.plans.children[1]
    assert "Home sessions: Home device routine" in home.children[0].value
    page.plan.home_day.value = dt.date.today() + dt.timedelta(days=3)
    assert page.plan.log_home() is False
    assert "has not happened yet" in page.plan.home_status.value


def test_the_calendar_and_the_sheet_go_to_the_exports_folder_with_the_code(page, store):
    page.open_client("C-0042")
    page.plan.ics_button.click()
    folder = store.file.parent / "exports"
    (ics,) = folder.glob("C-0042_maintenance_*.ics")
    assert str(folder) in page.plan.files_status.value
    assert b"Zo" not in ics.read_bytes()
    page.plan.sheet_button.click()
    (pdf,) = folder.glob("C-0042_plan-sheet_*.pdf")
    assert str(pdf) in page.plan.files_status.value
    text = " ".join(pdf_pages(pdf.read_bytes()))
    assert "C-0042" in text
    assert "Mon 21 Dec 2026" in text
    assert "Zoë" not in text


def test_a_name_reaches_the_files_only_while_the_page_shows_it(page, store):
    page.open_client("C-0042")
    page.show_name.value = True
    sheet = page.plan.save_sheet()
    (ics,) = page.plan.save_calendar()
    assert "Zoë Example" in " ".join(pdf_pages(sheet.read_bytes()))
    event = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]
    assert "Zoë Example" in str(event["SUMMARY"])


def test_another_client_or_erasure_leaves_nothing_of_the_plan_on_screen(page):
    page.open_client("C-0042")
    page.plan.ics_button.click()
    page.open_client("C-0043")
    assert page.plan.files_status.value == ""
    assert "C-0043 follows no plan yet" in page.plan.plans.children[0].value
    page.open_client("C-9999")
    assert page.plan.plans.children == ()
    assert page.plan.code is None

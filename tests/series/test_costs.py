"""Clinic only, home device only, both: sessions, time and cost follow the numbers in
``data/costs.yaml`` and the plans it names (an edited copy of the data shows it)."""

from __future__ import annotations

import datetime as dt

import pytest

from protocol_tools.core.errors import ReferenceDataError
from protocol_tools.reference.data import costs
from protocol_tools.series.costs import compare_costs, longest_comparison
from protocol_tools.series.schedule import PlanError

MONDAY = dt.date(2027, 1, 4)
OPTIONS = ["Clinic only", "Home device only", "Clinic and home"]


def by_option(months: int, start: dt.date = MONDAY) -> dict[str, dict]:
    return {row["option"]: row for row in compare_costs(months, start=start)}


def test_the_three_options_over_a_year_as_shipped():
    rows = by_option(12)
    assert list(rows) == OPTIONS
    # Starting course: 8 + 4 + 8 visits, then 3 more every 4 weeks before the year is out.
    assert rows["Clinic only"]["clinic_sessions"] == 23
    assert rows["Clinic only"]["home_sessions"] == 0
    assert rows["Home device only"]["clinic_sessions"] == 0
    # Maintenance every 28 days: days 0, 28, … 364 of a 365-day year.
    assert rows["Clinic and home"]["clinic_sessions"] == 14
    assert rows["Clinic and home"]["home_sessions"] == rows["Home device only"]["home_sessions"]


def test_costs_and_minutes_are_the_data_files_numbers_times_the_sessions():
    data = costs()
    clinic, home = data.clinic_session, data.home_device
    for row in compare_costs(12, start=MONDAY):
        device = home.price if row["home_sessions"] else 0
        visits, at_home = row["clinic_sessions"], row["home_sessions"]
        assert row["cost"] == {
            "min": visits * clinic.price.min + device,
            "max": visits * clinic.price.max + device,
        }
        assert row["minutes"] == {
            "min": visits * clinic.minutes.min + at_home * home.minutes.min,
            "max": visits * clinic.minutes.max + at_home * home.minutes.max,
        }
        assert row["currency"] == data.currency
        assert row["months"] == 12
    rows = by_option(12)
    assert rows["Clinic only"]["cost"] == {"min": 4600, "max": 11500}
    assert rows["Home device only"]["cost"] == {"min": 350, "max": 350}


def test_what_each_gives_and_the_sources_come_from_the_data():
    data = costs()
    rows = by_option(6)
    assert rows["Clinic only"]["gives"] == data.clinic_session.gives
    assert rows["Home device only"]["gives"] == data.home_device.gives
    assert data.clinic_session.gives in rows["Clinic and home"]["gives"]
    assert data.home_device.gives in rows["Clinic and home"]["gives"]
    assert data.clinic_session.source in rows["Clinic only"]["sources"]
    assert data.home_device.source not in rows["Clinic only"]["sources"]
    assert data.home_device.minutes_source in rows["Clinic and home"]["sources"]


def test_a_month_of_the_home_routine_counts_its_days():
    # Five days a week from a Monday: Mon, Tue, Thu, Fri, Sun; 31 days hold 4 weeks + 3 days.
    assert by_option(1)["Home device only"]["home_sessions"] == 22


def test_upkeep_goes_on_past_the_plans_last_date():
    # Maintenance lists 10 visits; over two years every 28 days gives 27.
    assert by_option(24)["Clinic and home"]["clinic_sessions"] == 27


def test_an_edited_price_list_is_what_the_comparison_uses(data_copy):
    path = data_copy / "costs.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("price: {min: 200, max: 500}", "price: {min: 120, max: 180}")
    text = text.replace("  price: 350\n", "  price: 499\n")
    text = text.replace("currency: USD", "currency: EUR")
    text = text.replace("  clinic_plan: starter-course\n", "  clinic_plan: maintenance\n")
    path.write_text(text, encoding="utf-8")
    rows = by_option(12)
    assert rows["Clinic only"]["clinic_sessions"] == 14  # maintenance now
    assert rows["Clinic only"]["cost"] == {"min": 14 * 120, "max": 14 * 180}
    assert rows["Home device only"]["cost"] == {"min": 499, "max": 499}
    assert rows["Clinic and home"]["cost"] == {"min": 14 * 120 + 499, "max": 14 * 180 + 499}
    assert {row["currency"] for row in rows.values()} == {"EUR"}


def test_a_comparison_naming_a_plan_the_plans_file_lacks_is_refused(data_copy):
    path = data_copy / "costs.yaml"
    path.write_text(
        path.read_text().replace("home_plan: home-routine\n", "home_plan: nightly\n", 1)
    )
    with pytest.raises(PlanError, match="'nightly'"):
        compare_costs(12, start=MONDAY)


def test_a_broken_price_names_file_line_and_field(data_copy):
    path = data_copy / "costs.yaml"
    path.write_text(path.read_text().replace("  price: 350\n", "  price: -350\n"))
    with pytest.raises(ReferenceDataError, match=r"costs\.yaml:\d+:\d+ home_device\.price"):
        compare_costs(12, start=MONDAY)


@pytest.mark.parametrize("months", [0, -1, 121, 10_000, True, 1.5, "12"])
def test_a_period_outside_the_bound_is_refused(months):
    with pytest.raises(PlanError, match="from 1 to 120"):
        compare_costs(months, start=MONDAY)


def test_the_longest_period_follows_the_plans_bound_in_the_data(data_copy):
    assert len(compare_costs(longest_comparison(), start=MONDAY)) == 3
    path = data_copy / "plans.yaml"
    path.write_text(path.read_text().replace("max_plan_years: 10", "max_plan_years: 2"))
    assert longest_comparison() == 24
    with pytest.raises(PlanError, match="from 1 to 24"):
        compare_costs(25, start=MONDAY)


def test_a_start_near_the_calendars_end_is_a_clear_error():
    with pytest.raises(PlanError, match="past the last date"):
        compare_costs(12, start=dt.date(9999, 6, 1))

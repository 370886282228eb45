"""The plan charts: every status its own marker shape and words, never colour alone;
strings escaped; today marked; the cost chart's bars labelled."""

from __future__ import annotations

import datetime as dt

from protocol_tools.series.adherence import adherence_summary, slot_rows
from protocol_tools.series.costs import compare_costs
from protocol_tools.series.schedule import plan_slots
from protocol_tools.views.plan_charts import (
    MADE_TRACE,
    STATUS_SYMBOLS,
    adherence_figure,
    cost_figure,
    plan_calendar_figure,
)

TODAY = dt.date(2027, 5, 1)
# The maintenance plan from 4 January: visits on time, early and late, then none, so
# by 1 May it has every status (one missed, one due, the rest coming up).
MADE = [dt.date(2027, 1, 4), dt.date(2027, 1, 15), dt.date(2027, 3, 1)]


def plan(plan_id: str = "maintenance", made=MADE) -> dict:
    slots = plan_slots(plan_id, dt.date(2027, 1, 4), made=made, today=TODAY)
    return {
        "plan": plan_id,
        "name": "Weekly <b>then</b> monthly",
        "start": "2027-01-04",
        "slots": slot_rows(slots),
        "summary": adherence_summary(slots, TODAY),
    }


def test_each_status_has_its_own_shape_hollow_where_planned_and_filled_where_made():
    shown = plan()
    figure = plan_calendar_figure(shown, TODAY)
    planned = [
        trace for trace in figure.data if trace.name != MADE_TRACE and trace.mode == "markers"
    ]
    names = [trace.name for trace in planned]
    assert names == ["Made early", "Made on time", "Made late", "Missed", "Due now", "Coming up"]
    symbols = [trace.marker.symbol for trace in planned]
    assert all(symbol.endswith("-open") for symbol in symbols)
    assert len(set(symbols)) == len(symbols)
    (made,) = [trace for trace in figure.data if trace.name == MADE_TRACE]
    assert list(made.x) == [day.isoformat() for day in MADE]
    assert list(made.marker.symbol) == [STATUS_SYMBOLS[s] for s in ("on time", "early", "late")]
    assert len(set(STATUS_SYMBOLS.values())) == len(STATUS_SYMBOLS)


def test_the_hover_says_the_status_in_words_and_names_are_escaped():
    figure = plan_calendar_figure(plan(), TODAY)
    missed = next(trace for trace in figure.data if trace.name == "Missed")
    assert "✖ Missed" in missed.customdata[0][0]
    assert "Planned 2027-" in missed.customdata[0][0]
    assert "&lt;b&gt;then&lt;/b&gt;" in figure.layout.title.text
    assert "%{customdata[0]}" in missed.hovertemplate


def test_a_visit_made_on_another_day_is_joined_to_its_planned_date():
    figure = plan_calendar_figure(plan(), TODAY)
    moved = next(trace for trace in figure.data if trace.mode == "lines")
    assert list(moved.x) == ["2027-02-01", "2027-01-15", None, "2027-02-12", "2027-03-01", None]


def test_today_is_marked_in_words_and_with_a_line():
    figure = plan_calendar_figure(plan(made=[]), TODAY)
    assert [shape.x0 for shape in figure.layout.shapes] == ["2027-05-01"]
    assert figure.layout.annotations[-1].text == "Today, 2027-05-01"
    assert MADE_TRACE not in [trace.name for trace in figure.data]  # nothing made yet


def test_the_phases_run_down_in_the_plans_order():
    figure = plan_calendar_figure(plan("weekly-then-monthly"), TODAY)
    assert list(figure.layout.yaxis.categoryarray) == ["Monthly maintenance", "Weekly"]


def test_the_adherence_bars_carry_their_words_and_counts():
    summary = plan()["summary"]
    figure = adherence_figure(summary)
    (bars,) = figure.data
    assert list(bars.y) == [
        "✔ Made early",
        "✔ Made on time",
        "⚠ Made late",
        "✖ Missed",
        "➜ Due now",
        "○ Coming up",
    ]
    assert list(bars.text) == ["1", "1", "1", "1", "1", "5"]
    assert "✖ Missed: 1" in figure.layout.title.text


def test_the_cost_chart_shows_cost_and_sessions_with_numbers_and_hatches():
    figure = cost_figure(compare_costs(12, start=dt.date(2027, 1, 4)))
    names = [trace.name for trace in figure.data]
    assert names == ["Lowest cost", "Highest cost", "Clinic sessions", "Home sessions"]
    assert list(figure.data[0].text) == ["$4,600", "$350", "$3,150"]
    assert list(figure.data[3].text) == ["0", "153", "153"]
    assert len({trace.marker.pattern.shape for trace in figure.data[:2]}) == 2
    assert list(figure.data[0].x) == ["Clinic only", "Home device only", "Clinic and home"]

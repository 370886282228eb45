"""The front desk's views in the kernel: the week's list (overdue first, words and
symbols, settings read for the rows on screen only) and clinic against home."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import ROOT
from helpers import TODAY, plotly_data, seed_plan_record, seed_record
from protocol_tools import CostComparison, DueBoard, RecordStore, cost_comparison, due_board
from protocol_tools.series import widgets as board_module
from protocol_tools.series.costs import longest_comparison

WEEK = dt.date(2026, 12, 21)  # C-0042's next plan date; C-0043 overdue by then


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "records.db") as opened:
        yield opened


def cells(board: DueBoard) -> list[list[str]]:
    """The table's rows as text, cell by cell."""
    import re

    rows = re.findall(r"<tr>(.*?)</tr>", board.table.value)[1:]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]


def test_overdue_comes_first_with_words_symbols_and_the_last_settings(store):
    seed_plan_record(store)
    board = DueBoard(store, today=WEEK)
    rows = cells(board)
    assert [row[:2] for row in rows] == [["⚠ Overdue", "C-0043"], ["➜ Due this week", "C-0042"]]
    assert rows[0][4] == "No plan: the usual 4 to 6 weeks"
    assert rows[1][4] == "Maintenance only, every 4 to 6 weeks"
    assert rows[1][5] == "2026-11-23"
    assert rows[1][6] == "express-10 (version 1.0.0), on Mon 23 Nov 2026"
    assert "Under-eyes R: 130 µA (Comfortable)" in rows[1][7]
    assert "⚠ Overdue: <strong>1</strong>" in board.summary.value
    assert board.place.value == "<p>Rows 1–2 of 2</p>"
    assert "pt-due" in board.table.value


def test_the_week_and_the_later_clients_change_the_list(store):
    seed_plan_record(store)
    board = DueBoard(store, today=TODAY)
    assert [row[:2] for row in cells(board)] == [["➜ Due this week", "C-0043"]]
    assert "○ Coming up: <strong>1</strong>" in board.summary.value
    board.later.value = True
    assert [row[:2] for row in cells(board)] == [
        ["➜ Due this week", "C-0043"],
        ["○ Coming up", "C-0042"],
    ]
    board.week.value = WEEK
    assert [row[0] for row in cells(board)] == ["⚠ Overdue", "➜ Due this week"]
    board.week.value = dt.date(2026, 8, 3)  # before anyone was due
    board.later.value = False
    assert cells(board) == []
    assert "Nobody is due or overdue in this week." in board.table.value
    board.week.value = None
    assert "Choose the week" in board.summary.value


def test_settings_are_read_only_for_the_rows_on_screen(store, monkeypatch):
    for number in range(45):
        seed_record(store, f"C-{number:04d}", visits=1, practice=False, sheets=0)
    reads = []
    real = board_module.client_record
    monkeypatch.setattr(
        board_module, "client_record", lambda s, code: reads.append(code) or real(s, code)
    )
    board = DueBoard(store, today=WEEK)
    assert len(cells(board)) == board_module.PAGE_ROWS == len(reads)
    assert board.place.value == "<p>Rows 1–20 of 45</p>"
    assert board.previous_button.disabled
    assert not board.next_button.disabled
    board.next_button.click()
    board.next_button.click()
    assert board.place.value == "<p>Rows 41–45 of 45</p>"
    assert board.next_button.disabled
    assert len(reads) == 45
    board.turn(5)  # past the end stays on the last page
    assert board.place.value == "<p>Rows 41–45 of 45</p>"
    board.previous_button.click()
    assert board.place.value == "<p>Rows 21–40 of 45</p>"


def test_the_default_record_is_the_one_the_environment_names(tmp_path, monkeypatch):
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(tmp_path / "front.db"))
    board = due_board()
    try:
        assert board.store.file == tmp_path / "front.db"
        assert "Nobody is due" in board.table.value
    finally:
        board.close()


def test_a_record_that_cannot_be_opened_is_a_message(monkeypatch):
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", "nosuchdriver://somewhere/records")
    board = due_board()
    assert "The record cannot be opened" in board.summary.value
    assert board.week.disabled
    assert board.refresh_button.disabled


def test_the_comparison_follows_the_months(tmp_path):
    view = cost_comparison(folder=tmp_path)
    assert view.months.description == "Months to compare"
    assert view.months.max == longest_comparison()
    chart = plotly_data(view.chart)
    assert [trace["name"] for trace in chart["data"]] == [
        "Lowest cost",
        "Highest cost",
        "Clinic sessions",
        "Home sessions",
    ]
    assert "$4,600 to $11,500" in view.table.value
    assert "A stronger lift" in view.table.value
    assert "Founding article" in view.table.value
    assert "Clinic only follows “Starting course, then maintenance”" in view.table.value
    year = chart["data"][2]["y"]
    view.months.value = 24
    assert "Over 24 months" in view.table.value
    assert plotly_data(view.chart)["data"][2]["y"][0] > year[0]


def test_printing_the_comparison_writes_a_pdf_and_says_where(tmp_path):
    view = CostComparison(6, folder=tmp_path / "printed")
    saved = view.print()
    assert saved is not None
    assert saved.parent == tmp_path / "printed"
    assert str(saved) in view.status.value
    inside = CostComparison(6, folder=ROOT / "printed-here")
    assert inside.print() is None
    assert "inside the project folder" in inside.status.value
    assert not (ROOT / "printed-here").exists()


def test_the_comparison_prints_to_the_sheets_folder_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("PROTOCOL_TOOLS_SHEETS", str(tmp_path / "sheets"))
    saved = cost_comparison(3).print()
    assert saved is not None
    assert saved.parent == tmp_path / "sheets"

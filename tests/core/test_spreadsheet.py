"""The one CSV writer: no cell can run as a formula, no value can start a row."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol_tools.core.spreadsheet import FORMULA_STARTS, csv_text, frame_csv_text, safe_cell

LINE_BREAKS = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_a_formula_start_is_kept_as_text(start: str):
    assert safe_cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


def test_a_leading_carriage_return_is_a_space_not_a_new_row():
    assert safe_cell("\r=cmd|' /C calc'!A0") == "' =cmd|' /C calc'!A0"
    assert safe_cell("  @SUM(1)") == "'  @SUM(1)"


def test_numpy_numbers_stay_numbers():
    assert safe_cell(np.int64(-3)) == -3
    assert safe_cell(np.float64("nan")) == ""


@pytest.mark.parametrize("brk", LINE_BREAKS)
def test_a_line_break_inside_a_value_never_starts_a_row(brk: str):
    text = csv_text(["reason", "step"], [[f"client felt a zap{brk}=cmd|'/C calc'!A0", 3]])
    lines = text.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("client felt a zap")
    assert not any(line.startswith(FORMULA_STARTS) for line in lines)


def test_numbers_stay_numbers_and_missing_values_are_empty():
    text = csv_text(["a", "b", "c", "d"], [[-30, 2.5, None, float("nan")]])
    assert text.splitlines()[1] == "-30,2.5,,"


def test_a_frame_with_its_index():
    frame = pd.DataFrame({"direction": ["=HYPERLINK(\"http://x\")", "up"]}, index=[1, 2])
    frame.index.name = "step"
    rows = list(csv.reader(io.StringIO(frame_csv_text(frame, index=True))))
    assert rows == [["step", "direction"], ["1", "'=HYPERLINK(\"http://x\")"], ["2", "up"]]


@given(st.lists(st.lists(st.one_of(st.text(), st.integers(), st.none()), min_size=2, max_size=2)))
def test_any_cells_read_back_as_one_row_each_and_none_runs(rows):
    text = csv_text(["first", "second"], rows)
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert len(parsed) == len(rows) + 1
    for row in parsed:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS) or cell.lstrip("-").isdigit()
    # A naive reader that splits on line ends sees the same rows.
    assert len(text.split("\n")) == len(rows) + 2


def test_bidi_controls_do_not_reach_a_log():
    assert safe_cell("zap\u202e=1+1") == "zap=1+1"
    assert safe_cell("\u202e=1+1") == "'=1+1"

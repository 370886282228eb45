"""Reading an appointments CSV: a bad row is that row's problem, a bad file an error."""

from __future__ import annotations

import csv
import os
import shutil

import pytest

from conftest import PROTOCOLS
from helpers import (
    CLIENTS,
    write_day,
)
from protocol_tools import (
    AppointmentsError,
    make_day_sheets,
)
from protocol_tools.cli import main


def test_a_name_in_the_client_column_is_a_bad_row_and_never_a_file_name(tmp_path):
    day = write_day(
        tmp_path,
        [
            "2026-11-23,09:00,Anna Smith,express-10,",  # row 2: a name
            "2026-11-23,09:30,AnnaSmith,express-10,",  # row 3: a name without a space
            "2026-11-23,10:00,C_0142,express-10,",  # row 4: '_' is not in a code
            "2026-11-23,10:30,C-0042,express-10,",
        ],
    )
    result = make_day_sheets(day, tmp_path / "out", library=PROTOCOLS)
    assert [p.row for p in result.problems] == [2, 3, 4]
    assert all("like C-0042" in str(p) for p in result.problems)
    assert [p.name for p in result.sheets] == ["2026-11-23_1030_C-0042_express-10.pdf"]
    assert not any("Anna" in p.name for p in (tmp_path / "out").iterdir())


def test_one_unreadable_row_does_not_hide_the_rows_after_it(tmp_path):
    good = [f"2026-11-23,1{n}:00,C-000{n},express-10," for n in range(5)]
    path = tmp_path / "day.csv"
    path.write_text(
        "date,time,client,protocol,intake\n"
        + good[0]
        + "\n"
        + "2026-11-23,09:00,C-0001,"
        + "x" * 140_000
        + ",\n"  # row 3: a 140 kB cell
        + "\n".join(good[1:])
        + "\n",
        "utf-8",
    )
    result = make_day_sheets(path, tmp_path / "out", library=PROTOCOLS)
    assert [p.row for p in result.problems] == [3]
    assert "cannot be read as CSV" in str(result.problems[0])
    assert len(result.sheets) == 5
    assert csv.field_size_limit() == 131_072  # the process-wide limit is put back


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("when,who\n2026-01-01,C-1\n", "missing columns date, time, client, protocol"),
        ("", "empty"),
        (b"date,time\n\xff\xfe bad", "UTF-8"),
    ],
)
def test_an_unusable_appointments_file(tmp_path, content, message):
    path = tmp_path / "day.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(AppointmentsError, match=message):
        make_day_sheets(path, tmp_path / "out")


def test_a_huge_appointments_file_is_refused(tmp_path):
    path = tmp_path / "day.csv"
    path.write_text("date,time,client,protocol\n" + "2026-01-01,09:00,C-1,x\n" * 600, "utf-8")
    with pytest.raises(AppointmentsError, match="more than 500"):
        make_day_sheets(path, tmp_path / "out")


@pytest.mark.timeout(20)
def test_a_pipe_as_the_appointments_file_is_refused_at_once(tmp_path, capsys):
    pipe = tmp_path / "day.csv"
    os.mkfifo(pipe)
    with pytest.raises(AppointmentsError, match="not a file saved on disk"):
        make_day_sheets(pipe, tmp_path / "out")
    assert main(["sheets", str(pipe), "-o", str(tmp_path / "out")]) == 1
    assert "not a file saved on disk" in capsys.readouterr().err
    with pytest.raises(AppointmentsError, match="not a file saved on disk"):
        make_day_sheets("/dev/null", tmp_path / "out")


@pytest.mark.parametrize("confined", [False, True])
def test_a_control_character_in_a_file_cell_is_that_rows_problem(tmp_path, confined):
    shutil.copy(CLIENTS / "c01_all_clear.yaml", tmp_path)
    day = write_day(
        tmp_path,
        [
            "2026-11-23,09:00,C-0001,express\x00-10,",  # row 2: a NUL in the protocol
            "2026-11-23,10:00,C-1001,express-10,c01\x00_all_clear.yaml",  # row 3: in the intake
            "2026-11-23,11:00,C-1001,express-10,c01_all_clear.yaml",
        ],
    )
    confine = {"confine_paths": True} if confined else {}
    result = make_day_sheets(day, tmp_path / "out", library=PROTOCOLS, **confine)
    assert [str(p) for p in result.problems] == [
        "row 2: protocol holds a control character; write the file's name only",
        "row 3: intake holds a control character; write the file's name only",
    ]
    assert [p.name for p in result.sheets] == ["2026-11-23_1100_C-1001_express-10.pdf"]

"""A day's sheets: one PDF a row plus the day; the files a row names, kept in their place."""

from __future__ import annotations

import io
import os
import re
import shutil

import pypdf
import pytest

from conftest import PROTOCOLS
from helpers import (
    CLIENTS,
    SIGNATURE,
    pdf_pages,
    pdftotext,
    write_day,
)
from protocol_tools import (
    load_library,
    make_day_sheets,
    session_sheet,
    sheet_to_pdf,
)
from protocol_tools.cli import main
from protocol_tools.screening.engine import screen
from protocol_tools.screening.rules import practice_clients


def test_a_day_with_bad_rows(tmp_path):
    clients = practice_clients()
    day = write_day(
        tmp_path,
        [
            f"2026-11-23,14:30,C-1016,signature-lift-15,{clients['c16_heart_and_sensitive']}",
            f"2026-11-23,09:00,C-1001,express-10,{clients['c01_all_clear']}",
            "2026-11-23,10:00,C-0005,no-such-protocol,",  # row 4
            "2026-11-23,11:00,C-0006,express-10,missing/intake.yaml",  # row 5
            "2026-11-31,12:00,C-0007,express-10,",  # row 6
            "2026-11-23,08:15,C-0008,home-maintenance,",
        ],
    )
    out = tmp_path / "out"
    result = make_day_sheets(day, out, library=PROTOCOLS)
    assert [p.row for p in result.problems] == [4, 5, 6]
    assert "no-such-protocol" in str(result.problems[0])
    assert "intake" in str(result.problems[1])
    assert "not found" in str(result.problems[1])
    assert "2026-11-31" in str(result.problems[2])
    assert [p.name for p in result.sheets] == [
        "2026-11-23_0815_C-0008_home-maintenance.pdf",
        "2026-11-23_0900_C-1001_express-10.pdf",
        "2026-11-23_1430_C-1016_signature-lift-15.pdf",
    ]
    (combined,) = result.combined
    pages = pdf_pages(combined.read_bytes())
    firsts = [re.search(r"Client code (C-\d+)", page)[1] for page in pages if "Client code" in page]
    assert firsts == ["C-0008", "C-1001", "C-1016"]  # time order, not file order
    # each sheet restarts its page numbers inside the day's PDF
    assert sum("page 1 of" in page for page in pages) == 3


def test_a_date_past_the_calendar_is_a_bad_row_not_a_crash(tmp_path, capsys):
    day = write_day(
        tmp_path,
        ["9999-12-30,09:00,C-0001,express-10,", "2026-11-23,10:00,C-0002,express-10,"],
    )
    result = make_day_sheets(day, tmp_path / "out", library=PROTOCOLS)
    assert [p.row for p in result.problems] == [2]
    assert "next visit" in str(result.problems[0])
    assert "9999-12-31" in str(result.problems[0])
    assert len(result.sheets) == 1
    target = tmp_path / "late.pdf"
    assert main(["sheet", str(SIGNATURE), "--date", "9999-12-31", "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "next visit" in err
    assert "Traceback" not in err
    assert not target.exists()


def test_an_intake_for_another_client_is_a_bad_row(tmp_path):
    intake = practice_clients()["c01_all_clear"]
    day = write_day(tmp_path, [f"2026-11-23,09:00,C-9999,express-10,{intake}"])
    result = make_day_sheets(day, tmp_path / "out", library=PROTOCOLS)
    assert [p.row for p in result.problems] == [2]
    # The row's own code only: which client the intake is for is the intake's to tell.
    assert "the intake 'c01_all_clear.yaml' is for another client, not C-9999" in str(
        result.problems[0]
    )
    assert "C-1001" not in str(result.problems[0])
    assert result.sheets == []


def test_a_day_made_again_keeps_the_first_runs_pdfs(tmp_path):
    day = write_day(
        tmp_path,
        ["2026-11-23,09:00,C-0001,express-10,", "2026-11-23,10:00,C-0002,signature-lift-15,"],
    )
    out = tmp_path / "out"
    first = make_day_sheets(day, out, library=PROTOCOLS)
    before = {path: path.read_bytes() for path in first.sheets + first.combined}
    assert first.kept == []
    second = make_day_sheets(day, out, library=PROTOCOLS)
    assert {path: path.read_bytes() for path in before} == before
    assert sorted(second.kept) == sorted(before)
    assert [p.name for p in second.sheets] == [
        "2026-11-23_0900_C-0001_express-10-2.pdf",
        "2026-11-23_1000_C-0002_signature-lift-15-2.pdf",
    ]
    assert [p.name for p in second.combined] == ["2026-11-23_all-sheets-2.pdf"]
    assert len(list(out.iterdir())) == 6


def test_day_rows_naming_a_draft_or_a_protocol_with_errors_are_row_problems(
    tmp_path, library_with_drafts
):
    day = write_day(
        tmp_path,
        [
            "2026-11-23,09:00,C-0001,express-draft,",  # row 2
            "2026-11-23,10:00,C-0002,too-strong,",  # row 3
            f"2026-11-23,11:00,C-0003,{library_with_drafts / 'too-strong.yaml'},",  # row 4
            "2026-11-23,12:00,C-0004,express-10,",
        ],
    )
    result = make_day_sheets(day, tmp_path / "out", library=library_with_drafts)
    assert [p.row for p in result.problems] == [2, 3, 4]
    draft, strong, by_path = (str(p) for p in result.problems)
    assert "'express-draft' is a draft and cannot be printed on a session sheet" in draft
    assert "'too-strong' has 5 error(s) and cannot be printed on a session sheet" in strong
    assert "error(s) and cannot be printed" in by_path
    assert all("5000" not in str(p) for p in result.problems)  # the file is not quoted
    assert [p.name for p in result.sheets] == ["2026-11-23_1200_C-0004_express-10.pdf"]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("confined", [False, True])
def test_a_row_naming_a_pipe_is_that_rows_problem(tmp_path, confined):
    library = tmp_path / "library"
    library.mkdir()
    shutil.copy(PROTOCOLS / "express-10.yaml", library)
    os.mkfifo(library / "piped.yaml")
    os.mkfifo(tmp_path / "intake.yaml")
    shutil.copy(CLIENTS / "c01_all_clear.yaml", tmp_path)
    protocol_pipe = "piped.yaml" if confined else str(library / "piped.yaml")
    day = write_day(
        tmp_path,
        [
            f"2026-11-23,09:00,C-0001,{protocol_pipe},",  # row 2
            "2026-11-23,10:00,C-0002,express-10,intake.yaml",  # row 3
            "2026-11-23,11:00,C-1001,express-10,c01_all_clear.yaml",
        ],
    )
    confine = {"confine_paths": True} if confined else {}  # the command line's default
    result = make_day_sheets(day, tmp_path / "out", library=library, **confine)
    assert [p.row for p in result.problems] == [2, 3]
    assert all("not a file saved on disk" in str(p) for p in result.problems)
    assert [p.name for p in result.sheets] == ["2026-11-23_1100_C-1001_express-10.pdf"]


def test_a_protocol_id_too_long_for_a_file_name_is_that_rows_problem(tmp_path, capsys):
    day = write_day(
        tmp_path,
        [
            f"2026-11-23,09:00,C-0001,{'a' * 300},",  # row 2
            f"2026-11-23,09:30,C-0002,{'b' * 300}.yaml,",  # row 3: as a file
            "2026-11-23,10:00,C-0003,express-10,",
        ],
    )
    out = tmp_path / "out"
    assert main(["sheets", str(day), "-o", str(out), "--library", str(PROTOCOLS)]) == 1
    captured = capsys.readouterr()
    assert "row 2: protocol 'aaaa" in captured.err
    assert "row 3: protocol file 'bbbb" in captured.err
    assert "File name too long" in captured.err
    assert "1 sheet written, 2 rows skipped" in captured.out
    assert sorted(p.name for p in out.iterdir()) == [
        "2026-11-23_1000_C-0003_express-10.pdf",
        "2026-11-23_all-sheets.pdf",
    ]


def test_the_days_pdf_joins_the_sheets_into_what_laying_them_out_at_once_gave(tmp_path):
    clients = practice_clients()
    rows = [
        f"2026-11-23,09:00,C-1016,signature-lift-15,{clients['c16_heart_and_sensitive']}",
        "2026-11-23,08:15,C-0008,home-maintenance,",  # + the screening questions page
        f"2026-11-23,10:00,C-1001,express-10,{clients['c01_all_clear']}",
        "2026-11-23,11:00,C-0009,no-such-protocol,",  # a bad row: not in the day
        "2026-11-23,12:00,C-0010,full-lift-20,",
    ]
    day = write_day(tmp_path, rows)
    seen: list[tuple[int, int]] = []
    result = make_day_sheets(
        day, tmp_path / "out", library=PROTOCOLS, clinic="Lumen", progress=lambda *n: seen.append(n)
    )
    assert seen == [(done, 5) for done in range(1, 6)]  # every row, the bad one too
    assert [p.row for p in result.problems] == [5]
    library = load_library(PROTOCOLS)
    sheets = [
        session_sheet(
            library[protocol],
            screening=screen(clients[intake]) if intake else None,
            date="2026-11-23",
            client=client,
            clinic="Lumen",
        )
        for client, protocol, intake in [
            ("C-0008", "home-maintenance", None),
            ("C-1016", "signature-lift-15", "c16_heart_and_sensitive"),
            ("C-1001", "express-10", "c01_all_clear"),
            ("C-0010", "full-lift-20", None),
        ]
    ]
    (combined,) = result.combined
    joined = combined.read_bytes()
    at_once = sheet_to_pdf(sheets)  # how the day's PDF was made before: laid out again
    assert pdf_pages(joined) == pdf_pages(at_once)
    assert pdftotext(joined) == pdftotext(at_once)
    assert pdf_pages(joined) == [
        page for path in result.sheets for page in pdf_pages(path.read_bytes())
    ]
    old, new = (pypdf.PdfReader(io.BytesIO(pdf)) for pdf in (at_once, joined))
    assert new.metadata.title == old.metadata.title == "Session sheets, 4 clients, 2026-11-23"
    assert new.metadata.author == old.metadata.author == "Lumen"
    assert [page.mediabox for page in new.pages] == [page.mediabox for page in old.pages]
    assert new.page_labels == old.page_labels
    assert new.outline == old.outline
    for key in ("/Lang", "/ViewerPreferences"):
        assert new.trailer["/Root"][key] == old.trailer["/Root"][key]

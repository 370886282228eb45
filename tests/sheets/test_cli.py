"""The `sheet` and `sheets` commands."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from conftest import DATA, PROTOCOLS, intake_answers
from helpers import (
    CLIENTS,
    PRIVATE_VALUE,
    PRIVATE_YAML,
    SEED_NOTE,
    SEED_PRACTICE_UA,
    SIGNATURE,
    flat,
    pdf_pages,
    pdftotext,
    seed_record,
    write_day,
)
from protocol_tools import (
    ExportError,
    load_protocol,
    session_sheet,
)
from protocol_tools.cli import main
from protocol_tools.records.history import client_list, client_record
from protocol_tools.records.store import RecordStore
from protocol_tools.screening.engine import screen
from protocol_tools.sheets.data import DRAFT_MARK


def test_sheet_command(tmp_path, capsys):
    target = tmp_path / "C-1002.pdf"
    status = main(
        [
            "sheet",
            str(SIGNATURE),
            "--intake",
            str(CLIENTS / "c02_sensitive_skin.yaml"),
            "--paper",
            "letter",
            "--client-name",
            "#set page(width: 1cm)",
            "--clinic",
            "Lumen",
            "-o",
            str(target),
        ]
    )
    assert status == 0
    assert f"wrote {target}" in capsys.readouterr().out
    text = pdf_pages(target.read_bytes())[0]
    assert "C-1002" in text
    assert "#set page(width: 1cm)" in text
    assert "Lumen" in text


def test_sheet_command_errors(tmp_path, capsys):
    assert (
        main(
            [
                "sheet",
                "no-such-protocol",
                "--library",
                str(PROTOCOLS),
                "-o",
                str(tmp_path / "x.pdf"),
            ]
        )
        == 1
    )
    assert "no-such-protocol" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["sheet", str(SIGNATURE), "--date", "31/12/2026", "-o", str(tmp_path / "x.pdf")])
    assert usage.value.code == 2
    assert "--date" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("client", "message"), [("Jane Doe", "like C-0042"), ("C-0042", "is for client C-1004")]
)
def test_the_sheet_command_refuses_a_name_or_another_clients_code(
    tmp_path, capsys, client, message
):
    target = tmp_path / "x.pdf"
    status = main(
        [
            "sheet",
            "express-10",
            "--library",
            str(PROTOCOLS),
            "--client",
            client,
            "--intake",
            str(CLIENTS / "c04_pregnant.yaml"),
            "-o",
            str(target),
        ]
    )
    assert status == 1
    assert message in capsys.readouterr().err
    assert not target.exists()
    with pytest.raises(ExportError, match="like C-0042"):
        session_sheet(load_protocol(SIGNATURE), client="Jane Doe")


def test_the_sample_day_runs_from_the_command_line(tmp_path, capsys):
    status = main(["sheets", str(DATA / "sample_appointments.csv"), "-o", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    assert "6 sheets written, 0 rows skipped" in out
    assert len(list(tmp_path.glob("*.pdf"))) == 7


def test_the_sheet_command_refuses_an_existing_file_unless_forced(tmp_path, capsys):
    target = tmp_path / "C-0042.pdf"
    target.write_bytes(b"%PDF-previous")
    command = ["sheet", "express-10", "--library", str(PROTOCOLS), "--client", "C-0042"]
    assert main([*command, "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert f"{target} already exists" in err
    assert "--force" in err
    assert "Traceback" not in err
    assert target.read_bytes() == b"%PDF-previous"
    assert main([*command, "-o", str(target), "--force"]) == 0
    assert "C-0042" in pdf_pages(target.read_bytes())[0]


def test_the_sheets_command_refuses_an_earlier_run_unless_forced(tmp_path, capsys):
    out = tmp_path / "out"
    sample = str(DATA / "sample_appointments.csv")
    assert main(["sheets", sample, "-o", str(out)]) == 0
    before = {path: path.read_bytes() for path in out.iterdir()}
    capsys.readouterr()
    assert main(["sheets", sample, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "already holds 7 of the files this day would write" in err
    assert "--force" in err
    assert {path: path.read_bytes() for path in out.iterdir()} == before  # nothing written
    assert main(["sheets", sample, "-o", str(out), "--force"]) == 0
    assert sorted(out.iterdir()) == sorted(before)  # replaced, no -2 files


def test_the_sheet_command_refuses_a_protocol_with_errors_unless_draft(
    tmp_path, capsys, library_with_drafts
):
    target = tmp_path / "x.pdf"
    command = ["sheet", str(library_with_drafts / "too-strong.yaml"), "--client", "C-0042"]
    assert main([*command, "-o", str(target)]) == 1
    err = capsys.readouterr().err
    assert "cannot be printed on a session sheet" in err
    assert "defaults.current_uA: 5000 µA is not microcurrent" in err  # the findings listed
    assert "--draft" in err
    assert not target.exists()
    assert main([*command, "--draft", "-o", str(target)]) == 0
    assert DRAFT_MARK in capsys.readouterr().out
    pages = pdf_pages(target.read_bytes())
    assert all(DRAFT_MARK in page for page in pages)


@pytest.mark.timeout(20)
def test_the_sheet_command_refuses_a_pipe_at_once(tmp_path, capsys):
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    target = str(tmp_path / "x.pdf")
    assert main(["sheet", str(pipe), "--client", "C-0042", "-o", target]) == 1
    assert "not a file saved on disk" in capsys.readouterr().err
    assert main(["sheet", str(SIGNATURE), "--intake", str(pipe), "-o", target]) == 1
    assert "not a file saved on disk" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_the_day_command_never_quotes_a_file_a_row_names(tmp_path, capsys):
    secret = tmp_path / "secret.yaml"
    secret.write_text(PRIVATE_YAML, "utf-8")
    day = write_day(
        tmp_path,
        [
            f"2026-11-23,09:00,C-0001,{secret},",  # row 2: as a protocol
            "2026-11-23,10:00,C-0001,express-10,secret.yaml",  # row 3: as an intake
        ],
    )
    assert main(["sheets", str(day), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "row 2: protocol" in err
    assert "cannot be used: does not fit the protocol format" in err
    assert "row 3: intake file 'secret.yaml' cannot be used" in err
    assert "screen it on its own to see what is wrong" in err
    assert PRIVATE_VALUE not in err
    assert "api_key" not in err


def test_the_sheet_command_says_a_folder_is_a_folder(tmp_path, capsys):
    folder = tmp_path / "sheets"
    folder.mkdir()
    command = ["sheet", "express-10", "--library", str(PROTOCOLS), "--client", "C-0042"]
    for force in ([], ["--force"]):
        assert main([*command, "-o", str(folder), *force]) == 1
        err = capsys.readouterr().err
        assert f"{folder} is a folder; give the PDF's file name" in err
        assert "--force" not in err
    assert list(folder.iterdir()) == []


# -- --client: what the client record holds --------------------------------------------

NEXT_VISIT = "2026-12-21"  # four weeks after seed_record's last visit (TODAY)


def _seeded_record(tmp_path) -> str:
    location = tmp_path / "records.db"
    with RecordStore(location) as store:
        seed_record(store)
    return str(location)


def _under_eyes_right(record: dict) -> dict:
    return next(
        step
        for step in record["carry_forward"]["steps"]
        if (step["zone"], step["side"]) == ("under-eyes", "right")
    )


def test_sheet_for_a_recorded_client_prints_the_last_visit_and_the_stored_screening(
    tmp_path, capsys
):
    db = _seeded_record(tmp_path)
    screening = screen(intake_answers(date=dt.date.fromisoformat(NEXT_VISIT), sensitive_skin=True))
    with RecordStore(db) as store:
        store.record_screening("C-0042", screening.to_dict())
        last = _under_eyes_right(client_record(store, "C-0042"))
    assert last["current_uA"] != last["planned_uA"]  # turned down on the last visit
    target = tmp_path / "C-0042.pdf"
    command = ["sheet", "express-10", "--library", str(PROTOCOLS), "--client", "C-0042"]
    assert main([*command, "--date", NEXT_VISIT, "--db", db, "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"used C-0042's screening of {NEXT_VISIT} from the client record" in out
    assert "printed the settings of C-0042's last visit (2026-11-23)" in out
    assert "noted the sheet in C-0042's client record" in out

    pages = pdf_pages(target.read_bytes())
    assert len(pages) == 1  # the stored screening: no questions page to tick
    text = flat(pdftotext(target.read_bytes(), "-layout"))
    assert "Treat with changes" in text
    assert "Last visit: Mon 23 Nov 2026" in text
    # The under-eyes row: planned current, then the one used last time.
    planned, used = (f"{last[key]:g}" for key in ("planned_uA", "current_uA"))
    assert f"Under-eyes right {planned} {used}" in text
    # The left brow was skipped on the visit before the last: not on this sheet.
    assert not re.search(r"Brows left \d+ skipped", text)
    box = text.split("Last visit")[1].split("Steps")[0]
    assert f" {SEED_PRACTICE_UA:g} " not in box  # a practice run never carries forward
    assert SEED_NOTE not in text

    with RecordStore(db) as store:
        sheets = client_record(store, "C-0042")["sheets"]
    assert (sheets[0]["file"], sheets[0]["protocol"]) == ("C-0042.pdf", "express-10")


def test_a_skipped_zone_and_its_note_print_on_the_next_sheet(tmp_path, capsys):
    db = tmp_path / "records.db"
    with RecordStore(db) as store:
        seed_record(store, visits=2, practice=False)  # the second visit skipped a brow
    target = tmp_path / "sheet.pdf"
    command = ["sheet", "express-10", "--library", str(PROTOCOLS), "--client", "C-0042"]
    assert main([*command, "--date", NEXT_VISIT, "--db", str(db), "-o", str(target)]) == 0
    text = flat(pdftotext(target.read_bytes(), "-layout")).split("Last visit")[1]
    assert re.search(rf"Brows left \d+ skipped {SEED_NOTE}", text)
    capsys.readouterr()


def test_another_protocol_or_an_unknown_client_gets_the_sheet_as_before(tmp_path, capsys):
    db = _seeded_record(tmp_path)
    target = tmp_path / "signature.pdf"
    command = ["sheet", str(SIGNATURE), "--date", NEXT_VISIT, "--db", db]
    assert main([*command, "--client", "C-0042", "-o", str(target)]) == 0
    assert "last visit" not in capsys.readouterr().out  # that was express-10
    assert "Last visit" not in pdf_pages(target.read_bytes())[0]

    other = tmp_path / "other.pdf"
    assert main([*command, "--client", "C-0999", "-o", str(other)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == f"wrote {other}"
    assert len(pdf_pages(other.read_bytes())) == 2  # the questions page to tick by hand

    with RecordStore(db) as store:
        assert [row["client"] for row in client_list(store)] == ["C-0042"]  # none added


def test_without_a_record_the_sheet_makes_none(tmp_path, capsys):
    missing = tmp_path / "records" / "records.db"
    target = tmp_path / "sheet.pdf"
    command = ["sheet", "express-10", "--library", str(PROTOCOLS), "--client", "C-0042"]
    assert main([*command, "--db", str(missing), "-o", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {target}"
    assert not missing.parent.exists()


def test_an_intake_given_wins_over_the_stored_screening(tmp_path, capsys):
    db = _seeded_record(tmp_path)
    with RecordStore(db) as store:  # a stored screening of C-1001's day that says "stop"
        answers = intake_answers(
            client="C-1001", date=dt.date(2026, 11, 23), implanted_devices=["pacemaker"]
        )
        store.record_screening("C-1001", screen(answers).to_dict())
    target = tmp_path / "sheet.pdf"
    intake = str(CLIENTS / "c01_all_clear.yaml")
    status = main(["sheet", str(SIGNATURE), "--intake", intake, "--db", db, "-o", str(target)])
    assert status == 0
    assert "from the client record" not in capsys.readouterr().out
    assert "Do not treat" not in pdf_pages(target.read_bytes())[0]

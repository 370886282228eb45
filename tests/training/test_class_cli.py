"""``protocol-tools trainees``: the class from a terminal, in words, JSON or CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import stat
from pathlib import Path

import pytest

from protocol_tools.cli import main
from protocol_tools.records.store import RecordStore
from protocol_tools.records.training import record_screening_attempt, sign_in
from protocol_tools.training.checklist import criteria, observe
from protocol_tools.training.dashboard import CLASS_COLUMNS


@pytest.fixture
def db(tmp_path: Path) -> str:
    """ana.k with one observed treatment, every criterion met; ben-2 with one case."""
    location = tmp_path / "records.db"
    with RecordStore(location) as store:
        every = dict.fromkeys(criteria(), True)
        observe(store, "ana.k", observed_on=dt.date(2026, 11, 2), assessor="trainer-1", met=every)
        record_screening_attempt(
            store, "ben-2", case_id="case-1", chosen="proceed", expected="proceed"
        )
    return str(location)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def test_the_class_in_words(capsys, db):
    status, out, _ = run(capsys, "trainees", "--db", db)
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("ana.k — still to pass the quiz on all topics")
    assert lines[0].endswith("1 of 5 observed treatments with every criterion met")
    assert "screening: 1 case, 100% right" in lines[3]
    assert lines[-1] == "2 trainees: 0 signed off, 0 ready for assessment, 2 still practising."
    assert not any(key in out for key in criteria())


def test_json_for_scripts(capsys, db):
    status, out, _ = run(capsys, "trainees", "--db", db, "--format", "json")
    assert status == 0
    ana, ben = json.loads(out)
    assert list(ana) == list(CLASS_COLUMNS)
    assert ana["Observed with every criterion met"] == "1 of 5"
    assert (ben["Trainee"], ben["Screening right (%)"], ben["Best score, all topics (%)"]) == (
        "ben-2",
        100,
        None,
    )


def test_csv_to_a_new_private_file_never_over_another(capsys, db, tmp_path: Path):
    output = tmp_path / "class.csv"
    status, out, _ = run(capsys, "trainees", "--db", db, "--format", "csv", "-o", str(output))
    assert status == 0
    assert str(output) in out
    rows = list(csv.reader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert rows[0] == list(CLASS_COLUMNS)
    assert [row[0] for row in rows[1:]] == ["ana.k", "ben-2"]
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    status, _, err = run(capsys, "trainees", "--db", db, "--format", "csv", "-o", str(output))
    assert status == 1
    assert "already exists" in err
    with RecordStore(db) as store:
        sign_in(store, "cleo")
    args = ("trainees", "--db", db, "--format", "csv", "-o", str(output), "--force")
    assert run(capsys, *args)[0] == 0
    assert output.read_text(encoding="utf-8").splitlines()[-1].startswith("cleo,")


def test_csv_to_the_terminal_and_wrong_usage(capsys, db):
    status, out, _ = run(capsys, "trainees", "--db", db, "--format", "csv")
    assert status == 0
    assert out.splitlines()[0].startswith("Trainee,Quiz attempts,")
    status, _, err = run(capsys, "trainees", "--db", db, "-o", "class.csv")
    assert status == 2
    assert "add --format csv" in err


def test_no_record_yet_is_an_empty_class_and_none_is_made(capsys, tmp_path: Path):
    missing = tmp_path / "none" / "records.db"
    status, out, _ = run(capsys, "trainees", "--db", str(missing))
    assert status == 0
    assert out.startswith("No trainees in the record yet (no record at ")
    assert not missing.exists()
    assert json.loads(run(capsys, "trainees", "--db", str(missing), "--format", "json")[1]) == []


def test_a_record_that_cannot_be_opened_is_exit_1(capsys, tmp_path: Path):
    status, _, err = run(capsys, "trainees", "--db", str(tmp_path))  # a folder
    assert status == 1
    assert err.startswith("error: ")

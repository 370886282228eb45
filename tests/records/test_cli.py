"""``protocol-tools clients`` and ``visits import``: the client record from the command line.

Each test keeps its record in its own SQLite file (``--db``), built with the store API
(``helpers.seed_record``) or by importing a log a session saved.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import PROTOCOLS
from helpers import SEED_NOTE, SEED_PRACTICE_UA, TODAY, seed_record
from protocol_tools.cli import main
from protocol_tools.protocols.loading import load_library
from protocol_tools.records.history import client_list, export_record
from protocol_tools.records.store import RecordStore
from protocol_tools.session.record import SessionRecord, timeline_steps

SYNTHETIC_NAME = "Synthetic Testname"
# A browser clock reading (ms since 1970) on 2026-09-21, when the imported session ran.
SESSION_MS = 1_790_000_000_000


@pytest.fixture
def db(tmp_path):
    """A record with C-0042's three visits of express-10, a practice run and a sheet."""
    location = tmp_path / "records.db"
    with RecordStore(location) as store:
        seed_record(store, display_name=SYNTHETIC_NAME)
    return str(location)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def saved_log(folder, code: str = "C-0077", *, turned_down: float | None = 120.0):
    """A session log of express-10 as the workbook saves it: every step run in full,
    the under-eyes on the right turned down when ``turned_down`` is given."""
    protocol = load_library(PROTOCOLS)["express-10"]
    steps = timeline_steps(protocol)
    record = SessionRecord(steps)
    clock, at = "clock-1", SESSION_MS
    record.receive({"event": "started", "seq": 1, "clock_id": clock, "at_ms": at})
    for step in steps:
        seq = len(record.rows) + 1
        record.receive(
            {"event": "step_started", "seq": seq, "clock_id": clock, "step": step["step"]}
        )
        at += step["seconds"] * 1000
        record.receive(
            {
                "event": "step_ended",
                "seq": seq + 1,
                "clock_id": clock,
                "step": step["step"],
                "at_ms": at,
                "actual_s": step["seconds"],
            }
        )
    if turned_down is not None:
        under_eyes = next(s for s in steps if s["zone"] == "under-eyes" and s["side"] == "right")
        record.adjust(under_eyes["step"], current_uA=turned_down, reason="twitching")
    record.receive({"event": "finished", "seq": len(record.rows) + 1, "clock_id": clock})
    return record.save(folder, client_code=code, protocol=protocol, started_ms=SESSION_MS)


# -- clients ---------------------------------------------------------------------------


def test_clients_lists_each_client_with_visits_last_visit_and_next_due(db, capsys):
    status, out, _ = run(capsys, "clients", "--db", db, "--format", "json")
    assert status == 0
    rows = json.loads(out)
    assert [row["client"] for row in rows] == ["C-0042"]
    assert rows[0]["visits"] == 3  # the practice run is not a visit
    assert rows[0]["last_visit"] == TODAY.isoformat()
    assert set(rows[0]["next_due"]) == {"from", "by"}
    assert "display_name" not in rows[0]

    status, out, _ = run(capsys, "clients", "--db", db)
    assert status == 0
    assert out.splitlines()[0].split() == ["client", "visits", "last", "visit", "next", "due"]
    assert "C-0042" in out
    assert TODAY.isoformat() in out
    assert rows[0]["next_due"]["by"] in out
    assert SYNTHETIC_NAME not in out

    status, out, _ = run(capsys, "clients", "--db", db, "--show-name")
    assert SYNTHETIC_NAME in out


def test_without_a_record_the_list_is_empty_and_no_record_is_made(tmp_path, capsys):
    missing = tmp_path / "nothing-yet" / "records.db"
    status, out, _ = run(capsys, "clients", "--db", str(missing))
    assert status == 0
    assert "No clients in the record yet" in out
    assert str(missing) in out
    assert run(capsys, "clients", "--db", str(missing), "--format", "json")[1].strip() == "[]"
    status, _, err = run(capsys, "clients", "show", "C-0042", "--db", str(missing))
    assert status == 1
    assert f"there is no client record at {missing}" in err
    assert not missing.parent.exists()


def test_show_json_has_every_visit_newest_first_with_steps_and_carry_forward(db, capsys):
    status, out, _ = run(capsys, "clients", "show", "C-0042", "--db", db, "--format", "json")
    assert status == 0
    record = json.loads(out)
    assert record["client"] == "C-0042"
    assert "display_name" not in record  # only with --show-name
    visits = record["visits"]
    assert len(visits) == 4
    assert [v["date"] for v in visits] == sorted((v["date"] for v in visits), reverse=True)
    for visit in visits:
        assert {"date", "protocol", "protocol_version", "outcome", "practice"} <= set(visit)
        assert {"steps", "adjustments"} <= set(visit)
        for step in visit["steps"]:
            needed = {"zone", "side", "planned_s", "actual_s", "current_uA", "comfort", "skipped"}
            assert needed <= set(step)
    assert [v["practice"] for v in visits].count(True) == 1
    skipped = [s for v in visits for s in v["steps"] if s["skipped"]]
    assert [(s["zone"], s["side"], s["note"]) for s in skipped] == [("brows", "left", SEED_NOTE)]
    carried = record["carry_forward"]
    assert carried["protocol"] == "express-10"
    assert carried["from_visit"] == TODAY.isoformat()
    assert SEED_PRACTICE_UA not in [s["current_uA"] for s in carried["steps"]]

    shown = json.loads(
        run(capsys, "clients", "--db", db, "show", "C-0042", "--format", "json", "--show-name")[1]
    )
    assert shown["display_name"] == SYNTHETIC_NAME


def test_options_may_come_before_or_after_the_action(db, capsys):
    before = run(capsys, "clients", "--db", db, "--format", "json", "show", "C-0042")
    after = run(capsys, "clients", "show", "C-0042", "--db", db, "--format", "json")
    assert before[0] == after[0] == 0
    assert json.loads(before[1]) == json.loads(after[1])


def test_show_text_reads_as_words_newest_first_practice_marked(db, capsys):
    status, out, _ = run(capsys, "clients", "show", "C-0042", "--db", db)
    assert status == 0
    assert out.startswith("Client C-0042\n3 client visits")
    assert "1 practice run, not counted as client visits" in out
    assert "practice (not a client visit)" in out
    assert "The next visit starts from the session of " + TODAY.isoformat() in out
    assert SEED_NOTE in out
    assert "Twitching; turn down next time" in out  # comfort in words, not its id
    assert "Under-eyes" in out  # zone names, not ids
    assert "Sheets printed:" in out
    assert SYNTHETIC_NAME not in out
    assert "visit_id" not in out
    assert "None" not in out
    dated = [line[:10] for line in out.splitlines() if line[:4].isdigit()]
    assert dated == sorted(dated, reverse=True)
    assert len(dated) == 4
    shown = run(capsys, "clients", "show", "C-0042", "--db", db, "--show-name")[1]
    assert shown.startswith(f"Client C-0042 ({SYNTHETIC_NAME})")


@pytest.mark.parametrize(
    "action",
    [["show"], ["export", "-o", "{tmp}/x.json"], ["forget"], ["forget", "--yes"]],
)
def test_an_unknown_client_is_exit_1_with_a_clear_message(db, tmp_path, capsys, action):
    argv = ["clients", action[0], "C-9999", *[a.format(tmp=tmp_path) for a in action[1:]]]
    status, out, err = run(capsys, *argv, "--db", db)
    assert status == 1
    assert err.strip() == "error: no client with the code C-9999 is in the record"
    assert out == ""
    assert not (tmp_path / "x.json").exists()


def test_a_name_where_the_code_belongs_is_refused(db, capsys):
    status, _, err = run(capsys, "clients", "show", "Jane Doe", "--db", db)
    assert status == 1
    assert "is not a client code" in err


def test_a_folder_or_a_file_that_is_not_a_record_is_exit_1_naming_it(tmp_path, capsys):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    not_a_record = tmp_path / "notes.txt"
    not_a_record.write_text("shopping list: gel, wipes, serum\n" * 50, "utf-8")
    for bad in (folder, not_a_record):
        status, _, err = run(capsys, "clients", "--db", str(bad))
        assert status == 1
        assert err.startswith("error: ")
        assert str(bad) in err
        assert len(err.strip().splitlines()) == 1
    assert "is not a client record" in err
    assert not_a_record.read_text("utf-8").startswith("shopping list")
    # Refused before anything was made beside the user's file (no lock file).
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-folder", "notes.txt"]


def test_the_installed_command_reports_a_bad_record_without_a_traceback(tmp_path):
    not_a_record = tmp_path / "notes.txt"
    not_a_record.write_text("not a database\n" * 100, "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "protocol_tools", "clients", "--db", str(not_a_record)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(db, capsys):
    for argv in (["clients", "show"], ["clients", "burn", "C-0042"], ["visits"]):
        with pytest.raises(SystemExit) as caught:
            main([*argv, "--db", db])
        assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["clients", "export", "C-0042", "--db", db])  # no -o
    assert caught.value.code == 2


# -- export ----------------------------------------------------------------------------


def test_export_writes_everything_and_never_replaces_a_file_unless_forced(db, tmp_path, capsys):
    target = tmp_path / "out" / "C-0042.json"
    status, out, _ = run(capsys, "clients", "export", "C-0042", "-o", str(target), "--db", db)
    assert status == 0
    assert out.strip() == f"wrote {target}: everything held on C-0042 (4 visits)"
    data = json.loads(target.read_text("utf-8"))
    # Everything held on a client: readable by the owner alone, like the record.
    assert target.stat().st_mode & 0o777 == 0o600
    with RecordStore(db) as store:
        expected = export_record(store, "C-0042")
    assert {key for key in data if key != "exported_at"} == set(expected) - {"exported_at"}
    assert data["visits"][0]["events"] or data["visits"][1]["events"]
    assert all("screening" in visit and "intake" in visit for visit in data["visits"])

    target.write_text("the user's own file", "utf-8")
    status, _, err = run(capsys, "clients", "export", "C-0042", "-o", str(target), "--db", db)
    assert status == 1
    assert "already exists" in err
    assert "--force" in err
    assert target.read_text("utf-8") == "the user's own file"

    argv = ["clients", "export", "C-0042", "-o", str(target), "--db", db, "--force"]
    assert run(capsys, *argv)[0] == 0
    assert json.loads(target.read_text("utf-8"))["client"] == "C-0042"

    status, _, err = run(capsys, "clients", "export", "C-0042", "-o", str(tmp_path), "--db", db)
    assert status == 1
    assert "is a folder" in err


# -- forget ----------------------------------------------------------------------------


def test_forget_says_what_it_would_erase_and_waits_for_yes(db, capsys):
    status, out, err = run(capsys, "clients", "forget", "C-0042", "--db", db)
    assert status == 1
    assert out == ""
    assert "4 visits" in err
    assert "Nothing was erased" in err
    assert "protocol-tools clients forget C-0042 --yes" in err
    with RecordStore(db) as store:
        assert [row["client"] for row in client_list(store)] == ["C-0042"]

    status, out, _ = run(capsys, "clients", "forget", "C-0042", "--yes", "--db", db)
    assert status == 0
    assert out.strip() == "erased client C-0042: 4 visits and every other trace of them"
    with RecordStore(db) as store:
        assert client_list(store) == []
    assert run(capsys, "clients", "show", "C-0042", "--db", db)[0] == 1


def test_forget_as_json(db, capsys):
    status, out, _ = run(
        capsys, "clients", "forget", "C-0042", "--yes", "--format", "json", "--db", db
    )
    assert status == 0
    assert json.loads(out) == {"client": "C-0042", "erased": True, "visits": 4}


# -- visits import -------------------------------------------------------------------


def test_import_takes_each_log_once_and_goes_on_past_a_bad_one(tmp_path, capsys):
    record = tmp_path / "records.db"
    log = saved_log(tmp_path / "logs")
    bad = tmp_path / "logs" / "notes.csv"
    bad.write_text("a,b\n1,2\n", "utf-8")
    missing = tmp_path / "logs" / "gone.csv"
    argv = ["visits", "import", str(log), str(bad), str(missing), "--db", str(record)]
    status, out, err = run(capsys, *argv, "--library", str(PROTOCOLS))
    assert status == 1
    assert f"{log}: imported" in out
    assert "1 imported, 0 already imported, 2 failed" in out
    assert f"error: {bad}: not a session log" in err
    assert f"error: {missing}: cannot be read" in err

    status, out, _ = run(capsys, "visits", "import", str(log), "--db", str(record))
    assert status == 0
    assert f"{log}: already imported" in out

    shown = json.loads(
        run(capsys, "clients", "show", "C-0077", "--db", str(record), "--format", "json")[1]
    )
    (visit,) = shown["visits"]
    assert visit["protocol"] == "express-10"
    assert visit["date"] == "2026-09-21"
    assert not visit["practice"]
    assert [a["current_uA"] for a in visit["adjustments"]] == [120.0]


def test_import_as_json(tmp_path, capsys):
    log = saved_log(tmp_path / "logs", turned_down=None)
    argv = ["visits", "import", str(log), "--db", str(tmp_path / "r.db"), "--format", "json"]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    assert json.loads(out) == {
        "files": [{"file": str(log), "result": "imported", "message": None}],
        "imported": 1,
        "already_imported": 0,
        "failed": 0,
    }


def test_a_protocol_missing_from_the_library_fails_that_file_naming_it(tmp_path, capsys):
    log = saved_log(tmp_path / "logs")
    empty = tmp_path / "library"
    empty.mkdir()
    argv = ["visits", "import", str(log), "--db", str(tmp_path / "r.db"), "--library", str(empty)]
    status, _, err = run(capsys, *argv)
    assert status == 1
    assert f"error: {log}: protocol 'express-10' is not in the library" in err


# -- another database ------------------------------------------------------------------


def test_a_database_url_names_a_record_on_a_server(postgres_url, capsys):
    with RecordStore(postgres_url) as store:
        seed_record(store, visits=1, practice=False, sheets=0)
    status, out, _ = run(capsys, "clients", "--db", postgres_url, "--format", "json")
    assert status == 0
    assert [(row["client"], row["visits"]) for row in json.loads(out)] == [("C-0042", 1)]

"""``protocol-tools screen``: exit codes, text and JSON, errors without tracebacks."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from conftest import intake_answers as answers
from protocol_tools import IntakeError, screen
from protocol_tools.cli import main
from protocol_tools.screening.rules import practice_clients


def test_cli_json(capsys):
    path = practice_clients()["c13_retinoid_and_filler"]
    assert main(["screen", str(path), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["outcome"] == "postpone"
    assert payload["earliest_date"] == "2026-12-01"
    assert [r["rule"] for r in payload["reasons"]] == ["recent-retinoid", "recent-injectable"]
    assert all(r["source"] for r in payload["reasons"])


def test_cli_text_exits_0_even_for_stop(capsys):
    assert main(["screen", str(practice_clients()["c05_pacemaker"])]) == 0
    assert "✖ STOP: Do not treat" in capsys.readouterr().out


def test_cli_bad_intake_exits_1_naming_file_line_and_field(tmp_path, capsys):
    path = tmp_path / "intake.yaml"
    data = answers(client="Anna Smith")
    assert next(iter(data)) == "client"  # so the client is on line 1
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert main(["screen", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:1:1 client: must be a short client code" in err
    assert "Traceback" not in err


def test_cli_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["screen"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["screen", "x.yaml", "--format", "xml"])
    assert caught.value.code == 2


def test_a_wait_past_the_last_calendar_day_is_an_intake_error(tmp_path, capsys):
    data = answers(
        date=dt.date(9999, 12, 31),
        birth_date=dt.date(9970, 1, 1),
        last_retinoid_use=dt.date(9999, 12, 30),
    )
    with pytest.raises(IntakeError, match="last_retinoid_use") as caught:
        screen(data)
    assert "9999-12-31" in str(caught.value)
    path = tmp_path / "late.yaml"
    path.write_text(
        "\n".join(
            f"{key}: {json.dumps(value.isoformat() if isinstance(value, dt.date) else value)}"
            for key, value in data.items()
        ),
        "utf-8",
    )
    assert main(["screen", str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err


# -- --record: the day's screening stored with the client ----------------------------


def _intake_file(tmp_path, **changes):
    path = tmp_path / "intake.yaml"
    data = {
        key: value.isoformat() if isinstance(value, dt.date) else value
        for key, value in answers(**changes).items()
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_record_stores_the_screening_and_the_answers_with_the_client(tmp_path, capsys):
    from protocol_tools.records.history import export_record
    from protocol_tools.records.store import RecordStore

    db = tmp_path / "records.db"
    intake = _intake_file(tmp_path, client="C-0311", sensitive_skin=True)
    assert main(["screen", str(intake), "--record", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "ADJUST" in out
    assert out.rstrip().endswith("stored C-0311's screening of 2026-11-23 in the client record")
    with RecordStore(db) as store:
        (visit,) = export_record(store, "C-0311")["visits"]
    assert visit["status"] == "screened"
    assert visit["practice"] is False
    assert visit["outcome"] == "adjust"
    assert visit["screening"] == screen(intake).to_dict()
    assert visit["intake"]["date"] == "2026-11-23"  # plain data: dates as ISO text
    assert visit["intake"]["birth_date"] == "1988-04-02"
    assert visit["intake"]["sensitive_skin"] is True


def test_record_with_json_keeps_stdout_one_json_document(tmp_path, capsys):
    db = tmp_path / "records.db"
    intake = _intake_file(tmp_path)
    assert main(["screen", str(intake), "--format", "json", "--record", "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["outcome"] == "proceed"
    assert "stored C-0042's screening of 2026-11-23 in the client record" in captured.err


def test_a_practice_client_is_stored_as_practice(tmp_path, capsys):
    from protocol_tools.records.history import client_list, client_record
    from protocol_tools.records.store import RecordStore

    db = tmp_path / "records.db"
    path = practice_clients()["c01_all_clear"]
    assert main(["screen", str(path), "--record", "--db", str(db)]) == 0
    assert "as practice (not a client visit)" in capsys.readouterr().out
    with RecordStore(db) as store:
        code = client_list(store)[0]["client"]
        assert [v["practice"] for v in client_record(store, code)["visits"]] == [True]


def test_record_stores_nothing_for_an_intake_that_cannot_be_screened(tmp_path, capsys):
    db = tmp_path / "records.db"
    intake = _intake_file(tmp_path, pregnant="perhaps")
    assert main(["screen", str(intake), "--record", "--db", str(db)]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not db.exists()


def test_record_into_a_folder_is_exit_1_naming_it(tmp_path, capsys):
    intake = _intake_file(tmp_path)
    assert main(["screen", str(intake), "--record", "--db", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert str(tmp_path) in err
    assert "Traceback" not in err


def test_db_without_record_is_a_usage_error(tmp_path, capsys):
    intake = _intake_file(tmp_path)
    assert main(["screen", str(intake), "--db", str(tmp_path / "records.db")]) == 2
    assert "add --record" in capsys.readouterr().err
    assert not (tmp_path / "records.db").exists()

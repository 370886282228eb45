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

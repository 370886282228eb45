"""The safe YAML reader: positions, and hostile input becoming located problems."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from protocol_tools._yaml import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_SCALAR_CHARS,
    YamlProblem,
    decode_text,
    read_yaml_file,
    read_yaml_text,
)
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


def test_deep_nesting_is_refused():
    depth = MAX_DEPTH * 50
    found = problem("[" * depth + "]" * depth)
    assert found.code == "yaml-unsafe"
    assert "nesting" in found.message


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

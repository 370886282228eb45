"""The quick reader (libyaml composes, one walk) says exactly what the bounded event
builder says: the same data, the same positions, the same problem at the same place.

``reference_read`` below is the reader as it was before the quick way existed: every
text through the event builder, and the nesting rebuild done every time.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocol_tools.core import yaml_nodes
from protocol_tools.core.safe_yaml import (
    MAX_DEPTH,
    YamlDocument,
    YamlProblem,
    _syntax_problem,
    read_yaml_file,
    read_yaml_text,
)
from protocol_tools.core.yaml_document import TOO_DEEP, ParserStopped
from protocol_tools.core.yaml_events import build_from_events
from protocol_tools.core.yaml_nodes import MAX_FLOW_OPENERS, MAX_PLAIN_CHARS, Unusual, read_plain
from protocol_tools.core.yaml_scalars import _matched_value, implicit_value
from strategies import changed_protocol_texts, documents, yaml_texts

ROOT = Path(__file__).resolve().parents[2]
LIBRARY_TEXTS = sorted(
    [*(ROOT / "protocols").glob("*.yaml"), *(ROOT / "data").rglob("*.yaml")], key=str
)


def reference_read(text: str) -> YamlDocument:
    """read_yaml_text as it was: the event builder for every text."""
    try:
        return build_from_events(text, "<text>")
    except ParserStopped as stopped:
        raise _reference_nesting(stopped.error, text) or _syntax_problem(
            stopped.error, text
        ) from None
    except yaml.YAMLError as error:
        raise YamlProblem("yaml-syntax", f"not valid YAML: {error}") from None


def _reference_nesting(error: yaml.MarkedYAMLError, text: str) -> YamlProblem | None:
    mark = error.problem_mark
    if mark is None or not 0 < mark.index <= len(text):
        return None
    try:
        build_from_events(text[: mark.index], "")
    except YamlProblem as problem:
        return problem if problem.message == TOO_DEEP else None
    except (ParserStopped, yaml.YAMLError):
        return None
    return None


def outcome(read, text: str):
    """What a reader makes of ``text``: the document, or the problem's every field."""
    try:
        return read(text)
    except YamlProblem as problem:
        return (problem.code, problem.message, problem.line, problem.column, problem.path)


def same_data(a, b) -> bool:
    """Equal all the way down, types included (1 is not 1.0 is not True), NaN as NaN."""
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_data(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same_data, a, b))
    return bool(a == b)


def assert_same_reading(text: str) -> None:
    quick, old = outcome(read_yaml_text, text), outcome(reference_read, text)
    if isinstance(old, tuple) or isinstance(quick, tuple):
        assert quick == old
        return
    assert same_data(quick.data, old.data)
    assert quick.positions == old.positions
    assert quick.key_positions == old.key_positions
    for path in [*old.positions, *old.key_positions, *_paths_beside(old)]:
        assert quick.position(path) == old.position(path), path
        assert quick.key_position(path) == old.key_position(path), path


def _paths_beside(document: YamlDocument):
    """Paths a finding may name that the file does not hold, or names differently."""
    for path in list(document.positions)[:40]:
        yield (*path, "missing")
        yield (*path, 0)
        yield (*path, -1)
        yield (*path, True)
        yield (*path, 1.0)
        yield (*path, 99)


@pytest.mark.parametrize("path", LIBRARY_TEXTS, ids=lambda path: path.name)
def test_every_library_and_data_file_reads_the_same(path: Path):
    assert_same_reading(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted((ROOT / "protocols").glob("*.yaml")), ids=str)
def test_the_library_takes_the_quick_way(path: Path):
    # Otherwise the quick way would be a test fixture, not what users get.
    data, located = read_plain(path.read_text(encoding="utf-8"))
    assert data["steps"]
    assert located.value_at(("steps", 0, "seconds")) is not None


HOSTILE = [
    "a:\n\tb: 1\n",
    "a: 'unclosed\n",
    "a: 1\nb: 2\na: 3\n",
    "1: a\ntrue: b\n",
    "a: !!python/object/apply:os.system ['true']\n",
    "a: ! 30\nb: 30\n",
    "a: 1\n---\nb: 2\n",
    "a: &x [*x]\n",
    "a: &x 1\nb: &x 2\nc: *x\n",
    "? [a, b]\n: 1\n",
    "base: &b {x: 1}\nother:\n  <<: *b\n",
    "<<: 1\n",
    "'<<': 1\n",
    "a: 2026-02-30\n",
    "a: " + "9" * 5000 + "\n",
    "a: " + "x" * 20_001 + "\n",
    "[" * 1001,
    "[" * 40 + "]" * 40,
    "- " * 33 + "x\n",
    "- " * 32 + "x\n",
    "name: Zoë 𝄞\nsteps: " + "[" * 40 + "]" * 40 + "\n",
    "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\nb: 'unclosed\n",
    "cue: Don't rub! Ever!\nnote: 5 * 3\n",
    "cue: say ! now\n",
    "a: [b, c\n",
    "a: {b: c\n",
    "",
    "# a comment\n",
    "---\n",
    "~: x\nnull: y\n",
    "1.5: a\n2026-11-23: b\n",
    "\x85a: 1\n",
    "a: b: c\n",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_and_broken_texts_read_the_same(text: str):
    assert_same_reading(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_texts)
def test_any_assembled_text_reads_the_same(text: str):
    assert_same_reading(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changed_protocol_texts())
def test_protocol_texts_with_slips_read_the_same(text: str):
    assert_same_reading(text)


@settings(max_examples=150, deadline=None)
@given(documents, st.sampled_from([False, True, None]))
def test_what_a_writer_wrote_reads_the_same(document, flow):
    import io

    from ruamel.yaml import YAML

    stream = io.StringIO()
    writer = YAML(typ="safe", pure=True)
    writer.default_flow_style = flow
    writer.dump({"doc": document}, stream)
    assert_same_reading(stream.getvalue())


# -- the bounds stay where they were -------------------------------------------------


def test_a_long_text_goes_the_event_builders_way():
    text = "a:\n" + "  - 1\n" * (MAX_PLAIN_CHARS // 6 + 1)
    with pytest.raises(Unusual):
        read_plain(text)
    assert_same_reading(text)


def test_many_flow_collections_go_the_event_builders_way():
    text = "a: [" + "[], " * MAX_FLOW_OPENERS + "]\n"
    with pytest.raises(Unusual):
        read_plain(text)
    assert_same_reading(text)


@pytest.mark.parametrize(
    "text",
    ["a: !!str 1\n", "a: *b\n", "a: 1\na: 2\n", "<<: 1\n", "[[]]: 1\n", "a: 2026-02-30\n"],
)
def test_what_is_not_plain_is_left_to_the_event_builder(text: str):
    with pytest.raises(Unusual):
        read_plain(text)


def test_libyaml_bounds_nesting_itself():
    # The composer recurses once a level: the quick way is only taken when libyaml
    # refuses deep block nesting on its own (0.2.6 and later).
    assert yaml_nodes._composer_is_bounded()


def test_positions_are_found_on_demand_and_all_at_once():
    doc = read_yaml_text("name: Lift\nsteps:\n  - zone: jawline\n    seconds: 45\n")
    assert doc.position(("steps", 0, "seconds")) == (4, 14)
    assert doc.key_position(("steps", 0, "seconds")) == (4, 5)
    assert doc.position(("steps", 0, "current_uA")) == (3, 5)
    assert doc.positions[("steps", 0, "zone")] == (3, 11)
    assert doc.key_positions[("name",)] == (1, 1)


def test_a_file_reads_the_same_as_its_text(tmp_path: Path):
    path = tmp_path / "lift.yaml"
    path.write_text("a: [1, 2]\n")
    assert read_yaml_file(path).positions == read_yaml_text("a: [1, 2]\n").positions


# -- scalars: the quick answers agree with the patterns ---------------------------------


def same_value(a, b) -> bool:
    return same_data(a, b) or (isinstance(a, dt.datetime) and isinstance(b, dt.datetime) and a == b)


numberish = st.text(st.sampled_from("0123456789.-+eExoabcfinINFaN:T Z\n"), max_size=14)


@settings(max_examples=800, deadline=None)
@given(st.one_of(st.text(max_size=12), numberish))
def test_plain_scalars_settled_early_match_the_patterns(value: str):
    def value_of(read):
        try:
            return read(value)
        except ValueError as error:
            return ("ValueError", str(error))

    assert same_value(value_of(implicit_value), value_of(_matched_value))


@pytest.mark.parametrize(
    "value", ["45", "007", "0.5", "00.5", "1.0.0", "1..0", "١.٠", "1.", ".5", "1.0.0\n"]
)
def test_numbers_and_versions_settled_early(value: str):
    assert same_value(implicit_value(value), _matched_value(value))

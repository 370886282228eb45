"""The designer's drafts: opening, round trips, step edits, mirror, live findings."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PROTOCOLS
from helpers import TODAY, copy_library, express, zones_and_sides
from protocol_tools import (
    ProtocolDraft,
    ProtocolFileError,
    ProtocolToolsError,
    load_protocol,
    parse_protocol,
)
from protocol_tools.designer.document import SCHEMA_LINE
from strategies import designer_calls, designer_edits, edited_blank


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "library")


@pytest.mark.parametrize("path", sorted(PROTOCOLS.glob("*.yaml")), ids=lambda p: p.name)
def test_an_untouched_library_file_comes_back_byte_identical(path: Path):
    assert ProtocolDraft.from_file(path).to_text() == path.read_text(encoding="utf-8")


def test_an_edit_keeps_comments_key_order_and_every_other_line(library: Path):
    original = (library / "express-10.yaml").read_text(encoding="utf-8")
    draft = express(library)
    draft.set_field(2, "seconds", 100)
    edited = draft.to_text()
    assert "# Client's right half" in edited
    assert "# Client's left half" in edited
    old_lines, new_lines = original.splitlines(), edited.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [("    seconds: 90", "    seconds: 100")]


def test_a_new_field_goes_where_the_model_puts_it(library: Path):
    draft = express(library)
    draft.set_field(4, "hold_seconds", 1.5)  # under-eyes glide: seconds, then current_uA
    keys = list(draft.step(4))
    assert keys.index("seconds") < keys.index("hold_seconds") < keys.index("current_uA")
    assert draft.step(4)["hold_seconds"] == 1.5


def test_blank_starts_from_the_template_and_passes_every_check():
    draft = ProtocolDraft.blank()
    assert draft.to_text().startswith(SCHEMA_LINE + "\n")
    assert draft.origin is None
    assert draft.findings() == []
    template = (
        Path(__file__).parents[2] / "src/protocol_tools/protocols/templates/new_protocol.yaml"
    )
    assert len(draft) == template.read_text(encoding="utf-8").count("\n  - ")


def test_the_library_folder_can_come_from_the_environment(library, monkeypatch):
    monkeypatch.setenv("PROTOCOL_TOOLS_LIBRARY", str(library))
    assert ProtocolDraft.from_library("express-10").origin.path == library / "express-10.yaml"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("steps: [unclosed\n", "yaml-syntax"),
        ("- just\n- a list\n", "wrong-type"),
        ("format: !!python/object/apply:os.system ['true']\n", "yaml-unsafe"),
        ("format: 1\nformat: 2\nsteps: []\n", "duplicate-key"),
    ],
)
def test_hostile_or_broken_files_are_refused_before_the_round_trip(tmp_path, content, code):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProtocolFileError) as caught:
        ProtocolDraft.from_file(path)
    assert caught.value.findings[0].code == code


def test_an_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ProtocolFileError) as caught:
        ProtocolDraft.from_file(path)
    assert caught.value.findings[0].code == "yaml-unsafe"


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"format: 1\nname: Caf\xe9\n")
    with pytest.raises(ProtocolFileError) as caught:
        ProtocolDraft.from_file(path)
    assert caught.value.findings[0].line == 2


def test_add_step_goes_after_the_last_treatment_step_with_starting_values(library):
    draft = express(library)
    index = draft.add_step(zone="neck", side="both")
    assert index == 10
    step = draft.step(index)
    assert (step["zone"], step["side"], step["passes"]) == ("neck", "both", 3)
    assert draft.step(11)["kind"] == "closing"


def test_add_step_refuses_a_bad_field_and_leaves_nothing_behind(library):
    draft = express(library)
    with pytest.raises(ProtocolFileError):
        draft.add_step(zone="jaw")
    assert len(draft) == 12


def test_remove_duplicate_and_move(library):
    draft = express(library)
    draft.remove_step(3)
    assert len(draft) == 11
    assert draft.step(3)["zone"] == "under-eyes"
    copy_index = draft.duplicate_step(2)
    assert copy_index == 3
    assert draft.step(3) == draft.step(2)
    draft.set_field(3, "seconds", 30)
    assert draft.step(2)["seconds"] == 90  # the copy is independent
    assert draft.move_up(3) == 2
    assert draft.step(2)["seconds"] == 30
    assert draft.move_down(2) == 3
    assert draft.step(3)["seconds"] == 30
    with pytest.raises(IndexError):
        draft.move_up(0)
    with pytest.raises(IndexError):
        draft.remove_step(99)


def test_a_duplicate_does_not_copy_a_section_comment(library):
    draft = express(library)
    before = draft.to_text().count("# Client's left half")
    draft.duplicate_step(5)  # the comment heading the left half hangs on this step
    assert draft.to_text().count("# Client's left half") == before


def test_the_last_step_cannot_be_removed():
    draft = ProtocolDraft.blank()
    while len(draft) > 1:
        draft.remove_step(0)
    with pytest.raises(ProtocolFileError, match="at least one step"):
        draft.remove_step(0)


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("zone", "jaw", "unknown-choice"),
        ("technique", "tapping", "unknown-choice"),
        ("side", "middle", "unknown-choice"),
        ("kind", "massage", "unknown-choice"),
        ("seconds", -5, "not-positive"),
        ("seconds", float("inf"), "not-positive"),
        ("passes", 2.5, "wrong-type"),
        ("current_uA", "lots", "wrong-type"),
        ("rewet_gel", "yes", "wrong-type"),
        ("colour", "red", "unknown-field"),
        ("cue", "x" * 301, "bad-value"),
        ("seconds", None, "missing-field"),
    ],
)
def test_only_valid_choices_are_taken(library, name, value, code):
    draft = express(library)
    before = draft.to_text()
    with pytest.raises(ProtocolFileError) as caught:
        draft.set_field(2, name, value)
    assert caught.value.findings[0].code == code
    assert caught.value.findings[0].field == f"steps[2].{name}"
    assert draft.to_text() == before


def test_numbers_are_written_as_people_type_them(library):
    draft = express(library)
    draft.set_field(2, "seconds", 80.0)
    draft.set_field(2, "passes", 5.0)
    assert "    seconds: 80\n" in draft.to_text()
    assert draft.step(2)["passes"] == 5
    assert isinstance(draft.step(2)["passes"], int)


def test_none_removes_an_optional_field(library):
    draft = express(library)
    draft.set_field(4, "current_uA", None)
    assert "current_uA" not in draft.step(4)


def test_changing_the_kind_reshapes_the_step(library):
    draft = express(library)
    draft.set_field(2, "kind", "closing")
    step = draft.step(2)
    assert step["kind"] == "closing"
    assert "zone" not in step
    assert step["action"]
    assert not [f for f in draft.findings() if f.code == "step-shape"]
    draft.set_field(2, "kind", "treatment")
    step = draft.step(2)
    assert "kind" not in step
    assert "action" not in step
    assert step["zone"]
    assert step["side"]


def test_protocol_fields(library):
    draft = express(library)
    draft.set_protocol_field("name", "  Express   for Anna's clinic ")
    draft.set_protocol_field("target_minutes", 11)
    draft.set_protocol_field("defaults.current_uA", 220)
    assert draft.get("name") == "Express for Anna's clinic"
    assert draft.get("defaults.current_uA") == 220
    with pytest.raises(ProtocolFileError):
        draft.set_protocol_field("setting", "spa")
    with pytest.raises(ProtocolFileError, match="when you save"):
        draft.set_protocol_field("version", "9.9.9")


def test_mirror_replaces_the_matching_block_on_the_other_side(library):
    draft = express(library)
    assert draft.block_of(3) == range(2, 6)
    target = draft.mirror_block(3)
    assert target == range(6, 10)
    assert len(draft) == 12
    for right, left in zip(range(2, 6), target, strict=True):
        a, b = draft.step(right), draft.step(left)
        assert b["side"] == "left"
        placed = ("side", "cue", "rewet_gel")
        assert {k: v for k, v in a.items() if k not in placed} == {
            k: v for k, v in b.items() if k not in placed
        }
    assert not [f for f in draft.findings() if f.code == "side-imbalance"]


def test_mirror_keeps_the_replaced_steps_gel_prompt_and_cue(library):
    draft = express(library)
    before = draft.step(6)
    assert before["rewet_gel"] is True
    draft.set_field(2, "seconds", 100)
    draft.mirror_block(2)  # the right block has no rewet_gel: step 7 keeps its own
    after = draft.step(6)
    assert after["rewet_gel"] is True
    assert after["cue"] == before["cue"]  # "Gel the left half now. …"
    assert after["seconds"] == 100
    assert parse_protocol(draft.to_text(), "express-10.yaml").steps[6].rewet_gel


def one_side_block_starts(draft: ProtocolDraft) -> list[int]:
    starts = []
    for i in range(len(draft)):
        step = draft.step(i)
        one_side = step.get("kind", "treatment") == "treatment" and step.get("side") in (
            "left",
            "right",
        )
        if one_side and draft.block_of(i).start == i:
            starts.append(i)
    return starts


@pytest.mark.parametrize("path", sorted(PROTOCOLS.glob("*.yaml")), ids=lambda p: p.name)
def test_no_mirror_loses_or_invents_a_gel_prompt(path):
    prompts = sum(1 for step in load_protocol(path).steps if step.rewet_gel)
    for start in one_side_block_starts(ProtocolDraft.from_file(path)):
        draft = ProtocolDraft.from_file(path)
        draft.mirror_block(start)
        mirrored = draft.protocol()
        assert sum(1 for step in mirrored.steps if step.rewet_gel) == prompts, start


def test_a_mirror_inserted_as_a_new_block_swaps_sides_in_its_cues(library):
    draft = express(library)
    draft.add_step(index=11, zone="neck", side="left", technique="glide", cue="Left, then Right")
    draft.set_field(11, "rewet_gel", True)
    target = draft.mirror_block(11)
    assert target == range(12, 13)
    assert draft.step(12)["cue"] == "Right, then Left"
    assert "rewet_gel" not in draft.step(12)  # a gel prompt belongs to its own place


def test_mirror_twice_returns_the_whole_protocol(library):
    draft = express(library)
    original = draft.to_text()
    draft.mirror_block(2)
    draft.mirror_block(6)
    assert draft.to_text() == original


def test_mirror_without_a_matching_block_inserts_after_it(library):
    draft = express(library)
    # Between the two closing steps, so the new block stands alone.
    draft.add_step(index=11, zone="neck", side="left", technique="glide")
    draft.add_step(index=12, zone="forehead", side="left", technique="glide")
    assert draft.block_of(11) == range(11, 13)
    target = draft.mirror_block(11)
    assert target == range(13, 15)
    assert zones_and_sides(draft)[11:15] == [
        ("neck", "left"),
        ("forehead", "left"),
        ("neck", "right"),
        ("forehead", "right"),
    ]
    assert draft.step(15)["kind"] == "closing"


def test_only_one_side_treatment_steps_can_be_mirrored(library):
    draft = express(library)
    with pytest.raises(ProtocolFileError, match="mirrored"):
        draft.mirror_block(0)
    draft.set_field(2, "side", "both")
    with pytest.raises(ProtocolFileError, match="mirrored"):
        draft.mirror_block(2)


def test_findings_follow_the_edits_and_name_their_step(library):
    draft = express(library)
    assert draft.findings() == []
    draft.set_field(4, "current_uA", 350)  # under-eyes limit is 200
    draft.set_field(3, "seconds", 400)
    grouped = draft.findings_by_step()
    assert [f.code for f in grouped[4]] == ["above-zone-limit"]
    assert grouped[4][0].explanation  # the rule's reason travels with it
    assert "side-imbalance" in [f.code for f in grouped[3]]
    assert {f.code for f in grouped[None]} >= {"target-mismatch"}
    assert draft.has_errors


def test_format_problems_in_a_file_are_findings_not_crashes(tmp_path):
    path = tmp_path / "odd.yaml"
    text = (PROTOCOLS / "express-10.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("seconds: 60", "seconds: -60", 1), encoding="utf-8")
    draft = ProtocolDraft.from_file(path)
    protocol, findings = draft.check()
    assert protocol is None
    assert findings[0].code == "not-positive"
    assert findings[0].line is not None


@settings(max_examples=60, deadline=None)
@given(edits=designer_edits())
def test_any_sequence_of_edits_keeps_a_loadable_document(edits):
    draft = edited_blank(edits)
    text = draft.to_text()
    protocol = parse_protocol(text, "new-protocol.yaml")  # raises if the format broke
    assert len(protocol.steps) == len(draft)
    assert ProtocolDraft.from_text(text).to_text() == text


@settings(max_examples=40, deadline=None)
@given(edits=designer_edits(), pick=st.integers(min_value=0, max_value=10**6))
def test_mirror_twice_returns_the_original_block_after_any_edits(edits, pick):
    draft = edited_blank(edits)
    one_sided = [
        i
        for i in range(len(draft))
        if draft.step(i).get("kind", "treatment") == "treatment"
        and draft.step(i).get("side") in ("left", "right")
    ]
    if not one_sided:
        draft.add_step(side="left")
        one_sided = [i for i in range(len(draft)) if draft.step(i).get("side") == "left"]
    index = one_sided[pick % len(one_sided)]
    block = draft.block_of(index)
    original = [draft.step(i) for i in block]
    mirrored = draft.mirror_block(index)
    assert [draft.step(i)["side"] for i in mirrored] == [
        ("left" if s["side"] == "right" else "right") for s in original
    ]
    draft.mirror_block(mirrored.start)
    # Mirrors insert after a block or replace one elsewhere: the original never moves.
    assert [draft.step(i) for i in block] == original


def all_steps(draft: ProtocolDraft) -> list[dict]:
    return [draft.step(i) for i in range(len(draft))]


def assert_only_the_target_changed(before: list[dict], after: list[dict], target: range) -> None:
    if len(after) == len(before):  # replaced a block: its places keep cue and gel prompt
        assert [s for i, s in enumerate(after) if i not in target] == [
            s for i, s in enumerate(before) if i not in target
        ]
        for i in target:
            assert after[i].get("cue") == before[i].get("cue")
            assert after[i].get("rewet_gel") == before[i].get("rewet_gel")
    else:  # inserted a new block
        assert len(after) == len(before) + len(target)
        assert after[: target.start] + after[target.stop :] == before
        assert not any(after[i].get("rewet_gel") for i in target)


@settings(max_examples=40, deadline=None)
@given(edits=designer_edits(), pick=st.integers(min_value=0, max_value=10**6))
def test_mirror_changes_only_its_target_and_twice_changes_nothing_more(edits, pick):
    draft = edited_blank(edits)
    draft.add_step(side="left")
    one_sided = one_side_block_starts(draft)
    start = one_sided[pick % len(one_sided)]
    block = draft.block_of(start)
    before = all_steps(draft)
    mirrored = draft.mirror_block(start)
    once = all_steps(draft)
    assert_only_the_target_changed(before, once, mirrored)
    back = draft.mirror_block(mirrored.start)
    twice = all_steps(draft)
    assert_only_the_target_changed(once, twice, back)
    if back == block:  # mirrored onto the original block: it comes back as it was
        assert twice == once


def test_a_crlf_file_keeps_crlf_line_endings(library):
    path = library / "express-10.yaml"
    crlf = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(crlf.encode("utf-8"))
    draft = ProtocolDraft.from_file(path)
    assert draft.to_text() == crlf
    draft.set_field(2, "seconds", 100)
    draft.save_new_version("patch", note="crlf", today=TODAY)
    saved = path.read_bytes()
    assert saved.count(b"\r\n") == saved.count(b"\n")
    assert b"seconds: 100\r\n" in saved


def test_a_bom_file_is_saved_as_plain_utf8(library):
    path = library / "express-10.yaml"
    original = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + original)
    draft = ProtocolDraft.from_file(path)
    assert draft.to_text().encode("utf-8") == original
    draft.save_new_version("patch", note="no bom", today=TODAY)
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_protocol(path).version == "1.0.1"


def test_the_schema_line_is_added_only_when_no_leading_comment_names_it(library):
    text = (library / "express-10.yaml").read_text(encoding="utf-8")
    noted = "# House version, kept by the front desk\n" + text
    assert ProtocolDraft.from_text(noted).to_text() == noted
    bare = text.split("\n", 1)[1]
    assert ProtocolDraft.from_text(bare).to_text() == text


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda d: d.set_field(2, "seconds", 10**400), "far too large"),
        (lambda d: d.set_field(2, "seconds", 4000), "at most 3600"),
        (lambda d: d.set_field(2, "passes", 1e20), "at most 1000"),
        (lambda d: d.set_field(2, "cue", "half \ud800 surrogate"), "cannot be saved"),
        (lambda d: d.set_field(2, "cue", "bell\x07"), "cannot be saved"),
        (lambda d: d.set_field(2, "cue", 42), "must be text"),
        (lambda d: d.set_field(2, 7, 1), "not a step field"),
        (lambda d: d.move_step(0, 1.5), "whole number"),
        (lambda d: d.move_step(0, -1), "cannot move"),
        (lambda d: d.set_field(99, "seconds", 10), "no step 99"),
        (lambda d: d.set_protocol_field("name", "x\ud800"), "cannot be saved"),
        (lambda d: d.set_protocol_field(None, "x"), "not a field name"),
        (lambda d: d.set_protocol_field("target_minutes", 10**400), "far too large"),
        (lambda d: d.save_new_version("patch", note="ok", today="2026-11-23"), "must be a date"),
        (lambda d: d.save_new_version("patch", note="bad \ud800"), "cannot be saved"),
    ],
)
def test_bad_input_raises_the_packages_own_error(library, call, match):
    draft = express(library)
    before = draft.to_text()
    with pytest.raises(ProtocolFileError, match=match):
        call(draft)
    assert draft.to_text() == before


def test_a_scalar_defaults_field_reads_as_unset():
    text = ProtocolDraft.blank().to_text().replace("defaults:", "old_defaults:")
    draft = ProtocolDraft.from_text(text + "defaults: 250\n")
    assert draft.get("defaults.current_uA") is None
    assert draft.get("defaults.current_uA", 5) == 5


def test_a_document_that_no_longer_loads_is_not_saved_even_as_a_draft(library):
    text = (library / "express-10.yaml").read_text(encoding="utf-8")
    draft = ProtocolDraft.from_text(text + "colour: red\n")
    with pytest.raises(ProtocolFileError, match="no longer fits the format") as caught:
        draft.save_as_new("red-10", library, draft=True)
    assert "colour" in str(caught.value)
    assert not (library / "red-10.yaml").exists()


@settings(max_examples=80, deadline=None)
@given(calls=designer_calls())
def test_any_call_with_any_value_raises_only_the_packages_errors(calls):
    draft = ProtocolDraft.blank()
    for method, args in calls:
        with contextlib.suppress(ProtocolToolsError):
            getattr(draft, method)(*args)
    text = draft.to_text()
    text.encode("utf-8")
    assert draft.check()[0] is not None

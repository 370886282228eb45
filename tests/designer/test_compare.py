"""Comparing protocols: steps added, removed, changed, moved; the diff command."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from conftest import PROTOCOLS
from helpers import TODAY, copy_library, express
from protocol_tools import (
    compare_protocols,
)
from protocol_tools.cli import main
from strategies import designer_edits, edited_blank


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "library")


@pytest.mark.parametrize("protocol_id", [p.stem for p in sorted(PROTOCOLS.glob("*.yaml"))])
def test_a_protocol_compared_with_itself_is_empty(protocol_id):
    comparison = compare_protocols(protocol_id, protocol_id, PROTOCOLS)
    assert comparison.is_empty
    assert comparison.summary() == "no step differs"
    assert all(row.difference == 0 for row in comparison.zone_times())


def test_compare_names_added_removed_and_changed_steps(library):
    draft = express(library)
    draft.set_field(2, "technique", "hold")  # same zone and side: changed
    draft.set_field(2, "hold_seconds", 3)
    draft.remove_step(4)  # under-eyes right: removed
    draft.add_step(zone="neck", side="both")  # added
    comparison = compare_protocols("express-10", draft, library)
    changed = {c.old_index: c for c in comparison.changed}
    assert set(changed[2].fields) == {"technique", "hold_seconds"}
    assert [c.old["zone"] for c in comparison.removed] == ["under-eyes"]
    assert [(c.new["zone"], c.new["side"]) for c in comparison.added] == [("neck", "both")]
    assert comparison.summary() == "1 added, 1 removed, 1 changed"
    times = {(row.zone, row.side): row for row in comparison.zone_times()}
    assert times[("under-eyes", "right")].new_seconds == 0
    assert times[("neck", "both")].difference == 60


def test_compare_two_versions_of_one_protocol(library):
    draft = express(library)
    before = draft.protocol()
    draft.set_field(3, "seconds", 90)
    draft.save_new_version("minor", note="more cheekbone time", today=TODAY)
    comparison = compare_protocols(before, library / "express-10.yaml")
    assert [(c.old_index, c.fields) for c in comparison.changed] == [(3, ("seconds",))]
    frame = comparison.zone_frame()
    assert list(frame.columns) == [
        "zone",
        "side",
        "express-10 1.0.0",
        "express-10 1.1.0",
        "difference",
    ]
    assert frame.set_index(["zone", "side"]).loc[("cheekbones", "right"), "difference"] == 0.25


def test_the_diff_command(library, capsys):
    assert main(["diff", "express-10", "signature-lift-15", "--library", str(library)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("express-10 1.0.0 -> signature-lift-15 1.0.0:")
    assert "+ step" in out
    assert "Device minutes per zone and side" in out
    assert main(["diff", "express-10", "no-such-protocol", "--library", str(library)]) == 1
    assert "no protocol with id 'no-such-protocol'" in capsys.readouterr().err


@settings(max_examples=30, deadline=None)
@given(edits=designer_edits())
def test_a_draft_compared_with_itself_is_empty(edits):
    draft = edited_blank(edits)
    assert compare_protocols(draft, draft).is_empty


def test_compare_pairs_steps_inside_a_block_of_unequal_length(library):
    draft = express(library)
    draft.remove_step(2)  # jawline right
    draft.set_field(2, "technique", "hold")  # cheekbones right
    draft.set_field(3, "technique", "glide-hold")  # under-eyes right
    draft.set_field(3, "hold_seconds", 2)
    comparison = compare_protocols("express-10", draft, library)
    assert comparison.summary() == "0 added, 1 removed, 2 changed"
    assert [c.old["zone"] for c in comparison.removed] == ["jawline"]
    assert [(c.old_index, c.new_index) for c in comparison.changed] == [(3, 2), (4, 3)]


def test_compare_a_zone_changed_in_place_is_a_change(library):
    draft = express(library)
    draft.set_field(3, "zone", "forehead")
    comparison = compare_protocols("express-10", draft, library)
    assert comparison.summary() == "0 added, 0 removed, 1 changed"
    assert comparison.changed[0].fields == ("zone",)


def test_compare_a_step_moved_by_one_place_is_moved(library):
    draft = express(library)
    draft.move_down(3)
    comparison = compare_protocols("express-10", draft, library)
    assert comparison.summary() == "0 added, 0 removed, 0 changed, 1 moved"
    [moved] = comparison.moved
    assert moved.old["zone"] == moved.new["zone"]
    assert abs(moved.old_index - moved.new_index) == 1
    assert any(line.startswith("> step") for line in comparison.lines())

"""The designer's Python API: edits, mirror, versions, saving, comparing."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PROTOCOLS
from protocol_tools import (
    ExportError,
    LibraryError,
    ProtocolDraft,
    ProtocolFileError,
    ProtocolToolsError,
    bump_version,
    compare_protocols,
    load_library,
    load_protocol,
    parse_protocol,
    validate,
)
from protocol_tools.cli import main
from protocol_tools.designer.draft import SAVE_LOCK_NAME as SAVE_LOCK
from protocol_tools.designer.draft import SCHEMA_LINE
from protocol_tools.protocols.loading import protocol_files
from strategies import designer_calls, designer_edits, edited_blank

TODAY = dt.date(2026, 11, 23)


def copy_library(folder: Path) -> Path:
    """Copy the protocol library's files into ``folder``, so no test writes into the real one."""
    folder.mkdir(parents=True)
    for path in PROTOCOLS.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "library")


def hidden_leftovers(folder: Path) -> list[str]:
    """Hidden files a save left behind, besides the save lock every save keeps."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != SAVE_LOCK]


def express(library: Path) -> ProtocolDraft:
    return ProtocolDraft.from_library("express-10", library)


def zones_and_sides(draft: ProtocolDraft) -> list[tuple]:
    return [(s.get("zone"), s.get("side")) for s in (draft.step(i) for i in range(len(draft)))]


# -- opening and round trips ----------------------------------------------------------


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
        Path(__file__).parents[1] / "src/protocol_tools/protocols/templates/new_protocol.yaml"
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


# -- step edits -------------------------------------------------------------------------


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


# -- mirror -------------------------------------------------------------------------------


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


# -- live findings --------------------------------------------------------------------------


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


# -- versions and saving -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bump", "expected"), [("patch", "1.2.4"), ("minor", "1.3.0"), ("major", "2.0.0")]
)
def test_bump_version(bump, expected):
    assert bump_version("1.2.3", bump) == expected


def test_bump_version_refuses_nonsense():
    with pytest.raises(ValueError, match="bump"):
        bump_version("1.0.0", "huge")
    with pytest.raises(ValueError, match=r"major\.minor\.patch"):
        bump_version("1.0", "patch")


@pytest.mark.parametrize(
    ("bump", "expected"), [("patch", "1.0.1"), ("minor", "1.1.0"), ("major", "2.0.0")]
)
def test_a_new_version_is_bumped_and_records_where_it_came_from(library, bump, expected):
    draft = express(library)
    draft.set_field(2, "seconds", 100)
    path = draft.save_new_version(bump, note="Longer jawline work", today=TODAY)
    assert path == library / "express-10.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(SCHEMA_LINE + "\n")
    assert "# Client's right half" in text
    saved = load_protocol(path)
    assert saved.version == expected
    assert saved.derived_from == "express-10@1.0.0"
    assert [(c.version, c.date, c.note) for c in saved.changes] == [
        (expected, TODAY, "Longer jawline work")
    ]
    assert saved.status == "ready"
    assert [f for f in validate(saved) if f.is_error] == []
    assert draft.origin.label == f"express-10@{expected}"


def test_a_second_version_appends_to_the_history(library):
    draft = express(library)
    draft.save_new_version("minor", note="first change", today=TODAY)
    draft.set_field(2, "passes", 5)
    draft.save_new_version("patch", note="second change", today=TODAY)
    saved = load_protocol(library / "express-10.yaml")
    assert saved.version == "1.1.1"
    assert saved.derived_from == "express-10@1.0.0"  # where it came from, kept
    assert [c.note for c in saved.changes] == ["first change", "second change"]


def test_a_new_version_needs_a_change_note(library):
    before = (library / "express-10.yaml").read_bytes()
    with pytest.raises(ProtocolFileError, match="what changed"):
        express(library).save_new_version("minor", note="   ")
    assert (library / "express-10.yaml").read_bytes() == before


def test_a_version_saved_by_someone_else_meanwhile_is_not_overwritten(library):
    mine, theirs = express(library), express(library)
    mine.set_field(2, "seconds", 100)
    my_edit = mine.to_text()
    theirs.save_new_version("minor", note="their change", today=TODAY)
    after_theirs = (library / "express-10.yaml").read_bytes()
    with pytest.raises(
        LibraryError, match=r"version 1\.1\.0 of express-10 was just saved by someone else"
    ) as caught:
        mine.save_new_version("minor", note="my change")
    assert "your edit is still in this draft" in str(caught.value)
    assert (library / "express-10.yaml").read_bytes() == after_theirs
    assert mine.to_text() == my_edit
    assert mine.origin.version == "1.0.0"


# One practitioner's designer, in its own process: "open" opens the protocol and makes
# this practitioner's edit; "version" saves it as the next version, "new" as the new
# protocol shared-id, and each says how it went.
SAVING_PRACTITIONER = """
import json, sys
from pathlib import Path
from protocol_tools import LibraryError, ProtocolDraft, ProtocolToolsError
path, name, seconds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for command in sys.stdin:
    if command.strip() == "open":
        draft = ProtocolDraft.from_file(path)
        draft.set_field(2, "seconds", seconds)
        edited = draft.to_text()
        print("ready", flush=True)
        continue
    try:
        if command.strip() == "new":
            draft.save_as_new("shared-id", path.parent, note=f"edit by {name}")
        else:
            draft.save_new_version("patch", note=f"edit by {name}")
    except ProtocolToolsError as error:
        outcome = {"saved": False, "library_error": isinstance(error, LibraryError),
                   "message": str(error), "edit_kept": draft.to_text() == edited}
    else:
        outcome = {"saved": True}
    print(json.dumps({"name": name, "seconds": seconds, **outcome}), flush=True)
"""


def _tell(process: subprocess.Popen, command: str) -> None:
    process.stdin.write(command + "\n")
    process.stdin.flush()


@contextlib.contextmanager
def two_practitioners(path: Path):
    """Two designer processes on ``path``; yields ``save(command)``, which has both open
    the protocol, make their edits, then both save at the same moment."""
    practitioners = [
        subprocess.Popen(
            [sys.executable, "-c", SAVING_PRACTITIONER, str(path), name, seconds],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, seconds in (("A", "101"), ("B", "102"))
    ]

    def save(command: str) -> tuple[dict, dict]:
        for process in practitioners:
            _tell(process, "open")
        assert [p.stdout.readline() for p in practitioners] == ["ready\n", "ready\n"]
        for process in practitioners:
            _tell(process, command)
        outcomes = [json.loads(p.stdout.readline()) for p in practitioners]
        (winner,) = [o for o in outcomes if o["saved"]]
        (loser,) = [o for o in outcomes if not o["saved"]]
        assert loser["library_error"]
        assert loser["edit_kept"]
        return winner, loser

    try:
        yield save
    finally:
        for process in practitioners:
            process.stdin.close()
            process.wait(timeout=60)
            process.stdout.close()


def test_two_practitioners_saving_the_same_version_at_once_never_lose_an_edit(library):
    path = library / "express-10.yaml"
    original = path.read_bytes()
    with two_practitioners(path) as save:
        for _ in range(10):
            path.write_bytes(original)
            winner, loser = save("version")
            assert "version 1.0.1 of express-10 was just saved by someone else" in loser["message"]
            assert "your edit is still in this draft" in loser["message"]
            saved = load_protocol(path)
            assert saved.version == "1.0.1"
            assert saved.steps[2].seconds == winner["seconds"]
            assert [c.note for c in saved.changes][-1] == f"edit by {winner['name']}"
            assert [f for f in validate(saved) if f.is_error] == []
    assert sorted(p.name for p in library.glob("*.y*ml")) == sorted(
        p.name for p in PROTOCOLS.glob("*.yaml")
    )
    assert "express-10" in load_library(library)
    assert not load_library(library).problems
    assert (library / SAVE_LOCK).is_file()  # kept (removing it would race), never a protocol
    assert library / SAVE_LOCK not in protocol_files([library])


def test_two_practitioners_saving_one_new_id_at_once_get_one_protocol(library):
    target = library / "shared-id.yaml"
    with two_practitioners(library / "express-10.yaml") as save:
        for _ in range(5):
            target.unlink(missing_ok=True)
            winner, loser = save("new")
            # The second one through the lock finds the id taken, like any later save.
            assert f"'shared-id' already exists in {library} (shared-id.yaml)" in loser["message"]
            saved = load_protocol(target)
            assert (saved.version, saved.steps[2].seconds) == ("1.0.0", winner["seconds"])
            assert saved.changes[0].note == f"edit by {winner['name']}"
    assert not load_library(library).problems


def test_a_hand_edit_that_kept_the_version_is_not_overwritten(library):
    path = library / "express-10.yaml"
    mine = express(library)
    mine.set_field(2, "seconds", 100)
    # Someone fixes a cue in a text editor and leaves the version as it was.
    edited = path.read_text(encoding="utf-8").replace("Confirm today's", "Check today's")
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(LibraryError, match=r"changed by someone else \(still version 1\.0\.0\)"):
        mine.save_new_version("patch", note="my change")
    assert path.read_text(encoding="utf-8") == edited
    assert mine.step(2)["seconds"] == 100


def test_a_file_with_a_mistyped_version_gets_a_clear_error(library):
    path = library / "express-10.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.0"), encoding="utf-8"
    )
    with pytest.raises(ProtocolFileError, match=r"major\.minor\.patch"):
        ProtocolDraft.from_file(path).save_new_version("patch", note="x")


def test_a_blank_protocol_has_no_earlier_version():
    with pytest.raises(LibraryError, match="new protocol"):
        ProtocolDraft.blank().save_new_version("patch", note="x")


def test_save_as_new_starts_a_history_and_records_the_origin(library):
    draft = express(library)
    draft.add_step(zone="neck", side="right", technique="glide", seconds=45)
    draft.mirror_block(10)
    path = draft.save_as_new(
        "express-neck-12",
        library,
        name="Express with neck",
        note="Express plus neck for a client with a lined neck",
        today=TODAY,
    )
    assert path == library / "express-neck-12.yaml"
    saved = load_protocol(path)
    assert (saved.id, saved.name, saved.version) == (
        "express-neck-12",
        "Express with neck",
        "1.0.0",
    )
    assert saved.derived_from == "express-10@1.0.0"
    assert [(c.version, c.note) for c in saved.changes] == [
        ("1.0.0", "Express plus neck for a client with a lined neck")
    ]
    assert main(["validate", str(path)]) == 0
    original = (PROTOCOLS / "express-10.yaml").read_bytes()
    assert (library / "express-10.yaml").read_bytes() == original


def test_save_as_new_from_blank_has_no_origin(library):
    path = ProtocolDraft.blank().save_as_new("house-lift", library, today=TODAY)
    saved = load_protocol(path)
    assert saved.derived_from is None
    assert saved.changes[0].note == "First version"


def test_save_as_new_never_overwrites_an_existing_file(library):
    before = (library / "signature-lift-15.yaml").read_bytes()
    with pytest.raises(LibraryError, match="already exists"):
        express(library).save_as_new("signature-lift-15", library)
    assert (library / "signature-lift-15.yaml").read_bytes() == before


@pytest.mark.parametrize("bad_id", ["My Lift", "../escape", "", "a" * 65, "lift_15"])
def test_save_as_new_refuses_a_bad_id(library, bad_id):
    with pytest.raises(ProtocolFileError, match="slug" if bad_id else "is required"):
        ProtocolDraft.blank().save_as_new(bad_id, library)
    assert sorted(p.name for p in library.iterdir()) == sorted(
        p.name for p in PROTOCOLS.glob("*.yaml")
    )


def test_a_protocol_with_errors_is_saved_only_as_a_draft(library):
    draft = express(library)
    draft.set_field(2, "current_uA", 900)
    with pytest.raises(ProtocolFileError, match="save as a draft") as caught:
        draft.save_as_new("too-strong", library)
    assert {f.code for f in caught.value.findings} == {"above-zone-limit", "above-setting-limit"}
    assert not (library / "too-strong.yaml").exists()
    path = draft.save_as_new("too-strong", library, draft=True, today=TODAY)
    assert load_protocol(path).status == "draft"
    listed = load_library(library)
    assert "too-strong" in listed.drafts
    assert "too-strong" not in listed.protocols


def test_a_draft_saved_clean_again_becomes_ready(library):
    draft = express(library)
    draft.set_field(2, "current_uA", 900)
    draft.save_new_version("patch", note="trying a stronger jaw", draft=True, today=TODAY)
    assert load_protocol(library / "express-10.yaml").status == "draft"
    draft.set_field(2, "current_uA", None)
    draft.save_new_version("patch", note="back to the default", today=TODAY)
    assert load_protocol(library / "express-10.yaml").status == "ready"


def test_a_failed_save_leaves_the_original_byte_identical_and_no_temporary_file(
    library, monkeypatch
):
    before = (library / "express-10.yaml").read_bytes()
    draft = express(library)
    draft.set_field(2, "seconds", 100)

    def crash(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ExportError, match="No space left"):
        draft.save_new_version("minor", note="will not land")
    monkeypatch.undo()
    assert (library / "express-10.yaml").read_bytes() == before
    assert hidden_leftovers(library) == []
    # The draft still holds the edit and its old origin, so the user can retry.
    assert draft.step(2)["seconds"] == 100
    assert draft.origin.version == "1.0.0"
    draft.save_new_version("minor", note="lands now", today=TODAY)
    assert load_protocol(library / "express-10.yaml").version == "1.1.0"


# -- comparing -----------------------------------------------------------------------------------


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


# -- any sequence of edits ------------------------------------------------------------------------


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


@settings(max_examples=30, deadline=None)
@given(edits=designer_edits())
def test_a_draft_compared_with_itself_is_empty(edits):
    draft = edited_blank(edits)
    assert compare_protocols(draft, draft).is_empty


# -- saving next to other files (review 2) ---------------------------------------------------


def test_save_as_new_refuses_an_id_a_yml_file_already_holds(library):
    (library / "express-10.yaml").rename(library / "express-10.yml")
    before = sorted(p.name for p in library.iterdir())
    with pytest.raises(LibraryError, match="already exists"):
        express(library).save_as_new("express-10", library)
    assert sorted(p.name for p in library.iterdir() if p.name != SAVE_LOCK) == before
    assert "express-10" in load_library(library)
    assert not load_library(library).problems


@pytest.mark.parametrize("status", ["ready", "draft", "broken"])
def test_save_as_new_refuses_an_id_a_file_of_another_name_holds(library, status):
    text = (library / "express-10.yaml").read_text(encoding="utf-8")
    text = text.replace("id: express-10", "id: renamed-10")
    if status == "draft":
        text = text.replace("scope: full-face", "scope: full-face\nstatus: draft")
    if status == "broken":
        text = text.replace("setting: clinic", "setting: spa")
    (library / "old-name.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(LibraryError, match=r"old-name\.yaml"):
        express(library).save_as_new("renamed-10", library)
    assert not (library / "renamed-10.yaml").exists()


def test_save_as_new_creates_the_file_exclusively(library, monkeypatch):
    import protocol_tools.designer.draft as designer

    draft = express(library)
    # Someone else saves the same id between the check and the write.
    monkeypatch.setattr(designer, "_files_by_id", lambda folder: {})
    real_link = os.link

    def someone_else_first(source, target):
        Path(target).write_text("theirs", encoding="utf-8")
        real_link(source, target)

    monkeypatch.setattr(os, "link", someone_else_first)
    with pytest.raises(LibraryError, match="appeared while saving"):
        draft.save_as_new("race-10", library)
    assert (library / "race-10.yaml").read_text(encoding="utf-8") == "theirs"
    assert hidden_leftovers(library) == []


def test_save_as_new_says_so_when_the_folder_refuses_links(library, monkeypatch):
    def no_links(*_args):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    with pytest.raises(ExportError, match="refused the link"):
        express(library).save_as_new("linkless-10", library)
    assert not (library / "linkless-10.yaml").exists()
    assert hidden_leftovers(library) == []


def test_a_file_whose_name_differs_from_its_id_shows_the_findings_before_saving(library):
    bom = library / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + (library / "signature-lift-15.yaml").read_bytes())
    draft = ProtocolDraft.from_file(bom)
    codes = {f.code for f in draft.findings()}
    assert {"id-mismatch", "duplicate-id"} <= codes
    before = bom.read_bytes()
    with pytest.raises(ProtocolFileError, match="save as a draft") as caught:
        draft.save_new_version("patch", note="would hide signature-lift-15")
    assert {"id-mismatch", "duplicate-id"} <= {f.code for f in caught.value.findings}
    assert bom.read_bytes() == before
    assert main(["validate", str(library / "signature-lift-15.yaml")]) == 0


def test_from_library_opens_a_protocol_by_id_whatever_its_file_is_called(library):
    text = (library / "express-10.yaml").read_text(encoding="utf-8")
    (library / "express-10.yaml").unlink()
    (library / "old-name.yml").write_text(
        text.replace("id: express-10", "id: renamed-10").replace(
            "scope: full-face", "scope: full-face\nstatus: draft"
        ),
        encoding="utf-8",
    )
    draft = ProtocolDraft.from_library("renamed-10", library)
    assert draft.origin.path == library / "old-name.yml"
    assert "id-mismatch" in {f.code for f in draft.findings()}
    with pytest.raises(LibraryError, match="renamed-10"):
        ProtocolDraft.from_library("renamed-1", library)


def test_a_new_version_keeps_where_the_protocol_came_from(library):
    path = express(library).save_as_new("my-lift", library, today=TODAY)
    mine = ProtocolDraft.from_library("my-lift", library)
    mine.set_field(2, "seconds", 100)
    mine.save_new_version("patch", note="longer jaw", today=TODAY)
    saved = load_protocol(path)
    assert saved.derived_from == "express-10@1.0.0"
    assert [c.version for c in saved.changes] == ["1.0.0", "1.0.1"]


# -- save format (review 2) -----------------------------------------------------------------


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


# -- the Python API refuses bad input with its own errors (review 2) -------------------------


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


# -- comparing (review 2) --------------------------------------------------------------------


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

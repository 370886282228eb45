"""Saving drafts: new versions, new protocols, locks, and files saved meanwhile."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROTOCOLS
from helpers import TODAY, copy_library, express, hidden_leftovers
from protocol_tools import (
    ExportError,
    LibraryError,
    ProtocolDraft,
    ProtocolFileError,
    bump_version,
    load_library,
    load_protocol,
    validate,
)
from protocol_tools.cli import main
from protocol_tools.designer.document import SCHEMA_LINE
from protocol_tools.protocols.folder import SAVE_LOCK_NAME as SAVE_LOCK
from protocol_tools.protocols.loading import protocol_files


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return copy_library(tmp_path / "library")


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
    import protocol_tools.protocols.folder as library_folder

    draft = express(library)
    # Someone else saves the same id between the check and the write.
    monkeypatch.setattr(library_folder, "files_by_id", lambda folder: {})
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

"""Saving a draft: as a new protocol, or as the next version of the file it came from.

Both check the library folder, then write, under the folder's save lock; a new
file is created without ever replacing one, and a new version is refused when
someone saved the file after the draft was opened (:class:`SavedMeanwhileError`).
:class:`~protocol_tools.designer.draft.ProtocolDraft` saves through these functions.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..core.atomic import atomic_write_text, create_new_bytes, file_lock
from ..core.errors import LibraryError, ProtocolFileError
from ..protocols.folder import SAVE_LOCK_NAME, check_id_is_free
from ..protocols.loading import default_library_dir
from ..protocols.model import SLUG_PATTERN
from .document import PROTOCOL_FIELDS, put_in_order
from .values import change_note, edit_error, shown_input

if TYPE_CHECKING:
    from .draft import ProtocolDraft

__all__ = [
    "BUMPS",
    "SAVE_LOCK_NAME",
    "Origin",
    "SavedMeanwhileError",
    "bump_version",
    "fingerprint",
    "save_as_new",
    "save_new_version",
]

BUMPS = ("patch", "minor", "major")


def bump_version(version: str, bump: str) -> str:
    """The next version: ``bump_version("1.2.3", "minor") == "1.3.0"``."""
    if bump not in BUMPS:
        raise ValueError(f"bump must be one of {', '.join(BUMPS)}, not {bump!r}")
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", str(version))
    if match is None:
        raise ValueError(f"version must be major.minor.patch, like 1.0.0 (got {version!r})")
    major, minor, patch = (int(part) for part in match.groups())
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def fingerprint(text: str) -> str:
    """A digest of a file's text, to tell whether someone changed it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Origin:
    """Where a draft came from: the file, the id and version it held then, and a
    fingerprint of its text, to tell whether someone changed it since."""

    path: Path
    id: str
    version: str
    fingerprint: str | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}"


class SavedMeanwhileError(LibraryError):
    """Someone else saved the protocol after this draft was opened: nothing was written,
    and the draft keeps its edit. ``saved_version`` is what the file holds now (None
    when it no longer reads as a protocol)."""

    def __init__(self, opened: Origin, now: Origin | None) -> None:
        if now is None:
            what = f"{opened.path.name} was changed or removed by someone else"
        elif now.version != opened.version:
            what = f"version {now.version} of {opened.id} was just saved by someone else"
        else:
            what = f"{opened.path.name} was changed by someone else (still version {now.version})"
        super().__init__(
            f"{what} after you opened {opened.label}, so your version was not saved; "
            "your edit is still in this draft: reload the protocol to see theirs, or save "
            "yours as a new protocol"
        )
        self.protocol_id = opened.id
        self.saved_version = now.version if now is not None else None


def save_as_new(
    edited: ProtocolDraft,
    new_id: str,
    folder: str | Path | None = None,
    *,
    name: str | None = None,
    note: str | None = None,
    draft: bool = False,
    today: dt.date | None = None,
) -> Path:
    """Save ``edited`` as a new protocol ``new_id``; see ``ProtocolDraft.save_as_new``."""
    if new_id is None or new_id == "":
        raise edit_error("is required: type a new id, like my-lift-15", ("id",), "missing-field")
    if not isinstance(new_id, str) or not re.fullmatch(SLUG_PATTERN, new_id) or len(new_id) > 64:
        raise edit_error(
            f"must be a lower-case slug of letters, digits and hyphens, "
            f"like my-lift-15 (got {shown_input(new_id)})",
            ("id",),
        )
    folder = Path(folder) if folder is not None else default_library_dir()
    with file_lock(folder / SAVE_LOCK_NAME):
        check_id_is_free(new_id, folder)
        staged = _staged_as_new(edited, new_id, name, note, today)
        return _write(edited, staged, folder / f"{new_id}.yaml", draft, new_file=True)


def _staged_as_new(
    edited: ProtocolDraft, new_id: str, name: str | None, note: str | None, today: dt.date | None
) -> ProtocolDraft:
    staged = _copy(edited)
    if name is not None:
        staged.set_protocol_field("name", name)
    put_in_order(staged.document, "id", new_id, PROTOCOL_FIELDS)
    put_in_order(staged.document, "version", "1.0.0", PROTOCOL_FIELDS)
    origin = edited.origin
    if origin is not None:
        put_in_order(staged.document, "derived_from", origin.label, PROTOCOL_FIELDS)
    else:
        staged.document.pop("derived_from", None)
    first_note = note or (f"Made from {origin.label}" if origin else "First version")
    staged.document.pop("changes", None)
    _add_change(staged, "1.0.0", change_note(first_note), today)
    return staged


def save_new_version(
    edited: ProtocolDraft,
    bump: str = "patch",
    *,
    note: str,
    draft: bool = False,
    today: dt.date | None = None,
) -> Path:
    """Save ``edited`` over its file as the next version; see
    ``ProtocolDraft.save_new_version``."""
    opened = edited.origin
    if opened is None:
        raise LibraryError("this protocol has no earlier version: save it as a new protocol")
    note = change_note(note)
    try:
        new_version = bump_version(opened.version, bump)
    except ValueError as error:  # e.g. a file that wrote version: 1.0
        raise edit_error(str(error), ("version",)) from None
    staged = _copy(edited)
    put_in_order(staged.document, "id", opened.id, PROTOCOL_FIELDS)
    put_in_order(staged.document, "version", new_version, PROTOCOL_FIELDS)
    if not staged.document.get("derived_from"):
        put_in_order(staged.document, "derived_from", opened.label, PROTOCOL_FIELDS)
    _add_change(staged, new_version, note, today)
    with file_lock(opened.path.parent / SAVE_LOCK_NAME):
        now = _origin_on_disk(edited, opened.path)
        if now is None or not _same_file(opened, now):
            raise SavedMeanwhileError(opened, now)
        return _write(edited, staged, opened.path, draft)


def _copy(edited: ProtocolDraft) -> ProtocolDraft:
    twin = type(edited)(copy.deepcopy(edited.document), origin=edited.origin)
    twin.newline = edited.newline
    return twin


def _add_change(staged: ProtocolDraft, version: str, note: str, today: dt.date | None) -> None:
    if today is not None and (not isinstance(today, dt.date) or isinstance(today, dt.datetime)):
        raise edit_error(
            f"must be a date (got {shown_input(today)})", ("changes", "date"), "wrong-type"
        )
    changes = staged.document.get("changes")
    if not isinstance(changes, CommentedSeq):
        changes = CommentedSeq()
        put_in_order(staged.document, "changes", changes, PROTOCOL_FIELDS)
    entry = CommentedMap()
    entry["version"] = version
    entry["date"] = today or dt.date.today()
    entry["note"] = note
    changes.append(entry)


def _write(
    edited: ProtocolDraft,
    staged: ProtocolDraft,
    target: Path,
    draft: bool,
    *,
    new_file: bool = False,
) -> Path:
    """Check ``staged`` as the file it becomes, write it, and make it ``edited``'s state."""
    staged.document.pop("status", None)
    # Checked as the file it becomes, so a wrong name or a shared id shows up now.
    staged.origin = Origin(target, str(staged.document["id"]), str(staged.document["version"]))
    _refuse_errors(staged, draft)
    if draft:
        put_in_order(staged.document, "status", "draft", PROTOCOL_FIELDS)
    text = staged.to_text()
    if new_file:
        try:
            create_new_bytes(target, text.encode("utf-8"))
        except FileExistsError:
            raise LibraryError(
                f"{target} already exists (it appeared while saving): choose another id"
            ) from None
    else:
        atomic_write_text(target, text)
    edited.document = staged.document
    edited.origin = replace(staged.origin, fingerprint=fingerprint(text))
    return target


def _refuse_errors(staged: ProtocolDraft, draft: bool) -> None:
    """Refuse a protocol that does not fit the format, or (unless a draft) has errors."""
    protocol, findings = staged.check()
    if protocol is None:
        raise ProtocolFileError(
            "cannot save: the protocol no longer fits the format, so it could not be "
            "read back even as a draft; fix these first",
            findings,
        )
    errors = [f for f in findings if f.is_error]
    if errors and not draft:
        raise ProtocolFileError(
            f"{len(errors)} error{'s' if len(errors) != 1 else ''} left: fix "
            f"{'them' if len(errors) != 1 else 'it'} or save as a draft",
            errors,
        )


def _origin_on_disk(edited: ProtocolDraft, path: Path) -> Origin | None:
    """What ``path`` holds now (None when it no longer reads as a protocol)."""
    try:
        return type(edited).from_file(path).origin
    except ProtocolFileError:
        return None


def _same_file(opened: Origin, now: Origin) -> bool:
    """Whether the file still holds what the draft was opened from."""
    if now.version != opened.version:
        return False
    return opened.fingerprint is None or now.fingerprint == opened.fingerprint

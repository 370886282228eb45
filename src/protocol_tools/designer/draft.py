"""Design protocols: edit a draft, check it live, save new protocols or versions, compare.

A :class:`ProtocolDraft` wraps the round-trip YAML document, so editing an
existing file keeps its comments and key order; every edit offers only valid
choices, and saving is atomic::

    >>> from protocol_tools import ProtocolDraft, compare_protocols
    >>> draft = ProtocolDraft.from_library("express-10")            # doctest: +SKIP
    >>> draft.set_field(2, "seconds", 120)                           # doctest: +SKIP
    >>> draft.mirror_block(2)       # copy the right-side block onto the left  # doctest: +SKIP
    >>> [f.code for f in draft.findings()]                           # doctest: +SKIP
    ['target-mismatch', ...]
    >>> draft.save_new_version("minor", note="Longer jawline work")  # doctest: +SKIP
    PosixPath('protocols/express-10.yaml')
    >>> compare_protocols("express-10", "full-lift-20").summary()    # doctest: +SKIP
    '3 added, 1 removed, 4 changed'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..core.errors import LibraryError, ProtocolFileError
from ..core.findings import Finding
from ..core.safe_yaml import YamlProblem, read_text_file
from ..protocols.checks import validate
from ..protocols.folder import starting_protocol_text
from ..protocols.loading import (
    default_library_dir,
    load_library,
    parse_protocol,
    unknown_id_message,
    unreadable_error,
)
from ..protocols.model import Protocol
from ..reference.rules import make_finding
from . import fields as field_edits
from . import mirror, store
from .document import (
    STEP_FIELDS,
    document_text,
    fresh_map,
    plain,
    read_document,
)
from .folder_ids import duplicate_id_findings
from .store import BUMPS, Origin, SavedMeanwhileError, bump_version, fingerprint
from .values import (
    KINDS,
    check_choice,
    edit_error,
    field_words,
    shown_input,
    step_of,
)

__all__ = [
    "BUMPS",
    "STEP_FIELDS",
    "Origin",
    "ProtocolDraft",
    "SavedMeanwhileError",
    "bump_version",
    "field_words",
    "step_of",
]

BLANK_ID = "new-protocol"
BLANK_NAME = "New protocol"
# The model's own bound on the number of steps, read rather than repeated.
_MAX_STEPS = next(
    item.max_length
    for item in Protocol.model_fields["steps"].metadata
    if getattr(item, "max_length", None)
)


class _NoSuchStep(ProtocolFileError, IndexError):
    """A step index the protocol does not have (an IndexError too, for old callers)."""


class ProtocolDraft:
    """A protocol being edited, kept as a round-trip YAML document.

    Open one with :meth:`blank`, :meth:`from_library`, :meth:`from_file` or
    :meth:`from_text`; edit steps by index (0-based); save with
    :meth:`save_as_new` or :meth:`save_new_version`.
    """

    def __init__(self, document: CommentedMap, *, origin: Origin | None = None) -> None:
        if not isinstance(document, CommentedMap):
            raise ProtocolFileError(
                "a protocol file must be a set of fields (format, id, steps…)",
                [make_finding("wrong-type", "must be a set of fields")],
            )
        steps = document.get("steps")
        if not isinstance(steps, CommentedSeq) or not all(
            isinstance(s, CommentedMap) for s in steps
        ):
            raise ProtocolFileError(
                "the designer needs a list of steps, each a set of fields",
                [make_finding("wrong-type", "must be a list of steps", ("steps",))],
            )
        self.document = document
        self.origin = origin
        self.newline = "\n"  # "\r\n" for a file written that way (from_text sets it)

    # -- opening ------------------------------------------------------------------
    @classmethod
    def from_text(
        cls, text: str, source: str = "<text>", *, origin: Origin | None = None
    ) -> ProtocolDraft:
        """A draft from YAML text; hostile or broken YAML is refused first.

        The text's line endings (``\\n`` or ``\\r\\n``) are kept for saving.
        """
        document, newline = read_document(text, source)
        draft = cls(document, origin=origin)
        draft.newline = newline
        return draft

    @classmethod
    def from_file(cls, path: str | Path) -> ProtocolDraft:
        """A draft of an existing protocol file; saving it again needs a new version."""
        path = Path(path)
        try:
            text = read_text_file(path)
        except YamlProblem as problem:
            raise unreadable_error(str(path), problem) from None
        draft = cls.from_text(text, str(path))
        draft.origin = Origin(
            path,
            str(draft.document.get("id", path.stem)),
            str(draft.document.get("version", "0.0.0")),
            fingerprint(text),
        )
        return draft

    @classmethod
    def from_library(cls, protocol_id: str, library_dir: str | Path | None = None) -> ProtocolDraft:
        """A draft of the library protocol ``protocol_id`` (ready or draft), whatever
        its file is called."""
        folder = Path(library_dir) if library_dir is not None else default_library_dir()
        library = load_library(folder)
        protocol = library.protocols.get(protocol_id) or library.drafts.get(protocol_id)
        if protocol is None or protocol.path is None:
            known = {**library.protocols, **library.drafts}
            raise LibraryError(unknown_id_message(str(protocol_id), known, folder))
        return cls.from_file(protocol.path)

    @classmethod
    def blank(cls, name: str = BLANK_NAME) -> ProtocolDraft:
        """A new draft from the template ``protocol-tools new`` writes."""
        text = starting_protocol_text(BLANK_ID, name)
        return cls.from_text(text, "new_protocol.yaml")

    # -- reading ------------------------------------------------------------------
    @property
    def steps(self) -> CommentedSeq:
        return self.document["steps"]

    def __len__(self) -> int:
        return len(self.steps)

    def step(self, index: int) -> dict[str, Any]:
        """Step ``index`` as plain data."""
        return plain(self.steps[self._index(index)])

    def get(self, name: str, default: Any = None) -> Any:
        """A protocol field (``"defaults.current_uA"`` reaches into defaults)."""
        if not isinstance(name, str):
            raise edit_error(f"is not a field name ({shown_input(name)})", (), "unknown-field")
        if name.startswith("defaults."):
            defaults = self.document.get("defaults")
            if not isinstance(defaults, dict):  # "defaults: 250" is a format finding
                return default
            return plain(defaults.get(name.split(".", 1)[1], default))
        return plain(self.document.get(name, default))

    @property
    def id(self) -> str:
        return str(self.document.get("id", ""))

    def to_text(self) -> str:
        """The YAML text this draft would be saved as (schema line first), in the
        line-ending style of the file it came from."""
        return document_text(self.document, self.newline)

    @property
    def source(self) -> str:
        """The file findings name: the one this draft came from, else ``<id>.yaml``."""
        return str(self.origin.path) if self.origin else f"{self.id or BLANK_ID}.yaml"

    def protocol(self) -> Protocol:
        """The draft as a :class:`Protocol`; ProtocolFileError if it does not fit the format.

        It carries the draft's file as its path, so the id-mismatch check applies.
        """
        protocol = parse_protocol(self.to_text(), self.source)
        if self.origin is not None:
            protocol._path = str(self.origin.path)
        return protocol

    def check(self) -> tuple[Protocol | None, list[Finding]]:
        """The protocol (None if it does not fit the format) and every finding.

        A draft opened from a file is also checked against the other files of its
        folder: another file holding the same id is a ``duplicate-id`` error. (The
        ids of the folder's files are read again only where a file changed:
        :mod:`~protocol_tools.designer.folder_ids`.)
        """
        try:
            protocol = self.protocol()
        except ProtocolFileError as error:
            return None, error.findings
        findings = validate(protocol)
        if self.origin is not None:
            findings = duplicate_id_findings(protocol, self.origin.path) + findings
        return protocol, findings

    def findings(self) -> list[Finding]:
        """Every finding for the edited state: format problems, else the validator's."""
        return self.check()[1]

    def findings_by_step(
        self, findings: Iterable[Finding] | None = None
    ) -> dict[int | None, list[Finding]]:
        """Findings keyed by the 0-based step they concern (None: the whole protocol).

        Pass ``findings`` from :meth:`check` to group them without checking again.
        """
        grouped: dict[int | None, list[Finding]] = {}
        for finding in self.findings() if findings is None else findings:
            grouped.setdefault(step_of(finding), []).append(finding)
        return grouped

    @property
    def has_errors(self) -> bool:
        return any(finding.is_error for finding in self.findings())

    # -- step edits ---------------------------------------------------------------
    def _index(self, index: int, *, end_ok: bool = False) -> int:
        count = len(self.steps) + (1 if end_ok else 0)
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
            message = (
                f"has no step {shown_input(index)}: the protocol has {len(self.steps)} "
                "steps (numbered from 0 here)"
            )
            raise _NoSuchStep(f"steps {message}", [make_finding("bad-value", message, ("steps",))])
        return index

    def add_step(self, index: int | None = None, **fields: Any) -> int:
        """Insert a treatment step (or ``kind="prep"``/``"closing"``) at ``index``.

        Without ``index`` it goes after the last treatment step. Unset fields
        take sensible starting values. Returns the new step's index.
        """
        if len(self.steps) >= _MAX_STEPS:
            raise edit_error("has too many steps already", ("steps",))
        if index is None:
            treatments = [
                i for i, s in enumerate(self.steps) if s.get("kind", "treatment") == "treatment"
            ]
            index = treatments[-1] + 1 if treatments else len(self.steps)
        index = self._index(index, end_ok=True)
        kind = fields.pop("kind", "treatment")
        check_choice(kind, KINDS, ("steps", index, "kind"))
        self.steps.insert(index, field_edits.starting_step(kind))
        try:
            for name, value in fields.items():
                self.set_field(index, name, value)
        except BaseException:
            del self.steps[index]
            raise
        return index

    def remove_step(self, index: int) -> None:
        """Remove step ``index`` (a protocol keeps at least one step)."""
        index = self._index(index)
        if len(self.steps) == 1:
            raise edit_error("needs at least one step", ("steps",), "missing-field")
        del self.steps[index]

    def duplicate_step(self, index: int) -> int:
        """Put a copy of step ``index`` right after it; returns the copy's index."""
        index = self._index(index)
        self.steps.insert(index + 1, fresh_map(self.steps[index].items()))
        return index + 1

    def move_step(self, index: int, offset: int) -> int:
        """Move step ``index`` by ``offset`` places (-1: up); returns its new index."""
        index = self._index(index)
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise edit_error(
                f"moves by a whole number of places (got {shown_input(offset)})",
                ("steps", index),
                "wrong-type",
            )
        target = index + offset
        if not 0 <= target < len(self.steps):
            message = f"cannot move {offset:+d}: the protocol has {len(self.steps)} steps"
            raise _NoSuchStep(
                f"step {index + 1} {message}",
                [make_finding("bad-value", message, ("steps", index))],
            )
        step = self.steps.pop(index)
        self.steps.insert(target, step)
        return target

    def move_up(self, index: int) -> int:
        return self.move_step(index, -1)

    def move_down(self, index: int) -> int:
        return self.move_step(index, 1)

    def set_field(self, index: int, name: str, value: Any) -> None:
        """Set one field of step ``index``; ``None`` removes an optional field.

        Only valid choices are taken: zones and techniques from ``data/``, the
        three sides and kinds, positive numbers, short text. Turning a step into
        prep or closing drops its device settings (and the reverse adds them).
        """
        field_edits.set_step_field(self.steps, self._index(index), name, value)

    def set_protocol_field(self, name: str, value: Any) -> None:
        """Set a protocol-wide field: name, summary, setting, scope, target_minutes,
        author, description, ``defaults.current_uA`` or ``defaults.frequency_hz``."""
        field_edits.set_protocol_field(self.document, name, value)

    # -- mirroring ----------------------------------------------------------------
    def block_of(self, index: int) -> range:
        """The run of treatment steps on one side (left or right) around step ``index``."""
        return mirror.block_of(self.steps, self._index(index))

    def mirror_block(self, index: int) -> range:
        """Mirror the one-side block holding step ``index`` onto the other side.

        The copy has the other side, and "left"/"right" swapped in its cue and
        action. It replaces the other side's matching block (the same zones in
        the same order) when there is one, else it goes right after the block.
        A replaced step keeps its own cue and gel prompt (``rewet_gel``): they
        belong to where the step stands ("Gel the left half now"), not to the
        work it does. A new copy never takes a gel prompt along. Returns where
        the mirrored block now stands.
        """
        return mirror.mirror_block(self.steps, self._index(index))

    # -- saving -------------------------------------------------------------------
    def save_as_new(
        self,
        new_id: str,
        folder: str | Path | None = None,
        *,
        name: str | None = None,
        note: str | None = None,
        draft: bool = False,
        today: dt.date | None = None,
    ) -> Path:
        """Save as a new protocol ``new_id`` in ``folder`` (default: the library).

        It starts at version 1.0.0 with one change note; ``derived_from`` names
        the protocol it was made from. Refused when any file of the folder holds
        that id or is named after it (``.yaml`` or ``.yml``), and the new file is
        created without ever replacing one. A protocol with errors is saved only
        with ``draft=True`` (``status: draft``).
        """
        return store.save_as_new(
            self, new_id, folder, name=name, note=note, draft=draft, today=today
        )

    def save_new_version(
        self, bump: str = "patch", *, note: str, draft: bool = False, today: dt.date | None = None
    ) -> Path:
        """Save over the file this draft came from as its next version.

        ``bump`` is patch, minor or major; ``note`` (required) says what changed
        and joins ``changes:`` with today's date. ``derived_from`` keeps the
        protocol this one was made from; when there is none it records the
        version this one replaces.

        Refused, with the draft left as it is (:class:`SavedMeanwhileError`), when
        someone saved the file after it was opened, even at the same moment from
        another tab or computer.
        """
        return store.save_new_version(self, bump, note=note, draft=draft, today=today)

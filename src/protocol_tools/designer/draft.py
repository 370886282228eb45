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

import argparse
import copy
import datetime as dt
import difflib
import hashlib
import io
import json
import math
import re
import unicodedata
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ..core.atomic import atomic_write_text, create_new_bytes, file_lock
from ..core.errors import LibraryError, ProtocolFileError
from ..core.findings import Finding, make_finding
from ..core.safe_yaml import YamlProblem, read_text_file, read_yaml_file, read_yaml_text
from ..core.text import number
from ..protocols.checks import validate
from ..protocols.loading import (
    PROTOCOL_SUFFIXES,
    _unknown_id_message,
    default_library_dir,
    duplicate_id_finding,
    load_library,
    parse_protocol,
    protocol_files,
    resolve_protocol,
    unreadable_error,
)
from ..protocols.model import MAX_PASSES, MAX_STEP_SECONDS, SLUG_PATTERN, Protocol, Step
from ..reference.data import reference

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BUMPS",
    "STEP_FIELDS",
    "Origin",
    "ProtocolComparison",
    "ProtocolDraft",
    "StepChange",
    "ZoneTime",
    "bump_version",
    "compare_protocols",
    "describe_step",
    "field_words",
    "register",
    "shown_value",
    "step_of",
]

SCHEMA_LINE = "# yaml-language-server: $schema=schema/protocol.schema.json"
_SCHEMA_MARK = "$schema="
BLANK_ID = "new-protocol"
BLANK_NAME = "New protocol"
BUMPS = ("patch", "minor", "major")
KINDS = ("prep", "treatment", "closing")
SIDES = ("left", "right", "both")
SETTINGS = ("clinic", "home")
SCOPES = ("full-face", "targeted")

# Fields a step row edits, in the order the model (and so a tidy file) has them.
STEP_FIELDS = tuple(Step.model_fields)
_PROTOCOL_FIELDS = tuple(Protocol.model_fields)
_TEXT_FIELDS = {"action", "direction", "cue"}
_NUMBER_FIELDS = {"seconds", "hold_seconds", "current_uA", "frequency_hz"}
_TREATMENT_ONLY = (
    "zone",
    "side",
    "technique",
    "direction",
    "passes",
    "hold_seconds",
    "current_uA",
    "frequency_hz",
)
# Saving checks the folder, then writes; this lock (one per library folder, hidden
# so it is never read as a protocol) makes the two one step for every designer.
SAVE_LOCK_NAME = ".protocol-tools.lock"
_SHORT_TEXT_MAX = 300
_LONG_TEXT_MAX = 5000
# The model's own bound on the number of steps, read rather than repeated.
_MAX_STEPS = next(
    item.max_length
    for item in Protocol.model_fields["steps"].metadata
    if getattr(item, "max_length", None)
)
# Fields that belong to a step's place in the session, not to the work it does.
_KEPT_BY_PLACE = ("rewet_gel", "cue")
_SWAP_SIDES = re.compile(r"\b(left|right|Left|Right|LEFT|RIGHT)\b")
_SWAPPED = {
    "left": "right",
    "right": "left",
    "Left": "Right",
    "Right": "Left",
    "LEFT": "RIGHT",
    "RIGHT": "LEFT",
}


def _round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    # Library files indent lists under their key ("  - zone: …") and never wrap
    # long lines; matching that makes an untouched file come back byte-identical.
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


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


def _edit_error(
    message: str, path: Sequence[Hashable], code: str = "bad-value"
) -> ProtocolFileError:
    """An edit the model would refuse, worded like a file finding."""
    finding = make_finding(code, message, path)
    return ProtocolFileError(f"{field_words(finding)} {message}", [finding])


def field_words(finding: Finding) -> str:
    """Where a finding points, for people: "step 3 zone" (steps counted from 1)."""
    path = finding.path
    if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int):
        rest = ".".join(str(part) for part in path[2:])
        return f"step {path[1] + 1} {rest}".strip()
    return finding.field or "the protocol"


def _plain(value: Any) -> Any:
    """Round-trip nodes as plain Python data (comments dropped)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _fresh_map(items: Iterable[tuple[str, Any]]) -> CommentedMap:
    # A new mapping without the comments of the step it came from, so copying a
    # step never copies a "# Client's left half" heading along with it.
    mapping = CommentedMap()
    for key, value in items:
        mapping[key] = copy.deepcopy(_plain(value))
    return mapping


def _put(mapping: CommentedMap, key: str, value: Any, order: Sequence[str]) -> None:
    """Set ``key``; a new key goes where the model's field order puts it."""
    if key in mapping:
        mapping[key] = value
        return
    rank = order.index(key) if key in order else len(order)
    position = len(mapping)
    for index, existing in enumerate(mapping):
        if existing in order and order.index(existing) > rank:
            position = index
            break
    mapping.insert(position, key, value)


def _number(
    value: Any,
    path: Sequence[Hashable],
    *,
    whole: bool = False,
    at_most: float | None = None,
) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _edit_error(f"must be a number (got {_shown_input(value)})", path, "wrong-type")
    try:
        as_float = float(value)
    except OverflowError:  # an int with hundreds of digits
        raise _edit_error("is far too large", path, "bad-value") from None
    if not math.isfinite(as_float) or as_float <= 0:
        raise _edit_error(f"must be more than 0 (got {as_float:g})", path, "not-positive")
    if at_most is not None and as_float > at_most:
        raise _edit_error(
            f"must be at most {number(at_most)} (got {as_float:g})", path, "bad-value"
        )
    if whole:
        if not as_float.is_integer():
            raise _edit_error(f"must be a whole number (got {as_float:g})", path, "wrong-type")
        return int(as_float)
    # 75.0 from a number box is written as 75, the way people type it.
    return int(as_float) if as_float.is_integer() else as_float


def _shown_input(value: Any) -> str:
    """A short repr of a value someone passed in (it may be anything, of any size)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _text(value: Any, path: Sequence[Hashable], limit: int, *, lines: bool = False) -> str:
    """Text a file can hold: refuses what UTF-8 cannot encode and control characters."""
    if not isinstance(value, str):
        raise _edit_error(f"must be text (got {_shown_input(value)})", path, "wrong-type")
    text = value.strip() if lines else " ".join(value.split())
    for character in text:
        category = unicodedata.category(character)
        if category == "Cs" or (category == "Cc" and not (lines and character in "\n\t")):
            # A lone surrogate cannot be written as UTF-8; a control character would
            # be saved as an escape nobody means to type.
            raise _edit_error(
                f"holds a character that cannot be saved (U+{ord(character):04X})", path
            )
    if len(text) > limit:
        raise _edit_error(f"is too long (at most {limit})", path)
    return text


def _choice(value: Any, choices: Iterable[str], path: Sequence[Hashable]) -> str:
    choices = list(choices)
    if not isinstance(value, str) or value not in choices:
        raise _edit_error(
            f"must be one of {', '.join(choices)} (got {_shown_input(value)})",
            path,
            "unknown-choice",
        )
    return value


class _NoSuchStep(ProtocolFileError, IndexError):
    """A step index the protocol does not have (an IndexError too, for old callers)."""


def _swap_sides(text: str) -> str:
    return _SWAP_SIDES.sub(lambda match: _SWAPPED[match.group(0)], text)


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


class _SavedMeanwhile(LibraryError):
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
        if not isinstance(text, str):
            raise ProtocolFileError(f"{source}: a protocol is text (got {type(text).__name__})")
        text = text.removeprefix("\ufeff")
        newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
        try:
            checked = read_yaml_text(text, source)
        except YamlProblem as problem:
            raise unreadable_error(source, problem) from None
        if not isinstance(checked.data, dict):
            finding = make_finding(
                "wrong-type",
                "a protocol file must be a set of fields",
                file=source,
                line=1,
                column=1,
            )
            raise ProtocolFileError(f"{source}: not a protocol", [finding])
        try:
            # One line-ending style inside; to_text() writes the file's own style back.
            document = _round_trip_yaml().load(text.replace("\r\n", "\n"))
        except YAMLError as error:  # pragma: no cover - the safe reader parsed it already
            raise ProtocolFileError(f"{source}: cannot read this protocol ({error})") from None
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
            _fingerprint(text),
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
            raise LibraryError(_unknown_id_message(str(protocol_id), known, folder))
        return cls.from_file(protocol.path)

    @classmethod
    def blank(cls, name: str = BLANK_NAME) -> ProtocolDraft:
        """A new draft from the template ``protocol-tools new`` writes."""
        from importlib.resources import files

        template_file = files("protocol_tools.protocols").joinpath("templates/new_protocol.yaml")
        template = template_file.read_text("utf-8")
        text = Template(template).safe_substitute(
            id=BLANK_ID, name=json.dumps(name, ensure_ascii=False)
        )
        return cls.from_text(text, "new_protocol.yaml")

    # -- reading ------------------------------------------------------------------
    @property
    def steps(self) -> CommentedSeq:
        return self.document["steps"]

    def __len__(self) -> int:
        return len(self.steps)

    def step(self, index: int) -> dict[str, Any]:
        """Step ``index`` as plain data."""
        return _plain(self.steps[self._index(index)])

    def get(self, name: str, default: Any = None) -> Any:
        """A protocol field (``"defaults.current_uA"`` reaches into defaults)."""
        if not isinstance(name, str):
            raise _edit_error(f"is not a field name ({_shown_input(name)})", (), "unknown-field")
        if name.startswith("defaults."):
            defaults = self.document.get("defaults")
            if not isinstance(defaults, dict):  # "defaults: 250" is a format finding
                return default
            return _plain(defaults.get(name.split(".", 1)[1], default))
        return _plain(self.document.get(name, default))

    @property
    def id(self) -> str:
        return str(self.document.get("id", ""))

    def to_text(self) -> str:
        """The YAML text this draft would be saved as (schema line first), in the
        line-ending style of the file it came from."""
        stream = io.StringIO()
        _round_trip_yaml().dump(self.document, stream)
        text = stream.getvalue().replace("\r\n", "\n")
        if not _names_the_schema(text):
            text = f"{SCHEMA_LINE}\n{text}"
        return text.replace("\n", self.newline) if self.newline != "\n" else text

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
        folder: another file holding the same id is a ``duplicate-id`` error.
        """
        try:
            protocol = self.protocol()
        except ProtocolFileError as error:
            return None, error.findings
        findings = validate(protocol)
        if self.origin is not None:
            findings = _id_used_elsewhere(protocol, self.origin.path) + findings
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
                f"has no step {_shown_input(index)}: the protocol has {len(self.steps)} "
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
            raise _edit_error("has too many steps already", ("steps",))
        if index is None:
            treatments = [
                i for i, s in enumerate(self.steps) if s.get("kind", "treatment") == "treatment"
            ]
            index = treatments[-1] + 1 if treatments else len(self.steps)
        index = self._index(index, end_ok=True)
        kind = fields.pop("kind", "treatment")
        _choice(kind, KINDS, ("steps", index, "kind"))
        self.steps.insert(index, self._starting_step(kind))
        try:
            for name, value in fields.items():
                self.set_field(index, name, value)
        except BaseException:
            del self.steps[index]
            raise
        return index

    def _starting_step(self, kind: str) -> CommentedMap:
        ref = reference()
        if kind != "treatment":
            return _fresh_map(
                [("kind", kind), ("action", f"Describe this {kind} step"), ("seconds", 60)]
            )
        defaults = ref.limits["step_defaults"]
        return _fresh_map(
            [
                ("zone", next(iter(ref.zones))),
                ("side", "right"),
                ("technique", next(iter(ref.techniques))),
                ("passes", defaults["passes"]),
                ("seconds", 60),
            ]
        )

    def remove_step(self, index: int) -> None:
        """Remove step ``index`` (a protocol keeps at least one step)."""
        index = self._index(index)
        if len(self.steps) == 1:
            raise _edit_error("needs at least one step", ("steps",), "missing-field")
        del self.steps[index]

    def duplicate_step(self, index: int) -> int:
        """Put a copy of step ``index`` right after it; returns the copy's index."""
        index = self._index(index)
        self.steps.insert(index + 1, _fresh_map(self.steps[index].items()))
        return index + 1

    def move_step(self, index: int, offset: int) -> int:
        """Move step ``index`` by ``offset`` places (-1: up); returns its new index."""
        index = self._index(index)
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise _edit_error(
                f"moves by a whole number of places (got {_shown_input(offset)})",
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
        index = self._index(index)
        step = self.steps[index]
        if not isinstance(name, str) or name not in STEP_FIELDS:
            path: tuple[Hashable, ...] = ("steps", index, str(name)[:40])
            raise _edit_error(
                f"is not a step field; fields: {', '.join(STEP_FIELDS)}", path, "unknown-field"
            )
        path = ("steps", index, name)
        if name == "kind":
            self._set_kind(index, _choice(value, KINDS, path))
            return
        if value is None or (isinstance(value, str) and not value.strip()):
            if name == "seconds":
                raise _edit_error("is required", path, "missing-field")
            step.pop(name, None)
            return
        ref = reference()
        if name == "zone":
            value = _choice(value, ref.zones, path)
        elif name == "technique":
            value = _choice(value, ref.techniques, path)
        elif name == "side":
            value = _choice(value, SIDES, path)
        elif name == "passes":
            value = _number(value, path, whole=True, at_most=MAX_PASSES)
        elif name == "seconds":
            value = _number(value, path, at_most=MAX_STEP_SECONDS)
        elif name in _NUMBER_FIELDS:
            value = _number(value, path)
        elif name == "rewet_gel":
            if not isinstance(value, bool):
                raise _edit_error("must be true or false", path, "wrong-type")
            if not value:
                step.pop(name, None)
                return
        elif name in _TEXT_FIELDS:
            value = _text(value, path, _SHORT_TEXT_MAX)
        _put(step, name, value, STEP_FIELDS)

    def _set_kind(self, index: int, kind: str) -> None:
        step = self.steps[index]
        current = step.get("kind", "treatment")
        if kind == current:
            return
        if kind == "treatment":
            step.pop("kind", None)  # treatment is the default; library files leave it out
            step.pop("action", None)
            for name, value in self._starting_step("treatment").items():
                if name not in step:
                    _put(step, name, value, STEP_FIELDS)
            return
        for name in _TREATMENT_ONLY:
            step.pop(name, None)
        _put(step, "kind", kind, STEP_FIELDS)
        if "action" not in step:
            _put(step, "action", f"Describe this {kind} step", STEP_FIELDS)

    def set_protocol_field(self, name: str, value: Any) -> None:
        """Set a protocol-wide field: name, summary, setting, scope, target_minutes,
        author, description, ``defaults.current_uA`` or ``defaults.frequency_hz``."""
        if not isinstance(name, str):
            raise _edit_error(f"is not a field name ({_shown_input(name)})", (), "unknown-field")
        path: tuple[Hashable, ...] = tuple(name.split("."))
        if name.startswith("defaults."):
            key = name.split(".", 1)[1]
            if key not in ("current_uA", "frequency_hz"):
                raise _edit_error("is not a default setting", path, "unknown-field")
            defaults = self.document.get("defaults")
            if not isinstance(defaults, CommentedMap):
                defaults = CommentedMap()
                _put(self.document, "defaults", defaults, _PROTOCOL_FIELDS)
            if value is None:
                defaults.pop(key, None)
            else:
                defaults[key] = _number(value, path)
            return
        if name in ("name", "summary", "author", "description"):
            long_text = name == "description"
            text = _text(
                "" if value is None else value,
                path,
                _LONG_TEXT_MAX if long_text else _SHORT_TEXT_MAX,
                lines=long_text,
            )
            if not text:
                if name in ("name", "summary"):
                    raise _edit_error("must not be empty", path)
                self.document.pop(name, None)
                return
            value = text
        elif name == "setting":
            value = _choice(value, SETTINGS, path)
        elif name == "scope":
            value = _choice(value, SCOPES, path)
        elif name == "target_minutes":
            if value is None:
                self.document.pop(name, None)
                return
            value = _number(value, path)
        else:
            raise _edit_error(
                "cannot be set here (ids and versions change when you save)", path, "unknown-field"
            )
        _put(self.document, name, value, _PROTOCOL_FIELDS)

    # -- mirroring ----------------------------------------------------------------
    def block_of(self, index: int) -> range:
        """The run of treatment steps on one side (left or right) around step ``index``."""
        index = self._index(index)
        side = self._one_side(index)
        start = end = index
        while start > 0 and self._side_at(start - 1) == side:
            start -= 1
        while end + 1 < len(self.steps) and self._side_at(end + 1) == side:
            end += 1
        return range(start, end + 1)

    def _side_at(self, index: int) -> str | None:
        step = self.steps[index]
        if step.get("kind", "treatment") != "treatment":
            return None
        side = step.get("side")
        return side if side in ("left", "right") else None

    def _one_side(self, index: int) -> str:
        side = self._side_at(index)
        if side is None:
            raise _edit_error(
                "only a treatment step on the left or right side can be mirrored",
                ("steps", index, "side"),
            )
        return side

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
        block = self.block_of(index)
        other = "left" if self._one_side(index) == "right" else "right"
        mirrored = [self._mirrored(self.steps[i], other) for i in block]
        zones = [self.steps[i].get("zone") for i in block]
        target = self._matching_block(zones, other, exclude=block)
        if target is None:
            start = block.stop
            for offset, step in enumerate(mirrored):
                self.steps.insert(start + offset, step)
            return range(start, start + len(mirrored))
        for offset, step in enumerate(mirrored):
            old = self.steps[target.start + offset]
            for key in _KEPT_BY_PLACE:
                step.pop(key, None)
                if key in old:
                    _put(step, key, copy.deepcopy(_plain(old[key])), STEP_FIELDS)
            # Keep the comments the replaced steps carried (e.g. a section heading).
            # Key by key: CommentedMap.clear() leaves its own-key index stale.
            for key in list(old):
                del old[key]
            for key, value in step.items():
                old[key] = value
        return target

    @staticmethod
    def _mirrored(step: CommentedMap, side: str) -> CommentedMap:
        copy_ = _fresh_map(step.items())
        copy_["side"] = side
        copy_.pop("rewet_gel", None)
        for name in ("cue", "action"):
            if isinstance(copy_.get(name), str):
                copy_[name] = _swap_sides(copy_[name])
        return copy_

    def _matching_block(self, zones: list[Any], side: str, exclude: range) -> range | None:
        best: range | None = None
        index = 0
        while index < len(self.steps):
            if self._side_at(index) != side or index in exclude:
                index += 1
                continue
            block = self.block_of(index)
            if [self.steps[i].get("zone") for i in block] == zones:
                # The nearest matching block wins (a protocol may repeat a block).
                distance = abs(block.start - exclude.start)
                if best is None or distance < abs(best.start - exclude.start):
                    best = block
            index = block.stop
        return best

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
        if new_id is None or new_id == "":
            raise _edit_error(
                "is required: type a new id, like my-lift-15", ("id",), "missing-field"
            )
        if (
            not isinstance(new_id, str)
            or not re.fullmatch(SLUG_PATTERN, new_id)
            or len(new_id) > 64
        ):
            raise _edit_error(
                f"must be a lower-case slug of letters, digits and hyphens, "
                f"like my-lift-15 (got {_shown_input(new_id)})",
                ("id",),
            )
        folder = Path(folder) if folder is not None else default_library_dir()
        with file_lock(folder / SAVE_LOCK_NAME):
            _check_id_is_free(new_id, folder)
            staged = self._staged_as_new(new_id, name, note, today)
            return self._write(staged, folder / f"{new_id}.yaml", draft, new_file=True)

    def _staged_as_new(
        self, new_id: str, name: str | None, note: str | None, today: dt.date | None
    ) -> ProtocolDraft:
        staged = self._copy()
        if name is not None:
            staged.set_protocol_field("name", name)
        _put(staged.document, "id", new_id, _PROTOCOL_FIELDS)
        _put(staged.document, "version", "1.0.0", _PROTOCOL_FIELDS)
        if self.origin is not None:
            _put(staged.document, "derived_from", self.origin.label, _PROTOCOL_FIELDS)
        else:
            staged.document.pop("derived_from", None)
        first_note = note or (f"Made from {self.origin.label}" if self.origin else "First version")
        staged.document.pop("changes", None)
        staged._add_change("1.0.0", _change_note(first_note), today)
        return staged

    def save_new_version(
        self, bump: str = "patch", *, note: str, draft: bool = False, today: dt.date | None = None
    ) -> Path:
        """Save over the file this draft came from as its next version.

        ``bump`` is patch, minor or major; ``note`` (required) says what changed
        and joins ``changes:`` with today's date. ``derived_from`` keeps the
        protocol this one was made from; when there is none it records the
        version this one replaces.

        Refused, with the draft left as it is, when someone saved the file after
        it was opened, even at the same moment from another tab or computer.
        """
        if self.origin is None:
            raise LibraryError("this protocol has no earlier version: save it as a new protocol")
        note = _change_note(note)
        try:
            new_version = bump_version(self.origin.version, bump)
        except ValueError as error:  # e.g. a file that wrote version: 1.0
            raise _edit_error(str(error), ("version",)) from None
        staged = self._copy()
        _put(staged.document, "id", self.origin.id, _PROTOCOL_FIELDS)
        _put(staged.document, "version", new_version, _PROTOCOL_FIELDS)
        if not staged.document.get("derived_from"):
            _put(staged.document, "derived_from", self.origin.label, _PROTOCOL_FIELDS)
        staged._add_change(new_version, note, today)
        with file_lock(self.origin.path.parent / SAVE_LOCK_NAME):
            now = _origin_on_disk(self.origin.path)
            if now is None or not _same_file(self.origin, now):
                raise _SavedMeanwhile(self.origin, now)
            return self._write(staged, self.origin.path, draft)

    def _copy(self) -> ProtocolDraft:
        twin = ProtocolDraft(copy.deepcopy(self.document), origin=self.origin)
        twin.newline = self.newline
        return twin

    def _add_change(self, version: str, note: str, today: dt.date | None) -> None:
        if today is not None and (not isinstance(today, dt.date) or isinstance(today, dt.datetime)):
            raise _edit_error(
                f"must be a date (got {_shown_input(today)})", ("changes", "date"), "wrong-type"
            )
        changes = self.document.get("changes")
        if not isinstance(changes, CommentedSeq):
            changes = CommentedSeq()
            _put(self.document, "changes", changes, _PROTOCOL_FIELDS)
        entry = CommentedMap()
        entry["version"] = version
        entry["date"] = today or dt.date.today()
        entry["note"] = note
        changes.append(entry)

    def _write(
        self, staged: ProtocolDraft, target: Path, draft: bool, *, new_file: bool = False
    ) -> Path:
        staged.document.pop("status", None)
        # Checked as the file it becomes, so a wrong name or a shared id shows up now.
        staged.origin = Origin(target, str(staged.document["id"]), str(staged.document["version"]))
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
        if draft:
            _put(staged.document, "status", "draft", _PROTOCOL_FIELDS)
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
        self.document = staged.document
        self.origin = replace(staged.origin, fingerprint=_fingerprint(text))
        return target


def _change_note(note: Any) -> str:
    if note is None or (isinstance(note, str) and not note.strip()):
        raise _edit_error(
            "is required: say what changed in this version", ("changes", "note"), "missing-field"
        )
    return _text(note, ("changes", "note"), _SHORT_TEXT_MAX)


def _names_the_schema(text: str) -> bool:
    """Whether a comment at the top of ``text`` already points to a schema."""
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return False
        if _SCHEMA_MARK in line:
            return True
    return False


def _files_by_id(folder: Path) -> dict[str, list[Path]]:
    """Every protocol file of ``folder`` by the id it holds, readable as a protocol or not."""
    found: dict[str, list[Path]] = {}
    if not folder.is_dir():
        return found
    for path in protocol_files([folder]):
        try:
            data = read_yaml_file(path).data
        except YamlProblem:
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            found.setdefault(data["id"], []).append(path)
    return found


def _id_used_elsewhere(protocol: Protocol, path: Path) -> list[Finding]:
    """A duplicate-id finding for each other file of ``path``'s folder holding the id."""
    here = path.resolve()
    others = [p for p in _files_by_id(path.parent).get(protocol.id, []) if p.resolve() != here]
    return [duplicate_id_finding(protocol, other, path) for other in others]


def _check_id_is_free(new_id: str, folder: Path) -> None:
    """Refuse ``new_id`` when a file of ``folder`` holds it or is named after it."""
    holders = _files_by_id(folder).get(new_id, [])
    holders += [folder / f"{new_id}{suffix}" for suffix in PROTOCOL_SUFFIXES]
    taken = next((path for path in holders if path.exists()), None)
    if taken is not None:
        raise LibraryError(
            f"{new_id!r} already exists in {folder} ({taken.name}): choose another id, "
            "or open that protocol and save a new version"
        )


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _origin_on_disk(path: Path) -> Origin | None:
    """What ``path`` holds now (None when it no longer reads as a protocol)."""
    try:
        return ProtocolDraft.from_file(path).origin
    except ProtocolFileError:
        return None


def _same_file(opened: Origin, now: Origin) -> bool:
    """Whether the file still holds what the draft was opened from."""
    if now.version != opened.version:
        return False
    return opened.fingerprint is None or now.fingerprint == opened.fingerprint


def step_of(finding: Finding) -> int | None:
    """The 0-based step a finding concerns, or None for the whole protocol."""
    path = finding.path
    if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int):
        return path[1]
    return None


# -- comparing -------------------------------------------------------------------


@dataclass(frozen=True)
class StepChange:
    """One line of a comparison: a step added, removed, changed, moved or the same.

    ``old_index``/``new_index`` are 0-based; ``fields`` names what changed. A
    moved step stands elsewhere in the order with every field unchanged.
    """

    status: Literal["added", "removed", "changed", "moved", "same"]
    old_index: int | None
    new_index: int | None
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    fields: tuple[str, ...] = ()

    def field_changes(self) -> list[tuple[str, str, str]]:
        """(field, old, new) for each changed field, as a person reads the values."""
        old, new = self.old or {}, self.new or {}
        return [
            (name, shown_value(old.get(name)), shown_value(new.get(name))) for name in self.fields
        ]


@dataclass(frozen=True)
class ZoneTime:
    """Device seconds on one zone and side in each of the two protocols."""

    zone: str
    side: str
    old_seconds: float
    new_seconds: float

    @property
    def difference(self) -> float:
        return self.new_seconds - self.old_seconds


@dataclass
class ProtocolComparison:
    """How protocol ``new`` differs from ``old``, step by step and zone by zone."""

    old: Protocol
    new: Protocol
    steps: list[StepChange] = field(default_factory=list)

    @property
    def added(self) -> list[StepChange]:
        return [change for change in self.steps if change.status == "added"]

    @property
    def removed(self) -> list[StepChange]:
        return [change for change in self.steps if change.status == "removed"]

    @property
    def changed(self) -> list[StepChange]:
        return [change for change in self.steps if change.status == "changed"]

    @property
    def moved(self) -> list[StepChange]:
        return [change for change in self.steps if change.status == "moved"]

    @property
    def is_empty(self) -> bool:
        return all(change.status == "same" for change in self.steps)

    def summary(self) -> str:
        """ "1 added, 1 removed, 2 changed" (", 1 moved" when a step moved)."""
        if self.is_empty:
            return "no step differs"
        text = f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"
        return f"{text}, {len(self.moved)} moved" if self.moved else text

    def zone_times(self) -> list[ZoneTime]:
        """Device seconds per zone and side in both, in the order zones first appear."""
        old, new = self.old.zone_seconds(), self.new.zone_seconds()
        keys = list(dict.fromkeys([*old, *new]))
        return [
            ZoneTime(zone, side, old.get((zone, side), 0.0), new.get((zone, side), 0.0))
            for zone, side in keys
        ]

    def zone_frame(self) -> pd.DataFrame:
        """The zone times as a table of minutes."""
        import pandas as pd

        old_label = f"{self.old.id} {self.old.version}"
        new_label = f"{self.new.id} {self.new.version}"
        if old_label == new_label:
            old_label, new_label = f"A: {old_label}", f"B: {new_label}"
        rows = [
            {
                "zone": row.zone,
                "side": row.side,
                old_label: round(row.old_seconds / 60, 2),
                new_label: round(row.new_seconds / 60, 2),
                "difference": round(row.difference / 60, 2),
            }
            for row in self.zone_times()
        ]
        return pd.DataFrame(rows, columns=["zone", "side", old_label, new_label, "difference"])

    def lines(self) -> list[str]:
        """The comparison as plain text lines (what ``protocol-tools diff`` prints)."""
        out = [
            f"{self.old.id} {self.old.version} -> {self.new.id} {self.new.version}: "
            f"{self.summary()}"
        ]
        for change in self.steps:
            if change.status == "added":
                out.append(f"+ step {change.new_index + 1}: {describe_step(change.new)}")
            elif change.status == "removed":
                out.append(f"- step {change.old_index + 1}: {describe_step(change.old)}")
            elif change.status == "moved":
                out.append(
                    f"> step {change.old_index + 1} -> {change.new_index + 1}: "
                    f"{describe_step(change.new)} (moved)"
                )
            elif change.status == "changed":
                details = "; ".join(
                    f"{name} {old} -> {new}" for name, old, new in change.field_changes()
                )
                out.append(
                    f"~ step {change.old_index + 1} -> {change.new_index + 1}: "
                    f"{describe_step(change.new)} ({details})"
                )
        out.append("Device minutes per zone and side (A -> B):")
        for row in self.zone_times():
            out.append(
                f"  {row.zone:<18} {row.side:<6} {row.old_seconds / 60:6.2f} -> "
                f"{row.new_seconds / 60:6.2f}  ({row.difference / 60:+.2f})"
            )
        return out


def shown_value(value: Any) -> str:
    """A field's value as a person reads it: 75 not 75.0, yes/no, – for unset."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    return str(value)


def describe_step(step: dict[str, Any] | None) -> str:
    """A short description: "jawline right, glide-hold, 90 s" or "prep: Apply gel, 45 s"."""
    if not step:
        return ""
    seconds = f"{step.get('seconds', 0):g} s"
    if step.get("kind", "treatment") != "treatment":
        return f"{step.get('kind')}: {step.get('action') or ''}, {seconds}"
    return f"{step.get('zone')} {step.get('side')}, {step.get('technique')}, {seconds}"


def _step_key(step: dict[str, Any]) -> tuple[Any, ...]:
    return (
        step.get("kind", "treatment"),
        step.get("zone"),
        step.get("side"),
        step.get("technique"),
    )


def _step_data(step: Step) -> dict[str, Any]:
    data = step.model_dump(mode="json", exclude_none=True)
    if not data.get("rewet_gel"):
        data.pop("rewet_gel", None)
    return data


def _as_protocol(
    item: Protocol | ProtocolDraft | str | Path, library_dir: str | Path | None
) -> Protocol:
    if isinstance(item, Protocol):
        return item
    if isinstance(item, ProtocolDraft):
        return item.protocol()
    return resolve_protocol(item, library_dir)


def compare_protocols(
    old: Protocol | ProtocolDraft | str | Path,
    new: Protocol | ProtocolDraft | str | Path,
    library_dir: str | Path | None = None,
) -> ProtocolComparison:
    """Compare two protocols (or two versions): steps added, removed, changed, moved.

    Steps are matched by (kind, zone, side, technique) with difflib's
    SequenceMatcher. Where that finds a run of differing steps, a second matcher
    pairs them by (kind, zone, side) and what is left by position, so a step
    whose technique changed counts as changed, not as one removed and one added.
    A step removed in one place and added unchanged in another counts as moved.
    """
    old_protocol = _as_protocol(old, library_dir)
    new_protocol = _as_protocol(new, library_dir)
    old_steps = [_step_data(step) for step in old_protocol.steps]
    new_steps = [_step_data(step) for step in new_protocol.steps]
    changes: list[StepChange] = []
    for tag, a0, a1, b0, b1 in _opcodes(old_steps, new_steps, _step_key):
        if tag == "equal":
            pairs = list(zip(range(a0, a1), range(b0, b1), strict=True))
        elif tag == "replace":
            pairs = _pairs_in_block(old_steps, new_steps, range(a0, a1), range(b0, b1))
        else:
            pairs = []
        changes.extend(_block_changes(old_steps, new_steps, range(a0, a1), range(b0, b1), pairs))
    return ProtocolComparison(old_protocol, new_protocol, _with_moves(changes))


def _place_key(step: dict[str, Any]) -> tuple[Any, ...]:
    return _step_key(step)[:3]


def _opcodes(
    old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]], key: Any
) -> list[tuple[str, int, int, int, int]]:
    matcher = difflib.SequenceMatcher(
        a=[key(s) for s in old], b=[key(s) for s in new], autojunk=False
    )
    return matcher.get_opcodes()


def _pairs_in_block(
    old_steps: list[dict[str, Any]],
    new_steps: list[dict[str, Any]],
    old_block: range,
    new_block: range,
) -> list[tuple[int, int]]:
    """Pairs of a replace block: same (kind, zone, side) first, then by position."""
    old_part = [old_steps[i] for i in old_block]
    new_part = [new_steps[j] for j in new_block]
    pairs: list[tuple[int, int]] = []
    for tag, a0, a1, b0, b1 in _opcodes(old_part, new_part, _place_key):
        if tag in ("equal", "replace"):
            pairs.extend(
                (old_block[i], new_block[j])
                for i, j in zip(range(a0, a1), range(b0, b1), strict=False)
            )
    return pairs


def _block_changes(
    old_steps: list[dict[str, Any]],
    new_steps: list[dict[str, Any]],
    old_block: range,
    new_block: range,
    pairs: list[tuple[int, int]],
) -> list[StepChange]:
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    changes = [
        StepChange("removed", i, None, old_steps[i], None) for i in old_block if i not in paired_old
    ]
    for i, j in pairs:
        fields = tuple(
            name for name in STEP_FIELDS if old_steps[i].get(name) != new_steps[j].get(name)
        )
        status = "changed" if fields else "same"
        changes.append(StepChange(status, i, j, old_steps[i], new_steps[j], fields))
    changes.extend(
        StepChange("added", None, j, None, new_steps[j]) for j in new_block if j not in paired_new
    )
    return changes


def _with_moves(changes: list[StepChange]) -> list[StepChange]:
    """Join a removed step and an identical added one into one moved step."""
    removed = [c for c in changes if c.status == "removed"]
    result: list[StepChange] = []
    taken: set[int] = set()
    for change in changes:
        if change.status == "added":
            match = next(
                (r for r in removed if r.old_index not in taken and r.old == change.new), None
            )
            if match is not None:
                taken.add(match.old_index)
                result.append(
                    StepChange("moved", match.old_index, change.new_index, match.old, change.new)
                )
                continue
        result.append(change)
    return [c for c in result if not (c.status == "removed" and c.old_index in taken)]


# -- command line ------------------------------------------------------------------


def _cmd_diff(args: argparse.Namespace) -> int:
    comparison = compare_protocols(args.old, args.new, args.library)
    print("\n".join(comparison.lines()))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``protocol-tools diff OLD NEW``."""
    diff = commands.add_parser(
        "diff", help="compare two protocols: steps added, removed, changed, and time per zone"
    )
    diff.add_argument("old", metavar="OLD", help="an id from the library or a file")
    diff.add_argument("new", metavar="NEW", help="an id from the library or a file")
    diff.add_argument("--library", metavar="DIR", help="the protocol folder (default: protocols/)")
    diff.set_defaults(handler=_cmd_diff)

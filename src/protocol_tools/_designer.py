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
import io
import json
import math
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ._atomic import atomic_write_text
from ._data import reference
from ._errors import LibraryError, ProtocolFileError
from ._findings import Finding, make_finding
from ._loading import default_library_dir, parse_protocol, resolve_protocol
from ._model import SLUG_PATTERN, Protocol, Step
from ._validation import validate
from ._yaml import MAX_FILE_BYTES, YamlProblem, decode_text, read_yaml_text

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
_SHORT_TEXT_MAX = 300
# The model's own bound on the number of steps, read rather than repeated.
_MAX_STEPS = next(
    item.max_length
    for item in Protocol.model_fields["steps"].metadata
    if getattr(item, "max_length", None)
)
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


def _number(value: Any, name: str, path: Sequence[Hashable], *, whole: bool = False) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _edit_error(f"must be a number (got {value!r})", path, "wrong-type")
    if not math.isfinite(value) or value <= 0:
        raise _edit_error(f"must be more than 0 (got {value:g})", path, "not-positive")
    if whole:
        if value != int(value):
            raise _edit_error(f"must be a whole number (got {value:g})", path, "wrong-type")
        return int(value)
    # 75.0 from a number box is written as 75, the way people type it.
    return int(value) if float(value).is_integer() else float(value)


def _choice(value: Any, choices: Iterable[str], what: str, path: Sequence[Hashable]) -> str:
    choices = list(choices)
    if value not in choices:
        raise _edit_error(
            f"must be one of {', '.join(choices)} (got {value!r})", path, "unknown-choice"
        )
    return value


def _swap_sides(text: str) -> str:
    return _SWAP_SIDES.sub(lambda match: _SWAPPED[match.group(0)], text)


@dataclass(frozen=True)
class Origin:
    """Where a draft came from: the file and the id and version it held then."""

    path: Path
    id: str
    version: str

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}"


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

    # -- opening ------------------------------------------------------------------
    @classmethod
    def from_text(
        cls, text: str, source: str = "<text>", *, origin: Origin | None = None
    ) -> ProtocolDraft:
        """A draft from YAML text; hostile or broken YAML is refused first."""
        try:
            checked = read_yaml_text(text, source)
        except YamlProblem as problem:
            finding = make_finding(
                problem.code,
                problem.message,
                problem.path,
                file=source,
                line=problem.line,
                column=problem.column,
            )
            raise ProtocolFileError(f"{source}: cannot read this protocol", [finding]) from None
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
            document = _round_trip_yaml().load(text)
        except YAMLError as error:  # pragma: no cover - the safe reader parsed it already
            raise ProtocolFileError(f"{source}: cannot read this protocol ({error})") from None
        return cls(document, origin=origin)

    @classmethod
    def from_file(cls, path: str | Path) -> ProtocolDraft:
        """A draft of an existing protocol file; saving it again needs a new version."""
        path = Path(path)
        try:
            with path.open("rb") as stream:
                raw = stream.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise ProtocolFileError(f"{path}: cannot read the file ({error.strerror})") from None
        if len(raw) > MAX_FILE_BYTES:
            raise ProtocolFileError(
                f"{path}: larger than {MAX_FILE_BYTES:,} bytes; protocol files are small"
            )
        try:
            text = decode_text(raw)
        except YamlProblem as problem:
            finding = make_finding(
                problem.code,
                problem.message,
                file=str(path),
                line=problem.line,
                column=problem.column,
            )
            raise ProtocolFileError(f"{path}: cannot read this protocol", [finding]) from None
        draft = cls.from_text(text, str(path))
        draft.origin = Origin(
            path,
            str(draft.document.get("id", path.stem)),
            str(draft.document.get("version", "0.0.0")),
        )
        return draft

    @classmethod
    def from_library(cls, protocol_id: str, library_dir: str | Path | None = None) -> ProtocolDraft:
        """A draft of the library protocol ``protocol_id``."""
        folder = Path(library_dir) if library_dir is not None else default_library_dir()
        protocol = resolve_protocol(protocol_id, folder)
        return cls.from_file(protocol.path or folder / f"{protocol_id}.yaml")

    @classmethod
    def blank(cls, name: str = BLANK_NAME) -> ProtocolDraft:
        """A new draft from the template ``protocol-tools new`` writes."""
        from importlib.resources import files

        template_file = files("protocol_tools").joinpath("templates/new_protocol.yaml")
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
        if name.startswith("defaults."):
            defaults = self.document.get("defaults") or {}
            return _plain(defaults.get(name.split(".", 1)[1], default))
        return _plain(self.document.get(name, default))

    @property
    def id(self) -> str:
        return str(self.document.get("id", ""))

    def to_text(self) -> str:
        """The YAML text this draft would be saved as (schema line first)."""
        stream = io.StringIO()
        _round_trip_yaml().dump(self.document, stream)
        text = stream.getvalue()
        if not text.startswith(SCHEMA_LINE):
            text = f"{SCHEMA_LINE}\n{text}"
        return text

    def protocol(self) -> Protocol:
        """The draft as a :class:`Protocol`; ProtocolFileError if it does not fit the format."""
        return parse_protocol(self.to_text(), f"{self.id or BLANK_ID}.yaml")

    def check(self) -> tuple[Protocol | None, list[Finding]]:
        """The protocol (None if it does not fit the format) and every finding."""
        try:
            protocol = self.protocol()
        except ProtocolFileError as error:
            return None, error.findings
        return protocol, validate(protocol)

    def findings(self) -> list[Finding]:
        """Every finding for the edited state: format problems, else the validator's."""
        return self.check()[1]

    def findings_by_step(self) -> dict[int | None, list[Finding]]:
        """Findings keyed by the 0-based step they concern (None: the whole protocol)."""
        grouped: dict[int | None, list[Finding]] = {}
        for finding in self.findings():
            grouped.setdefault(step_of(finding), []).append(finding)
        return grouped

    @property
    def has_errors(self) -> bool:
        return any(finding.is_error for finding in self.findings())

    # -- step edits ---------------------------------------------------------------
    def _index(self, index: int, *, end_ok: bool = False) -> int:
        count = len(self.steps) + (1 if end_ok else 0)
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
            raise IndexError(
                f"no step {index}; the protocol has {len(self.steps)} steps (numbered from 0 here)"
            )
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
        _choice(kind, KINDS, "kind", ("steps", index, "kind"))
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
        target = index + offset
        if not 0 <= target < len(self.steps):
            raise IndexError(
                f"step {index} cannot move {offset:+d}: the protocol has {len(self.steps)} steps"
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
        path = ("steps", index, name)
        if name not in STEP_FIELDS:
            raise _edit_error(
                f"is not a step field; fields: {', '.join(STEP_FIELDS)}", path, "unknown-field"
            )
        if name == "kind":
            self._set_kind(index, _choice(value, KINDS, "kind", path))
            return
        if value is None or (isinstance(value, str) and not value.strip()):
            if name == "seconds":
                raise _edit_error("is required", path, "missing-field")
            step.pop(name, None)
            return
        ref = reference()
        if name == "zone":
            value = _choice(value, ref.zones, "zone", path)
        elif name == "technique":
            value = _choice(value, ref.techniques, "technique", path)
        elif name == "side":
            value = _choice(value, SIDES, "side", path)
        elif name == "passes":
            value = _number(value, name, path, whole=True)
        elif name in _NUMBER_FIELDS:
            value = _number(value, name, path)
        elif name == "rewet_gel":
            if not isinstance(value, bool):
                raise _edit_error("must be true or false", path, "wrong-type")
            if not value:
                step.pop(name, None)
                return
        elif name in _TEXT_FIELDS:
            value = " ".join(str(value).split())
            if len(value) > _SHORT_TEXT_MAX:
                raise _edit_error(f"is too long (at most {_SHORT_TEXT_MAX})", path)
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
                defaults[key] = _number(value, key, path)
            return
        if name in ("name", "summary", "author", "description"):
            text = str(value or "").strip()
            if not text:
                if name in ("name", "summary"):
                    raise _edit_error("must not be empty", path)
                self.document.pop(name, None)
                return
            limit = 5000 if name == "description" else _SHORT_TEXT_MAX
            if len(text) > limit:
                raise _edit_error(f"is too long (at most {limit})", path)
            value = text if name == "description" else " ".join(text.split())
        elif name == "setting":
            value = _choice(value, SETTINGS, "setting", path)
        elif name == "scope":
            value = _choice(value, SCOPES, "scope", path)
        elif name == "target_minutes":
            if value is None:
                self.document.pop(name, None)
                return
            value = _number(value, name, path)
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
        Returns where the mirrored block now stands.
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
        the protocol it was made from. Never overwrites an existing file. A
        protocol with errors is saved only with ``draft=True`` (``status: draft``).
        """
        if not new_id:
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
                f"like my-lift-15 (got {new_id!r})",
                ("id",),
            )
        folder = Path(folder) if folder is not None else default_library_dir()
        target = folder / f"{new_id}.yaml"
        if target.exists():
            raise LibraryError(
                f"{target} already exists: choose another id, or open it and save a new version"
            )
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
        staged._add_change("1.0.0", first_note, today)
        return self._write(staged, target, draft)

    def save_new_version(
        self, bump: str = "patch", *, note: str, draft: bool = False, today: dt.date | None = None
    ) -> Path:
        """Save over the file this draft came from as its next version.

        ``bump`` is patch, minor or major; ``note`` (required) says what changed
        and joins ``changes:`` with today's date; ``derived_from`` records the
        version it replaces. Refused if the file changed since it was opened.
        """
        if self.origin is None:
            raise LibraryError("this protocol has no earlier version: save it as a new protocol")
        note = " ".join(str(note or "").split())
        if not note:
            raise _edit_error(
                "is required: say what changed in this version",
                ("changes", "note"),
                "missing-field",
            )
        if len(note) > _SHORT_TEXT_MAX:
            raise _edit_error(f"is too long (at most {_SHORT_TEXT_MAX})", ("changes", "note"))
        on_disk = _version_on_disk(self.origin.path)
        if on_disk != self.origin.version:
            raise LibraryError(
                f"{self.origin.path} now holds version {on_disk}, not {self.origin.version} "
                "as when you opened it; open it again so no one's changes are lost"
            )
        try:
            new_version = bump_version(self.origin.version, bump)
        except ValueError as error:  # e.g. a file that wrote version: 1.0
            raise _edit_error(str(error), ("version",)) from None
        staged = self._copy()
        _put(staged.document, "id", self.origin.id, _PROTOCOL_FIELDS)
        _put(staged.document, "version", new_version, _PROTOCOL_FIELDS)
        _put(staged.document, "derived_from", self.origin.label, _PROTOCOL_FIELDS)
        staged._add_change(new_version, note, today)
        return self._write(staged, self.origin.path, draft)

    def _copy(self) -> ProtocolDraft:
        return ProtocolDraft(copy.deepcopy(self.document), origin=self.origin)

    def _add_change(self, version: str, note: str, today: dt.date | None) -> None:
        changes = self.document.get("changes")
        if not isinstance(changes, CommentedSeq):
            changes = CommentedSeq()
            _put(self.document, "changes", changes, _PROTOCOL_FIELDS)
        entry = CommentedMap()
        entry["version"] = version
        entry["date"] = today or dt.date.today()
        entry["note"] = note
        changes.append(entry)

    def _write(self, staged: ProtocolDraft, target: Path, draft: bool) -> Path:
        staged.document.pop("status", None)
        errors = [f for f in staged.findings() if f.is_error]
        if errors and not draft:
            raise ProtocolFileError(
                f"{len(errors)} error{'s' if len(errors) != 1 else ''} left: fix "
                f"{'them' if len(errors) != 1 else 'it'} or save as a draft",
                errors,
            )
        if draft:
            _put(staged.document, "status", "draft", _PROTOCOL_FIELDS)
        atomic_write_text(target, staged.to_text())
        self.document = staged.document
        self.origin = Origin(target, str(staged.document["id"]), str(staged.document["version"]))
        return target


def _version_on_disk(path: Path) -> str | None:
    try:
        return str(ProtocolDraft.from_file(path).document.get("version"))
    except ProtocolFileError:
        return None


def step_of(finding: Finding) -> int | None:
    """The 0-based step a finding concerns, or None for the whole protocol."""
    path = finding.path
    if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int):
        return path[1]
    return None


# -- comparing -------------------------------------------------------------------


@dataclass(frozen=True)
class StepChange:
    """One line of a comparison: a step added, removed, changed or the same.

    ``old_index``/``new_index`` are 0-based; ``fields`` names what changed.
    """

    status: Literal["added", "removed", "changed", "same"]
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
    def is_empty(self) -> bool:
        return all(change.status == "same" for change in self.steps)

    def summary(self) -> str:
        if self.is_empty:
            return "no step differs"
        return f"{len(self.added)} added, {len(self.removed)} removed, {len(self.changed)} changed"

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
    if isinstance(value, float):
        return f"{value:g}"
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
    """Compare two protocols (or two versions): steps added, removed, changed.

    Steps are matched by (kind, zone, side, technique) with difflib's
    SequenceMatcher; a step whose technique changed on the same zone and side
    counts as changed, not as one removed and one added.
    """
    old_protocol = _as_protocol(old, library_dir)
    new_protocol = _as_protocol(new, library_dir)
    old_steps = [_step_data(step) for step in old_protocol.steps]
    new_steps = [_step_data(step) for step in new_protocol.steps]
    matcher = difflib.SequenceMatcher(
        a=[_step_key(s) for s in old_steps], b=[_step_key(s) for s in new_steps], autojunk=False
    )
    changes: list[StepChange] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        pairs: list[tuple[int, int]] = []
        if tag in ("equal", "replace"):
            for i, j in zip(range(a0, a1), range(b0, b1), strict=False):
                same_place = _step_key(old_steps[i])[:3] == _step_key(new_steps[j])[:3]
                if tag == "equal" or same_place:
                    pairs.append((i, j))
        paired_old = {i for i, _ in pairs}
        paired_new = {j for _, j in pairs}
        changes.extend(
            StepChange("removed", i, None, old_steps[i], None)
            for i in range(a0, a1)
            if i not in paired_old
        )
        for i, j in pairs:
            fields = tuple(
                name for name in STEP_FIELDS if old_steps[i].get(name) != new_steps[j].get(name)
            )
            changes.append(
                StepChange(
                    "changed" if fields else "same", i, j, old_steps[i], new_steps[j], fields
                )
            )
        changes.extend(
            StepChange("added", None, j, None, new_steps[j])
            for j in range(b0, b1)
            if j not in paired_new
        )
    return ProtocolComparison(old_protocol, new_protocol, changes)


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

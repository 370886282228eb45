"""Read YAML safely, remembering where every value stands in the file.

Protocol and intake files come from users, so this reader is built for hostile
input: it never constructs Python objects from tags, expands aliases only within a
budget, and bounds nesting, size and string length. Every problem becomes a
:class:`YamlProblem` with a line and column, never a traceback.

    >>> doc = read_yaml_text("steps:\\n  - seconds: 30\\n", "demo.yaml")
    >>> doc.data
    {'steps': [{'seconds': 30}]}
    >>> doc.position(("steps", 0, "seconds"))
    (2, 14)
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .files import read_regular_file, special_kind
from .yaml_scalars import STANDARD_TAG, scalar_value

# libyaml's C parser when PyYAML was built with it (about 35 times faster than a
# pure-Python parser here); we only take its events, never its constructors.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = [
    "Location",
    "YamlDocument",
    "YamlProblem",
    "read_text_file",
    "read_yaml_file",
    "read_yaml_text",
]

# Engineering limits, not safety facts: real protocol and intake files are a few
# kilobytes, so anything far beyond these is a mistake or an attack.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_NODES = 50_000  # after alias expansion
MAX_SCALAR_CHARS = 20_000

_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"

_SAFE_TAGS = {
    STANDARD_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}

Path_ = tuple[Hashable, ...]
Location = tuple[int, int]  # 1-based line and column


@dataclass
class YamlProblem(Exception):
    """Why a YAML document could not be read, and where."""

    code: str
    message: str
    line: int | None = None
    column: int | None = None
    path: Path_ = ()

    def __str__(self) -> str:
        where = f"{self.line}:{self.column} " if self.line else ""
        return f"{where}{self.message}"


@dataclass
class YamlDocument:
    """Plain Python data read from YAML, plus the position of every value and key."""

    data: Any
    source: str
    positions: dict[Path_, Location] = field(default_factory=dict)
    key_positions: dict[Path_, Location] = field(default_factory=dict)

    def position(self, path: Path_) -> Location | None:
        """The position of the value at ``path``, or of its nearest ancestor."""
        path = tuple(path)
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return None
            path = path[:-1]

    def key_position(self, path: Path_) -> Location | None:
        """The position of the key naming ``path`` (falls back to the value)."""
        return self.key_positions.get(tuple(path)) or self.position(path)


def decode_text(raw: bytes) -> str:
    """Decode a file's bytes as UTF-8 (or UTF-16/32 with a byte-order mark).

    Raises :class:`YamlProblem` naming the line of the first bad byte.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as error:
                raise YamlProblem(
                    "file-unreadable",
                    f"the file is not valid {encoding.upper()} text: {error.reason}",
                ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise YamlProblem(
            "file-unreadable",
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x}); "
            "save it as UTF-8 in your editor",
            line,
            column,
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise YamlProblem("file-unreadable", "the file holds binary data (NUL bytes)", line, 1)
    return text


def read_text_file(path: str | Path) -> str:
    """A user's text file, read within the size limit and decoded by :func:`decode_text`.

    Raises :class:`YamlProblem` (code ``file-unreadable``) for a missing, unreadable,
    oversized or undecodable file, and at once for a folder, pipe or device.
    """
    path = Path(path)
    try:
        # Looked at before opening: opening a named pipe waits for a writer, so a
        # pipe given by mistake would hang the command instead of being refused.
        _check_readable(path.stat())
        raw = _read_regular_file(path)
    except FileNotFoundError:
        raise YamlProblem("file-unreadable", "no such file") from None
    except OSError as error:
        raise YamlProblem("file-unreadable", f"cannot read the file ({error.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:  # grew between stat and read
        raise YamlProblem("file-unreadable", f"the file is larger than {MAX_FILE_BYTES:,} bytes")
    return decode_text(raw)


def _read_regular_file(path: Path) -> bytes:
    return read_regular_file(path, MAX_FILE_BYTES, _check_readable)


def _check_readable(status: os.stat_result) -> None:
    """Refuse what is not a regular file of at most MAX_FILE_BYTES."""
    kind = special_kind(status.st_mode)
    if kind == "a folder":
        raise YamlProblem("file-unreadable", "this is a folder, not a file")
    if kind is not None:
        raise YamlProblem(
            "file-unreadable",
            f"this is not a regular file (it is {kind}); give the path of a file saved on disk",
        )
    if status.st_size > MAX_FILE_BYTES:
        raise YamlProblem(
            "file-unreadable",
            f"the file is {status.st_size:,} bytes; protocol files are small "
            f"(at most {MAX_FILE_BYTES:,} bytes)",
        )


def read_yaml_file(path: str | Path) -> YamlDocument:
    """Read a YAML file from disk within the size limit; see :func:`read_yaml_text`."""
    return read_yaml_text(read_text_file(path), str(path))


def read_yaml_text(text: str, source: str = "<text>") -> YamlDocument:
    """Parse one YAML document from ``text`` into plain data with positions.

    Scalars follow the YAML 1.2 core schema (``yes`` stays text; ``1:30`` stays
    text), plus dates. Raises :class:`YamlProblem` for syntax errors, unsafe
    constructs or limits.
    """
    if len(text) > MAX_FILE_BYTES:
        raise YamlProblem(
            "file-unreadable", f"the text is longer than {MAX_FILE_BYTES:,} characters"
        )
    document = YamlDocument(data=None, source=source)
    try:
        _build(text, document)
    except yaml.MarkedYAMLError as error:
        raise _nesting_problem_before(error, text) or _syntax_problem(error, text) from None
    except yaml.YAMLError as error:
        raise YamlProblem("yaml-syntax", f"not valid YAML: {error}") from None
    return document


def _build(text: str, document: YamlDocument) -> None:
    builder = _Builder(document)
    for event in yaml.parse(io.StringIO(text), Loader=_Loader):
        builder.feed(event)


def _nesting_problem_before(error: yaml.MarkedYAMLError, text: str) -> YamlProblem | None:
    """Our own nesting finding, when the parser gave up on deep nesting first.

    libyaml 0.2.6 and later refuse nesting past a limit of their own (1000 levels),
    and its scanner reads that far ahead before handing over the first event, so the
    builder never sees the depth. Building the text up to where the parser stopped
    reaches our lower limit there, whatever the library's limit or wording.
    """
    mark = error.problem_mark
    if mark is None or not 0 < mark.index <= len(text):
        return None
    try:
        _build(text[: mark.index], YamlDocument(data=None, source=""))
    except YamlProblem as problem:
        return problem if problem.message == _TOO_DEEP else None
    except yaml.YAMLError:
        return None
    return None


def _syntax_problem(error: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    problem = (error.problem or error.context or "syntax error").strip()
    if mark is None:
        return YamlProblem("yaml-syntax", f"not valid YAML: {problem}")
    lines = text.splitlines()
    line_text = lines[mark.line] if mark.line < len(lines) else ""
    if "\t" in line_text[: mark.column + 1]:
        problem += " (a tab: use spaces, not tabs, to indent)"
    return YamlProblem("yaml-syntax", f"not valid YAML: {problem}", mark.line + 1, mark.column + 1)


# -- building plain data from the event stream ---------------------------------


def _shown(key: Hashable) -> str:
    """A key as the file writes it: ``true``, not Python's ``True``."""
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


@dataclass
class _Frame:
    container: dict[Hashable, Any] | list[Any]
    path: Path_
    anchor: str | None
    size: int = 1
    key: Hashable | None = None
    has_key: bool = False
    # Keys as (type, value): 1 and true are different keys, though Python's dict
    # (where True == 1) would take one for the other.
    keys: dict[tuple[type, Hashable], Location | None] = field(default_factory=dict)


class _Builder:
    """Turn parser events into plain data in one bounded, iterative pass.

    An alias bomb is caught by adding up what each anchored node expands to,
    without expanding anything; nesting and node counts are bounded, and only the
    standard tags are accepted, so no file can run code or exhaust memory.
    """

    def __init__(self, document: YamlDocument) -> None:
        self.document = document
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.total = 0
        self.documents = 0

    def feed(self, event: yaml.Event) -> None:
        mark = event.start_mark
        where: Location = (mark.line + 1, mark.column + 1)
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise YamlProblem(
                    "yaml-syntax", "the file holds more than one YAML document", *where
                )
        elif isinstance(event, yaml.ScalarEvent):
            self._check_tag(event.tag, where)
            if len(event.value) > MAX_SCALAR_CHARS:
                raise YamlProblem(
                    "yaml-unsafe",
                    f"a value of {len(event.value):,} characters "
                    f"(at most {MAX_SCALAR_CHARS:,} are allowed)",
                    *where,
                )
            try:
                value = scalar_value(event)
            except ValueError as error:
                raise YamlProblem(
                    "yaml-syntax", f"cannot read this value: {error}", *where, self._child_path()
                ) from None
            is_plain_key = self._expects_key() and event.style in (None, "")
            if is_plain_key and event.value == "<<":
                raise YamlProblem("yaml-unsafe", "merge keys (<<) are not supported", *where)
            self._add(value, where, 1)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise YamlProblem("yaml-syntax", f"the alias *{event.anchor} has no anchor", *where)
            value, size = self.anchors[event.anchor]
            self._add(value, where, size)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self._check_tag(event.tag, where)
            if self._expects_key():
                raise YamlProblem("yaml-unsafe", "only plain text keys are allowed", *where)
            if len(self.stack) >= MAX_DEPTH:
                raise YamlProblem("yaml-unsafe", _TOO_DEEP, *where)
            path = self._child_path()
            self.document.positions[path] = where
            container: dict[Hashable, Any] | list[Any] = (
                {} if isinstance(event, yaml.MappingStartEvent) else []
            )
            self.stack.append(_Frame(container, path, event.anchor))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = self.stack.pop()
            if frame.anchor:
                self.anchors[frame.anchor] = (frame.container, frame.size)
            self._add(frame.container, None, frame.size)

    def _check_tag(self, tag: str | None, where: Location) -> None:
        if tag is not None and tag != "!" and tag not in _SAFE_TAGS:
            raise YamlProblem(
                "yaml-unsafe", f"the tag {tag!r} is not allowed here", *where, self._child_path()
            )

    def _expects_key(self) -> bool:
        return (
            bool(self.stack)
            and isinstance(self.stack[-1].container, dict)
            and (not self.stack[-1].has_key)
        )

    def _child_path(self) -> Path_:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            return (*frame.path, len(frame.container))
        return (*frame.path, frame.key) if frame.has_key else frame.path

    def _add(self, value: Any, where: Location | None, size: int) -> None:
        self.total += size
        if self.total > MAX_NODES:
            raise YamlProblem(
                "yaml-unsafe",
                f"the document expands to more than {MAX_NODES:,} values (an alias bomb?)",
                *(where or (None, None)),
            )
        if not self.stack:
            self.document.data = value
            if where is not None:
                self.document.positions[()] = where
            return
        frame = self.stack[-1]
        frame.size += size
        if isinstance(frame.container, list):
            if where is not None:
                self.document.positions[(*frame.path, len(frame.container))] = where
            frame.container.append(value)
            return
        if not frame.has_key:
            if isinstance(value, dict | list):  # an alias to a collection used as a key
                raise YamlProblem(
                    "yaml-unsafe",
                    "only plain text keys are allowed",
                    *(where or (None, None)),
                    frame.path,
                )
            key = value if isinstance(value, str | int | bool) else str(value)
            typed = (type(key), key)
            if typed in frame.keys:
                first = frame.keys[typed]
                raise YamlProblem(
                    "duplicate-key",
                    f"{_shown(key)} is written twice"
                    + (f" (first on line {first[0]})" if first else ""),
                    *(where or (None, None)),
                    (*frame.path, key),
                )
            if key in frame.container:  # 1 and true, 0 and false: different keys...
                other = next(k for k in frame.container if k == key)
                raise YamlProblem(  # ...that one mapping cannot hold apart
                    "duplicate-key",
                    f"{_shown(key)} and {_shown(other)} are different keys that this "
                    "reader cannot keep apart in one mapping; quote them to make them text "
                    f"('{_shown(key)}', '{_shown(other)}')",
                    *(where or (None, None)),
                    (*frame.path, key),
                )
            frame.keys[typed] = where
            if where is not None:
                self.document.key_positions[(*frame.path, key)] = where
            frame.key, frame.has_key = key, True
            return
        if where is not None:
            self.document.positions[(*frame.path, frame.key)] = where
        frame.container[frame.key] = value
        frame.has_key = False

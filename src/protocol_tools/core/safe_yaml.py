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
import os
from pathlib import Path

import yaml

from .files import read_regular_file, special_kind
from .yaml_document import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    MAX_SCALAR_CHARS,
    TOO_DEEP,
    Location,
    ParserStopped,
    YamlDocument,
    YamlProblem,
)
from .yaml_nodes import Unusual, read_plain

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MAX_SCALAR_CHARS",
    "Location",
    "YamlDocument",
    "YamlProblem",
    "read_text_file",
    "read_yaml_file",
    "read_yaml_text",
]


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
    try:
        # Looked at before opening: opening a named pipe waits for a writer, so a
        # pipe given by mistake would hang the command instead of being refused.
        _check_readable(os.stat(path))  # noqa: PTH116 (no Path made per file of a library)
        raw = _read_regular_file(path)
    except FileNotFoundError:
        raise YamlProblem("file-unreadable", "no such file") from None
    except OSError as error:
        raise YamlProblem("file-unreadable", f"cannot read the file ({error.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:  # grew between stat and read
        raise YamlProblem("file-unreadable", f"the file is larger than {MAX_FILE_BYTES:,} bytes")
    return decode_text(raw)


def _read_regular_file(path: str | Path) -> bytes:
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
    try:
        return _build(text, source)
    except ParserStopped as stopped:
        problem = _nesting_problem_before(stopped, text)
        raise problem or _syntax_problem(stopped.error, text) from None
    except yaml.YAMLError as error:
        raise YamlProblem("yaml-syntax", f"not valid YAML: {error}") from None


def _build(text: str, source: str) -> YamlDocument:
    """A plain file the quick way (libyaml composes, one walk); any other file, and
    every problem, event by event with the bounded builder (same data, same places)."""
    try:
        data, located = read_plain(text)
    except Unusual:
        # Imported here: a plain file never needs the event builder. (A text libyaml
        # refuses goes this way too: its events before the mark can depend on what the
        # scanner read past it, so no shorter text stands in for it.)
        from .yaml_events import build_from_events

        return build_from_events(text, source)
    return YamlDocument(data, source, located=located)


def _nesting_problem_before(stopped: ParserStopped, text: str) -> YamlProblem | None:
    """Our own nesting finding, when the parser gave up on deep nesting first.

    libyaml 0.2.6 and later refuse nesting past a limit of their own (1000 levels),
    and its scanner reads that far ahead before handing over the first event, so the
    builder never sees the depth. Building the text up to where the parser stopped
    reaches our lower limit there, whatever the library's limit or wording.

    That building is skipped when it cannot reach the limit: it takes the same events
    as the builder did, then those of the text the builder had not seen, and each
    level opened there needs its own '[', '{', '-', '?' or ':' in that text.
    """
    mark = stopped.error.problem_mark
    if mark is None or not 0 < mark.index <= len(text):
        return None
    unseen = text[stopped.seen : mark.index + 1]
    openers = sum(map(unseen.count, "[{-?:"))
    if stopped.depth + openers <= MAX_DEPTH:
        return None
    try:
        _build(text[: mark.index], "")
    except YamlProblem as problem:
        return problem if problem.message == TOO_DEEP else None
    except (ParserStopped, yaml.YAMLError):
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

"""The round-trip YAML document a draft edits: comments and key order kept.

An untouched library file comes back byte-identical; a new key goes where the
model's field order puts it.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from ..core.errors import ProtocolFileError
from ..core.safe_yaml import YamlProblem, read_yaml_text
from ..protocols.loading import unreadable_error
from ..protocols.model import Protocol, Step
from ..reference.rules import make_finding

__all__ = [
    "PROTOCOL_FIELDS",
    "SCHEMA_LINE",
    "STEP_FIELDS",
    "document_text",
    "fresh_map",
    "names_the_schema",
    "plain",
    "put_in_order",
    "read_document",
    "round_trip_yaml",
]

SCHEMA_LINE = "# yaml-language-server: $schema=schema/protocol.schema.json"
_SCHEMA_MARK = "$schema="
# Fields a step row edits, in the order the model (and so a tidy file) has them.
STEP_FIELDS = tuple(Step.model_fields)
PROTOCOL_FIELDS = tuple(Protocol.model_fields)


def round_trip_yaml() -> YAML:
    """The YAML reader and writer that keeps a library file's comments and layout."""
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    # Library files indent lists under their key ("  - zone: …") and never wrap
    # long lines; matching that makes an untouched file come back byte-identical.
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def plain(value: Any) -> Any:
    """Round-trip nodes as plain Python data (comments dropped)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def fresh_map(items: Iterable[tuple[str, Any]]) -> CommentedMap:
    """A new mapping of ``items`` as plain data."""
    # Without the comments of the step it came from, so copying a step never
    # copies a "# Client's left half" heading along with it.
    mapping = CommentedMap()
    for key, value in items:
        mapping[key] = copy.deepcopy(plain(value))
    return mapping


def put_in_order(mapping: CommentedMap, key: str, value: Any, order: Sequence[str]) -> None:
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


def names_the_schema(text: str) -> bool:
    """Whether a comment at the top of ``text`` already points to a schema."""
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return False
        if _SCHEMA_MARK in line:
            return True
    return False


def read_document(text: str, source: str) -> tuple[CommentedMap, str]:
    """The round-trip document of a protocol's text and its line ending (``\\n`` or
    ``\\r\\n``); hostile or broken YAML is refused first, by the safe reader."""
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
            "wrong-type", "a protocol file must be a set of fields", file=source, line=1, column=1
        )
        raise ProtocolFileError(f"{source}: not a protocol", [finding])
    try:
        # One line-ending style inside; document_text() writes the file's own style back.
        document = round_trip_yaml().load(text.replace("\r\n", "\n"))
    except YAMLError as error:  # pragma: no cover - the safe reader parsed it already
        raise ProtocolFileError(f"{source}: cannot read this protocol ({error})") from None
    return document, newline


def document_text(document: CommentedMap, newline: str = "\n") -> str:
    """The YAML text of ``document`` (schema line first) with ``newline`` line endings."""
    stream = io.StringIO()
    round_trip_yaml().dump(document, stream)
    text = stream.getvalue().replace("\r\n", "\n")
    if not names_the_schema(text):
        text = f"{SCHEMA_LINE}\n{text}"
    return text.replace("\n", newline) if newline != "\n" else text

"""The bounded builder: plain data from libyaml's events, one event at a time.

This is the definition of what a YAML file means to the package, hostile files
included: it never constructs Python objects from tags, expands aliases only within a
budget, and bounds nesting, node count and string length, each a :class:`YamlProblem`
with a line and column. :mod:`.yaml_nodes` reads plain files faster and hands every
other file to :func:`build_from_events`.

    >>> build_from_events("a: [1, x]\\n", "demo.yaml").positions[("a", 1)]
    (1, 8)
"""

from __future__ import annotations

import io
from collections.abc import Hashable
from typing import Any

import yaml

from .yaml_document import (
    MAX_DEPTH,
    MAX_NODES,
    MAX_SCALAR_CHARS,
    TOO_DEEP,
    Location,
    ParserStopped,
    Path_,
    YamlDocument,
    YamlProblem,
)
from .yaml_scalars import STANDARD_TAG, implicit_value, scalar_value

__all__ = ["build_from_events"]

# libyaml's C parser when PyYAML was built with it (about 35 times faster than a
# pure-Python parser here); we only take its events, never its constructors.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_SAFE_TAGS = {
    STANDARD_TAG + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def build_from_events(text: str, source: str) -> YamlDocument:
    """Read ``text`` event by event; raises :class:`YamlProblem` for what the builder
    refuses, :class:`ParserStopped` when the parser refuses the text with a mark, and
    lets its other ``yaml.YAMLError`` through."""
    document = YamlDocument(None, source, {}, {})
    builder = _Builder(document)
    loader = _Loader(io.StringIO(text))
    seen = 0
    try:
        for event in iter(loader.get_event, None):
            seen = event.start_mark.index
            builder.feed(event)
    except yaml.MarkedYAMLError as error:
        raise ParserStopped(error, len(builder.stack), seen) from None
    finally:
        loader.dispose()
    return document


def _shown(key: Hashable) -> str:
    """A key as the file writes it: ``true``, not Python's ``True``."""
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


class _Frame:
    """An open mapping or sequence: what it holds so far and where it stands."""

    __slots__ = ("anchor", "container", "has_key", "is_list", "key", "keys", "path", "size")

    def __init__(
        self, container: dict[Hashable, Any] | list[Any], path: Path_, anchor: str | None
    ) -> None:
        self.container = container
        self.is_list = container.__class__ is list
        self.path = path
        self.anchor = anchor
        self.size = 1
        self.key: Hashable | None = None
        self.has_key = False
        # Keys as (type, value): 1 and true are different keys, though Python's dict
        # (where True == 1) would take one for the other.
        self.keys: dict[tuple[type, Hashable], Location | None] = {}


class _Builder:
    """Turn parser events into plain data in one bounded, iterative pass.

    An alias bomb is caught by adding up what each anchored node expands to,
    without expanding anything; nesting and node counts are bounded, and only the
    standard tags are accepted, so no file can run code or exhaust memory.
    """

    def __init__(self, document: YamlDocument) -> None:
        self.document = document
        self.positions = document.positions
        self.key_positions = document.key_positions
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.total = 0
        self.documents = 0

    def feed(self, event: yaml.Event) -> None:
        mark = event.start_mark
        where: Location = (mark.line + 1, mark.column + 1)
        kind = event.__class__
        if kind is yaml.ScalarEvent:
            self._scalar(event, where)
        elif kind in _STARTS:
            self._check_tag(event.tag, where)
            if self._expects_key():
                raise YamlProblem("yaml-unsafe", "only plain text keys are allowed", *where)
            if len(self.stack) >= MAX_DEPTH:
                raise YamlProblem("yaml-unsafe", TOO_DEEP, *where)
            path = self._child_path()
            self.positions[path] = where
            container: dict[Hashable, Any] | list[Any] = (
                {} if kind is yaml.MappingStartEvent else []
            )
            self.stack.append(_Frame(container, path, event.anchor))
        elif kind in _ENDS:
            frame = self.stack.pop()
            if frame.anchor:
                self.anchors[frame.anchor] = (frame.container, frame.size)
            self._add(frame.container, None, frame.size)
        elif kind is yaml.AliasEvent:
            if event.anchor not in self.anchors:
                raise YamlProblem("yaml-syntax", f"the alias *{event.anchor} has no anchor", *where)
            value, size = self.anchors[event.anchor]
            self._add(value, where, size)
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                raise YamlProblem(
                    "yaml-syntax", "the file holds more than one YAML document", *where
                )

    def _scalar(self, event: yaml.ScalarEvent, where: Location) -> None:
        tag = event.tag
        if tag is not None:
            self._check_tag(tag, where)
        if len(event.value) > MAX_SCALAR_CHARS:
            raise YamlProblem(
                "yaml-unsafe",
                f"a value of {len(event.value):,} characters "
                f"(at most {MAX_SCALAR_CHARS:,} are allowed)",
                *where,
            )
        try:
            if tag is None:  # scalar_value's own first case, without the call
                value = event.value if event.style else implicit_value(event.value)
            else:
                value = scalar_value(event)
        except ValueError as error:
            raise YamlProblem(
                "yaml-syntax", f"cannot read this value: {error}", *where, self._child_path()
            ) from None
        if event.value == "<<" and event.style in (None, "") and self._expects_key():
            raise YamlProblem("yaml-unsafe", "merge keys (<<) are not supported", *where)
        self._add(value, where, 1)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)

    def _check_tag(self, tag: str | None, where: Location) -> None:
        if tag is not None and tag != "!" and tag not in _SAFE_TAGS:
            raise YamlProblem(
                "yaml-unsafe", f"the tag {tag!r} is not allowed here", *where, self._child_path()
            )

    def _expects_key(self) -> bool:
        stack = self.stack
        return bool(stack) and not stack[-1].is_list and not stack[-1].has_key

    def _child_path(self) -> Path_:
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if frame.is_list:
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
                self.positions[()] = where
            return
        frame = self.stack[-1]
        frame.size += size
        if frame.is_list:
            if where is not None:
                self.positions[(*frame.path, len(frame.container))] = where
            frame.container.append(value)
            return
        if not frame.has_key:
            self._add_key(frame, value, where)
            return
        if where is not None:
            self.positions[(*frame.path, frame.key)] = where
        frame.container[frame.key] = value
        frame.has_key = False

    def _add_key(self, frame: _Frame, value: Any, where: Location | None) -> None:
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
            self.key_positions[(*frame.path, key)] = where
        frame.key, frame.has_key = key, True

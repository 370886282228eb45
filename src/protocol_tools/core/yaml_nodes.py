"""The quick way to read a plain YAML file: libyaml composes the nodes, Python walks them once.

Most files people write are plain: no tags, no aliases, no merge keys, no key written
twice, well within the limits. For those, libyaml's C composer builds the node tree
(each node with its mark) and one walk turns it into plain data; positions are looked
up in the tree only when a finding needs one. Anything else, and any text libyaml
refuses, raises :class:`Unusual`, and :mod:`.safe_yaml` reads it with the event builder
(:mod:`.yaml_events`), which stays the definition of what every file means, its
bounds and problems included. Both give the same data and positions for a plain file
(``tests/core/test_safe_yaml_fast.py`` compares them).

    >>> data, located = read_plain("steps:\\n  - seconds: 30\\n")
    >>> data, located.value_at(("steps", 0, "seconds")), located.key_at(("steps", 0, "seconds"))
    ({'steps': [{'seconds': 30}]}, (2, 14), (2, 5))
"""

from __future__ import annotations

import operator
from collections.abc import Hashable
from functools import cache
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .yaml_document import MAX_DEPTH, MAX_NODES, MAX_SCALAR_CHARS, Location, Path_
from .yaml_scalars import LONGEST_WORD, NOT_TEXT_START, implicit_value

__all__ = ["MAX_PLAIN_CHARS", "NodePositions", "Unusual", "read_plain"]

# libyaml's parser, when PyYAML was built with it.
_CParser: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)

# Longer texts go to the event builder, which counts nodes as they come: a hostile
# file never gets a large node tree built before its size is looked at.
MAX_PLAIN_CHARS = 100_000
# libyaml's composer recurses once a level. Block nesting is bounded by libyaml itself
# (see _composer_is_bounded); flow nesting by this many '[' and '{' in the whole text.
MAX_FLOW_OPENERS = 1000

# A tag (!) or an alias (*) starts where a node starts: at the start, after a space, a
# flow indicator or a colon. Either sends the text to the event builder, which checks
# tags and bounds what aliases expand to. A '!' ending a sentence does not.
_BEFORE_A_NODE = frozenset(" \t\r\n\x85\u2028\u2029[]{},:")


class Unusual(Exception):
    """The text is not plain (or not valid): the event builder must read it."""


if _CParser is not None:

    class _Composer(_CParser):  # type: ignore[misc, valid-type]
        """libyaml's composer with PyYAML's tag resolution left out: tags stay None.

        The composer calls these three for every node. The two whose answer it drops
        are callables written in C that do nothing of note (a Python method each time
        costs a tenth of the composing).
        """

        def resolve(self, kind: type, value: Any, implicit: Any) -> None:
            return None

        descend_resolver = staticmethod(operator.is_)  # (current_node, current_index)
        ascend_resolver = staticmethod(tuple)  # ()


@cache
def _composer_is_bounded() -> bool:
    """Whether libyaml refuses deep block nesting itself (0.2.6 and later: past 1000
    levels), so its recursive composer never goes deeper than that on a hostile file."""
    if _CParser is None:
        return False
    try:
        _CParser("- " * 5000 + "x").raw_parse()
    except yaml.YAMLError:
        return True
    return False


def read_plain(text: str) -> tuple[Any, NodePositions]:
    """The plain data of ``text`` and where its values stand; :class:`Unusual` when the
    text is not plain or not valid YAML (the event builder then says what it is)."""
    if (
        len(text) > MAX_PLAIN_CHARS
        or "\t" in text  # libyaml refuses most tabs: the quick attempt would be wasted
        or text.count("[") + text.count("{") > MAX_FLOW_OPENERS
        or _may_hold_tag_or_alias(text)
        or not _composer_is_bounded()
    ):
        raise Unusual
    try:
        root = _Composer(text).get_single_node()
    except (yaml.YAMLError, ValueError):  # ValueError: text libyaml cannot take
        raise Unusual from None
    if root is None:
        return None, NodePositions(None, {})
    data, plain_keys = _plain_data(root)
    return data, NodePositions(root, plain_keys)


def _may_hold_tag_or_alias(text: str) -> bool:
    for sign in "!*":
        at = text.find(sign)
        while at != -1:
            if at == 0 or text[at - 1] in _BEFORE_A_NODE:
                return True
            at = text.find(sign, at + 1)
    return False


def _scalar(node: ScalarNode) -> Any:
    value = node.value
    if node.tag is not None or len(value) > MAX_SCALAR_CHARS:
        raise Unusual
    if node.style:  # quoted, literal or folded: text as written
        return value
    try:
        return implicit_value(value)
    except ValueError:  # a date that does not exist, a number too long
        raise Unusual from None


_KEY_TYPES = (str, int)  # (bool is an int)


def _key(node: Node) -> Hashable:
    """A mapping key as the event builder keeps it: text, a whole number or true/false."""
    if node.__class__ is not ScalarNode or (not node.style and node.value == "<<"):
        raise Unusual  # a collection as a key, or a merge key
    key = _scalar(node)
    return key if isinstance(key, _KEY_TYPES) else str(key)


def _plain_data(root: Node) -> tuple[Any, dict[str, Hashable]]:
    """The data of the tree in one walk, counting its nodes and refusing what is not
    plain, and each plain key's text with the key it makes. This is the hot loop of
    reading a library: nested functions, a scalar value read in place, and each plain
    key text resolved once per file."""
    nodes = 1
    plain_keys: dict[str, Hashable] = {}

    def value_of(node: Node, depth: int) -> Any:
        nonlocal nodes
        kind = node.__class__
        if kind is ScalarNode:
            return _scalar(node)
        if depth > MAX_DEPTH or node.tag is not None:
            raise Unusual
        items = node.value
        if kind is SequenceNode:
            nodes += len(items)
            return [value_of(item, depth + 1) for item in items]
        nodes += 2 * len(items)
        mapping: dict[Hashable, Any] = {}
        for key_node, value_node in items:
            if key_node.__class__ is ScalarNode and key_node.tag is None and not key_node.style:
                raw = key_node.value
                key = plain_keys.get(raw)
                if key is None:  # (a key is never None: _key makes it text)
                    key = plain_keys[raw] = _key(key_node)
            else:
                key = _key(key_node)
            if key in mapping:  # written twice, or 1 and true
                raise Unusual
            if value_node.__class__ is ScalarNode:
                value = value_node.value
                size = len(value)
                if value_node.tag is not None or size > MAX_SCALAR_CHARS:
                    raise Unusual
                # Plain: resolved (text longer than any word, starting as no number
                # does, is text as it stands: implicit_value's own first answer).
                if not value_node.style and (
                    size <= LONGEST_WORD or value[0] in NOT_TEXT_START or value[-1] == "\n"
                ):
                    try:
                        value = implicit_value(value)
                    except ValueError:  # a date that does not exist, a number too long
                        raise Unusual from None
                mapping[key] = value
            else:
                mapping[key] = value_of(value_node, depth + 1)
        return mapping

    data = value_of(root, 1)
    if nodes > MAX_NODES:
        raise Unusual
    return data, plain_keys


def _where(node: Node) -> Location:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


class NodePositions:
    """Where each value and key of a plain file stands, found in its node tree.

    ``keys``: each plain key's text with the key it makes (from the walk), so a look-up
    compares keys without resolving them again.
    """

    __slots__ = ("keys", "root")

    def __init__(self, root: Node | None, keys: dict[str, Hashable]) -> None:
        self.root = root
        self.keys = keys

    def value_at(self, path: Path_) -> Location | None:
        """The position of the value at ``path``, or of its nearest ancestor."""
        node = self.root
        if node is None:
            return None
        for part in path:
            child = self._child(node, part)
            if child is None:
                break
            node = child
        return _where(node)

    def key_at(self, path: Path_) -> Location | None:
        """The position of the key naming ``path``, if there is one."""
        node = self.root
        if node is None or not path:
            return None
        for part in path[:-1]:
            node = self._child(node, part)
            if node is None:
                return None
        if node.__class__ is MappingNode:
            for key_node, _ in node.value:
                if self._key(key_node) == path[-1]:
                    return _where(key_node)
        return None

    def _key(self, node: Node) -> Hashable:
        if node.__class__ is ScalarNode and not node.style and node.tag is None:
            known = self.keys.get(node.value)
            if known is not None:
                return known
        return _key(node)

    def _child(self, node: Node, part: Hashable) -> Node | None:
        """The node at ``part`` under ``node``, matched as a dict of paths would match it."""
        kind = node.__class__
        if kind is MappingNode:
            for key_node, value_node in node.value:
                if self._key(key_node) == part:
                    return value_node
            return None
        if kind is SequenceNode and (
            type(part) in (int, bool) or (type(part) is float and part.is_integer())  # type: ignore[union-attr]
        ):
            index = int(part)  # type: ignore[arg-type]
            return node.value[index] if 0 <= index < len(node.value) else None
        return None

    def every_value(self) -> dict[Path_, Location]:
        return self._every()[0]

    def every_key(self) -> dict[Path_, Location]:
        return self._every()[1]

    def _every(self) -> tuple[dict[Path_, Location], dict[Path_, Location]]:
        values: dict[Path_, Location] = {}
        keys: dict[Path_, Location] = {}
        pending: list[tuple[Path_, Node]] = [((), self.root)] if self.root is not None else []
        while pending:
            path, node = pending.pop()
            values[path] = _where(node)
            if node.__class__ is SequenceNode:
                pending.extend(((*path, index), item) for index, item in enumerate(node.value))
            elif node.__class__ is MappingNode:
                for key_node, value_node in node.value:
                    key = self._key(key_node)
                    keys[(*path, key)] = _where(key_node)
                    pending.append(((*path, key), value_node))
        return values, keys

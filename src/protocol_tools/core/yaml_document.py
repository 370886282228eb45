"""What the safe YAML reader gives back: plain data with positions, or a located problem.

The limits every reader of user YAML keeps live here too, so both ways of building a
document (:mod:`.yaml_nodes`, :mod:`.yaml_events`) read the same numbers.

    >>> doc = YamlDocument({"a": [1]}, "demo.yaml", {("a", 0): (1, 5), ("a",): (1, 4)})
    >>> doc.position(("a", 0)), doc.position(("a", 7)), doc.position(("b",))
    ((1, 5), (1, 4), None)
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

    from .yaml_nodes import NodePositions

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MAX_SCALAR_CHARS",
    "TOO_DEEP",
    "Location",
    "ParserStopped",
    "Path_",
    "YamlDocument",
    "YamlProblem",
]

# Engineering limits, not safety facts: real protocol and intake files are a few
# kilobytes, so anything far beyond these is a mistake or an attack.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_NODES = 50_000  # after alias expansion
MAX_SCALAR_CHARS = 20_000

TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"

Path_ = tuple[Hashable, ...]
Location = tuple[int, int]  # 1-based line and column


class YamlProblem(Exception):
    """Why a YAML document could not be read, and where.

    Written out as a dataclass would write it (fields, ``==``, ``repr``): this class
    is made on every start of the command line, where a dataclass costs more.
    """

    __match_args__ = ("code", "message", "line", "column", "path")

    def __init__(
        self,
        code: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
        path: Path_ = (),
    ) -> None:
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.path = path

    def _fields(self) -> tuple[Any, ...]:
        return (self.code, self.message, self.line, self.column, self.path)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # as a dataclass with == has none

    def __repr__(self) -> str:
        values = ", ".join(
            f"{name}={value!r}"
            for name, value in zip(self.__match_args__, self._fields(), strict=True)
        )
        return f"{type(self).__qualname__}({values})"

    def __str__(self) -> str:
        where = f"{self.line}:{self.column} " if self.line else ""
        return f"{where}{self.message}"


class ParserStopped(Exception):
    """The parser refused the text (``error``, with its mark) after the builder had
    taken every event before: ``depth`` collections were open, and the last event
    taken started at index ``seen``."""

    def __init__(self, error: yaml.MarkedYAMLError, depth: int, seen: int) -> None:
        super().__init__(str(error))
        self.error, self.depth, self.seen = error, depth, seen


class YamlDocument:
    """Plain Python data read from YAML, plus the position of every value and key.

    The positions are either written down while building (``positions`` and
    ``key_positions``) or looked up on demand in the parsed file (``located``), so a
    file without a single finding never pays for them.
    """

    def __init__(
        self,
        data: Any = None,
        source: str = "<text>",
        positions: dict[Path_, Location] | None = None,
        key_positions: dict[Path_, Location] | None = None,
        *,
        located: NodePositions | None = None,
    ) -> None:
        self.data = data
        self.source = source
        self._positions = positions
        self._key_positions = key_positions
        self._located = located

    def __repr__(self) -> str:
        return f"YamlDocument(data={self.data!r}, source={self.source!r})"

    @property
    def positions(self) -> dict[Path_, Location]:
        """The position of every value, by path."""
        if self._positions is None:
            self._positions = self._located.every_value() if self._located else {}
        return self._positions

    @property
    def key_positions(self) -> dict[Path_, Location]:
        """The position of every mapping key, by the path of its value."""
        if self._key_positions is None:
            self._key_positions = self._located.every_key() if self._located else {}
        return self._key_positions

    def position(self, path: Path_) -> Location | None:
        """The position of the value at ``path``, or of its nearest ancestor."""
        path = tuple(path)
        if self._located is not None:
            return self._located.value_at(path)
        positions = self.positions
        while True:
            if path in positions:
                return positions[path]
            if not path:
                return None
            path = path[:-1]

    def key_position(self, path: Path_) -> Location | None:
        """The position of the key naming ``path`` (falls back to the value)."""
        path = tuple(path)
        if self._located is not None:
            return self._located.key_at(path) or self._located.value_at(path)
        return self.key_positions.get(path) or self.position(path)

"""Turn what is wrong with a data file into one message naming file, line and field.

Pydantic's errors and our own cross-checks both come here with a path into the
YAML document (``("zones", 2, "max_current_uA")``); the document knows where that
path stands, so a clinic that mistyped a limit reads::

    data/zones.yaml:91:21 zones[0].max_current_uA: must be a number, not the text '1000'

    >>> from protocol_tools.core.safe_yaml import read_yaml_text
    >>> doc = read_yaml_text("zones:\\n  - id: neck\\n", "zones.yaml")
    >>> print(located(doc, ("zones", 0, "name"), "missing 'name'"))
    zones.yaml:2:5 zones[0].name: missing 'name'
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from ..core.errors import ReferenceDataError
from ..core.findings import field_path
from ..core.safe_yaml import YamlDocument
from ..core.text import suggest

__all__ = ["describe", "located", "problem_error", "shown"]

# How many problems one message lists: the first few are what a clinic fixes first.
MAX_LISTED = 5

_KIND_WORDS = {
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping of names to values",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
}


def shown(value: Any) -> str:
    """A value as the file shows it, shortened: ``the text '1000'``, ``empty (null)``."""
    if value is None:
        return "empty (null)"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:39] + "…"
        return f"the text {text!r}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def describe(error: Mapping[str, Any], known_fields: Iterable[str] = ()) -> str:
    """The message for one pydantic error, in a practitioner's words."""
    kind = error["type"]
    got = error.get("input")
    context = error.get("ctx") or {}
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        hint = suggest(str(error["loc"][-1]), known_fields)
        return "is not a field here" + (f" (did you mean {hint!r}?)" if hint else "")
    if kind in _KIND_WORDS:
        return f"must be {_KIND_WORDS[kind]}, not {shown(got)}"
    if kind == "literal_error":
        return f"must be one of {context.get('expected')}, not {shown(got)}"
    if kind == "string_pattern_mismatch":
        return f"must be lower-case letters, digits and hyphens, like under-eyes, not {shown(got)}"
    if kind == "value_error" and "error" in context:
        return str(context["error"])
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {context.get('min_length')} entries, not {len(got or ())}"
    if kind == "too_long":
        return f"takes at most {context.get('max_length')} entries"
    # Our own validators (PydanticCustomError) already speak plainly.
    return str(error.get("msg", kind))


def located(document: YamlDocument, path: Sequence[Hashable], message: str) -> str:
    """``file:line:column field: message``; the line of the nearest part that exists."""
    # An empty document has no positions at all: its problem stands at its start.
    line, column = document.position(tuple(path)) or (1, 1)
    place = f"{document.source}:{line}:{column}"
    subject = field_path(tuple(path))
    return f"{place} {subject}: {message}" if subject else f"{place}: {message}"


def problem_error(document: YamlDocument, problems: list[tuple[tuple, str]]) -> ReferenceDataError:
    """One error listing the first problems of a file (each on its own line)."""
    lines = [located(document, path, message) for path, message in problems[:MAX_LISTED]]
    more = len(problems) - MAX_LISTED
    if more > 0:
        lines.append(f"  … and {more} more in {document.source}")
    return ReferenceDataError("\n".join(lines))

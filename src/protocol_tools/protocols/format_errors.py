"""A file that does not fit the protocol format: the model's errors in a practitioner's
words, each with its file, line and field, plus what the field checks find in the rest.

Only a file the model refused comes here, so pydantic is imported here freely.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from ..core.errors import ProtocolFileError
from ..core.findings import Finding
from ..core.safe_yaml import YamlDocument
from ..core.text import suggest
from ..reference.data import ReferenceData, reference
from ..reference.rules import make_finding
from .model import Protocol

__all__ = ["format_error", "kind_of"]


def format_error(
    error: ValidationError,
    document: YamlDocument,
    path: str | None,
    ref: ReferenceData | None = None,
) -> ProtocolFileError:
    """Every error of a file that does not fit the format, in file order: the format's
    own, and those the field checks (zones, techniques, limits) find in the rest
    (``ref``: the reference data a run holds, else :func:`.reference.data.reference`)."""
    # Imported here: the checks read files through the loader, which comes here.
    from .checks import field_findings

    ref = ref or reference()
    problems = error.errors()
    findings = [_translate(item, document, ref) for item in problems]
    findings += field_findings(
        document, [tuple(item["loc"]) for item in problems], path=path, ref=ref
    )
    findings.sort(key=_file_order)
    return ProtocolFileError(f"{document.source}: does not fit the protocol format", findings)


def _file_order(finding: Finding) -> tuple[bool, int, int]:
    return (finding.line is None, finding.line or 0, finding.column or 0)


# -- pydantic errors in a practitioner's words ---------------------------------

_TYPE_WORDS = {
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "bool_type": "true or false",
    "list_type": "a list (lines starting with '-')",
    "model_type": "a set of fields",
    "dict_type": "a set of fields",
    "model_attributes_type": "a set of fields",
    "date_type": "a date like 2026-11-23",
    "date_from_datetime_inexact": "a date like 2026-11-23",
}

_PATTERN_WORDS = {
    "id": "must be a lower-case slug of letters, digits and hyphens, like signature-lift-15",
    "version": "must be major.minor.patch, like 1.0.0 (write it in quotes if your editor "
    "turns it into a number)",
    "derived_from": "must be id@version, like signature-lift-15@1.0.0",
}


def kind_of(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return type(value).__name__


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return kind_of(value)
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _fields_of(path: tuple[Hashable, ...]) -> Iterable[str]:
    model: type[BaseModel] = Protocol
    for part in path:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return ()
        annotation = info.annotation
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        for candidate in candidates:
            inner = getattr(candidate, "__args__", (candidate,))
            for item in (candidate, *inner):
                if isinstance(item, type) and issubclass(item, BaseModel):
                    model = item
                    break
    return model.model_fields


def _translate(error: Mapping[str, Any], document: YamlDocument, ref: ReferenceData) -> Finding:
    path = tuple(error["loc"])
    kind = error["type"]
    got = error.get("input")
    context = error.get("ctx") or {}
    name = str(path[-1]) if path else ""
    code = "bad-value"
    if kind == "missing":
        code, message = "missing-field", "is required"
    elif kind == "extra_forbidden":
        code = "unknown-field"
        message = f"is not a field here ({name!r})"
        hint = suggest(name, _fields_of(path[:-1]))
        if hint:
            message += f"; did you mean {hint!r}?"
    elif kind == "literal_error":
        code = "unknown-choice"
        allowed = [
            str(choice).strip("'") for choice in str(context.get("expected", "")).split(" or ")
        ]
        allowed = [part.strip() for item in allowed for part in item.split(",") if part.strip()]
        allowed = [choice.strip("'") for choice in allowed]
        message = f"must be one of {', '.join(allowed)} (got {_shown(got)})"
        hint = suggest(got, allowed)
        if hint:
            message += f"; did you mean {hint!r}?"
    elif kind == "greater_than":
        code = "not-positive"
        message = f"must be more than {context.get('gt', 0):g} (got {_shown(got)})"
    elif kind == "less_than_equal":
        message = f"must be at most {context.get('le'):g} (got {_shown(got)})"
    elif kind == "finite_number":
        message = f"must be an ordinary number (got {_shown(got)})"
    elif kind == "string_pattern_mismatch":
        message = _PATTERN_WORDS.get(name, "has the wrong form") + f" (got {_shown(got)})"
    elif kind in {"string_too_short", "too_short"}:
        message = "must not be empty"
    elif kind in {"string_too_long", "too_long"}:
        message = f"is too long (at most {context.get('max_length')})"
    elif kind in _TYPE_WORDS:
        code = "wrong-type"
        message = f"must be {_TYPE_WORDS[kind]} (got {kind_of(got)}: {_shown(got)})"
    else:  # pragma: no cover - a pydantic error type we have not worded yet
        message = str(error.get("msg", "is not valid"))
    if kind == "extra_forbidden":
        line, column = document.key_position(path) or (None, None)
    else:
        line, column = document.position(path) or (None, None)
    return make_finding(
        code, message, path, file=document.source, line=line, column=column, ref=ref
    )

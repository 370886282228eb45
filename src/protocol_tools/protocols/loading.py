"""Read protocol files and libraries, turning every problem into a located finding.

>>> from protocol_tools import load_library
>>> library = load_library("protocols")  # doctest: +SKIP
>>> sorted(library)[:2]  # doctest: +SKIP
['express-10', 'full-lift-20']
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..core.errors import LibraryError, ProtocolFileError
from ..core.findings import Finding
from ..core.paths import LIBRARY_ENV, repo_root
from ..core.safe_yaml import YamlDocument, YamlProblem, read_yaml_file, read_yaml_text
from ..core.text import suggest
from ..reference.rules import make_finding
from .model import Protocol

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PROTOCOL_SUFFIXES",
    "Library",
    "default_library_dir",
    "load_library",
    "load_protocol",
    "parse_protocol",
    "protocol_files",
    "resolve_protocol",
    "suggest",
    "unknown_id_message",
]

PROTOCOL_SUFFIXES = (".yaml", ".yml")


def default_library_dir() -> Path:
    """The protocol library folder.

    ``$PROTOCOL_TOOLS_LIBRARY`` if set; else ``./protocols`` when it exists; else
    the library of the source checkout, or the copy shipped inside the wheel.
    """
    override = os.environ.get(LIBRARY_ENV)
    if override:
        return Path(override)
    here = Path("protocols")
    if here.is_dir():
        return here
    root = repo_root()
    if root is not None:
        return root / "protocols"
    return Path(__file__).resolve().parents[1] / "protocols"


def parse_protocol(text: str, source: str = "<text>") -> Protocol:
    """Build a :class:`Protocol` from YAML text; raise ProtocolFileError if impossible."""
    try:
        document = read_yaml_text(text, source)
    except YamlProblem as problem:
        raise unreadable_error(source, problem) from None
    return _protocol_from_document(document)


def load_protocol(path: str | Path) -> Protocol:
    """Read one protocol file.

    Raises :class:`ProtocolFileError` (with located findings) when the file cannot
    be read or does not fit the format; for a file that does not fit, the findings
    also hold the errors of its other fields (unknown zones, currents above a
    limit…), so one run names them all. The other checks (timing, balance, every
    warning) are :func:`protocol_tools.validate`'s job.
    """
    source = str(path)
    try:
        document = read_yaml_file(path)
    except YamlProblem as problem:
        raise unreadable_error(source, problem) from None
    protocol = _protocol_from_document(document, path=source)
    protocol._path = source
    return protocol


def unreadable_error(source: str, problem: YamlProblem) -> ProtocolFileError:
    """The error for a protocol file the safe YAML reader refused."""
    finding = make_finding(
        problem.code,
        problem.message,
        problem.path,
        file=source,
        line=problem.line,
        column=problem.column,
    )
    return ProtocolFileError(f"{source}: cannot read this protocol", [finding])


def _protocol_from_document(document: YamlDocument, *, path: str | None = None) -> Protocol:
    data = document.data
    if not isinstance(data, dict):
        finding = make_finding(
            "wrong-type",
            "the file is empty; a protocol is a set of fields (format, id, name, steps…)"
            if data is None
            else "a protocol file must be a set of fields (format, id, name, steps…), "
            f"not {_kind_of(data)}",
            file=document.source,
            line=1,
            column=1,
        )
        raise ProtocolFileError(f"{document.source}: not a protocol", [finding])
    try:
        protocol = Protocol.model_validate(data)
    except ValidationError as error:
        raise _format_error(error, document, path) from None
    protocol._document = document
    return protocol


def _format_error(
    error: ValidationError, document: YamlDocument, path: str | None
) -> ProtocolFileError:
    """Every error of a file that does not fit the format, in file order: the format's
    own, and those the field checks (zones, techniques, limits) find in the rest."""
    # Imported here: the validator is built on this module.
    from .checks import field_findings

    problems = error.errors()
    findings = [_translate(item, document) for item in problems]
    findings += field_findings(document, [tuple(item["loc"]) for item in problems], path=path)
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


def _kind_of(value: Any) -> str:
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
        return _kind_of(value)
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


def _translate(error: Mapping[str, Any], document: YamlDocument) -> Finding:
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
        message = f"must be {_TYPE_WORDS[kind]} (got {_kind_of(got)}: {_shown(got)})"
    else:  # pragma: no cover - a pydantic error type we have not worded yet
        message = str(error.get("msg", "is not valid"))
    if kind == "extra_forbidden":
        line, column = document.key_position(path) or (None, None)
    else:
        line, column = document.position(path) or (None, None)
    return make_finding(code, message, path, file=document.source, line=line, column=column)


# -- libraries -----------------------------------------------------------------


def protocol_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the protocol files they hold, each once.

    A folder's hidden entries (names starting with ``.``: the designer's lock
    file, editors' and Jupyter's checkpoint copies) are not protocols.
    """
    found: dict[Path, Path] = {}
    for item in paths:
        path = Path(item)
        children = sorted(_visible_protocol_files(path)) if path.is_dir() else [path]
        for child in children:
            found.setdefault(child.resolve(), child)
    return list(found.values())


def _visible_protocol_files(folder: Path) -> Iterator[Path]:
    for child in folder.rglob("*"):
        hidden = any(part.startswith(".") for part in child.relative_to(folder).parts)
        if not hidden and child.suffix in PROTOCOL_SUFFIXES and child.is_file():
            yield child


@dataclass
class Library(Mapping[str, Protocol]):
    """The protocols of one folder by id; drafts and unreadable files kept apart.

    ``library["signature-lift-15"]`` gives a ready protocol; ``library.drafts``
    holds drafts; ``library.problems`` maps each unreadable file to its findings.
    """

    folder: Path
    protocols: dict[str, Protocol] = field(default_factory=dict)
    drafts: dict[str, Protocol] = field(default_factory=dict)
    problems: dict[str, list[Finding]] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Protocol:
        try:
            return self.protocols[key]
        except KeyError:
            raise LibraryError(unknown_id_message(key, self.protocols, self.folder)) from None

    def __contains__(self, key: object) -> bool:
        return key in self.protocols

    def __iter__(self) -> Iterator[str]:
        return iter(self.protocols)

    def __len__(self) -> int:
        return len(self.protocols)

    def table(self) -> pd.DataFrame:
        """One row per protocol: id, name, setting, version, minutes, zones."""
        import pandas as pd

        rows = []
        for status, group in (("ready", self.protocols), ("draft", self.drafts)):
            for protocol in group.values():
                zones = dict.fromkeys(step.zone for step in protocol.steps if step.zone)
                rows.append(
                    {
                        "id": protocol.id,
                        "name": protocol.name,
                        "setting": protocol.setting,
                        "version": protocol.version,
                        "status": status,
                        "device_minutes": round(protocol.device_seconds / 60, 1),
                        "steps": len(protocol.steps),
                        "zones": ", ".join(z for z in zones if z),
                        "summary": protocol.summary,
                    }
                )
        return pd.DataFrame(rows).set_index("id") if rows else pd.DataFrame(rows)


def unknown_id_message(key: str, known: Mapping[str, Any], folder: Path) -> str:
    """ "no protocol with id 'x' in DIR; did you mean 'y'?" for an id nobody holds."""
    message = f"no protocol with id {key!r} in {folder}"
    hint = suggest(key, known)
    if hint:
        message += f"; did you mean {hint!r}?"
    return message


def duplicate_id_finding(protocol: Protocol, owner: object, file: str | Path) -> Finding:
    """The finding for ``protocol``, read from ``file``, whose id ``owner`` already holds."""
    line, column = protocol.locate(("id",))
    return make_finding(
        "duplicate-id",
        f"the id {protocol.id!r} is already used by {owner}",
        ("id",),
        file=str(file),
        line=line,
        column=column,
    )


def load_library(folder: str | Path | None = None) -> Library:
    """Read every protocol file in ``folder`` (default: the project's ``protocols/``).

    Files that cannot be read land in ``library.problems``; when two files share
    an id, only the first (by file name) is kept and the other is a problem.
    """
    folder = Path(folder) if folder is not None else default_library_dir()
    if not folder.is_dir():
        raise LibraryError(f"no protocol library at {folder}")
    library = Library(folder=folder)
    for path in protocol_files([folder]):
        try:
            protocol = load_protocol(path)
        except ProtocolFileError as error:
            library.problems[str(path)] = error.findings
            continue
        group = library.drafts if protocol.status == "draft" else library.protocols
        other = library.protocols.get(protocol.id) or library.drafts.get(protocol.id)
        if other is not None:
            library.problems[str(path)] = [duplicate_id_finding(protocol, other.path, path)]
            continue
        group[protocol.id] = protocol
    return library


def resolve_protocol(reference: str | Path, library_dir: str | Path | None = None) -> Protocol:
    """A protocol given as a file path or as an id in the library."""
    path = Path(reference)
    if path.suffix in PROTOCOL_SUFFIXES or path.exists():
        return load_protocol(path)
    folder = Path(library_dir) if library_dir is not None else default_library_dir()
    candidate = folder / f"{reference}.yaml"
    if candidate.is_file():
        return load_protocol(candidate)
    known = {p.stem: p for p in protocol_files([folder])} if folder.is_dir() else {}
    raise LibraryError(unknown_id_message(str(reference), known, folder))

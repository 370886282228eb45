"""Read protocol files and libraries, turning every problem into a located finding.

>>> from protocol_tools import load_library
>>> library = load_library("protocols")  # doctest: +SKIP
>>> sorted(library)[:2]  # doctest: +SKIP
['express-10', 'full-lift-20']
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import LibraryError, ProtocolFileError
from ..core.findings import Finding
from ..core.paths import LIBRARY_ENV, repo_root
from ..core.safe_yaml import YamlProblem, read_yaml_file, read_yaml_text
from ..core.text import suggest
from .reading import (
    PROTOCOL_SUFFIXES,
    id_taken_finding,
    protocol_files,
    protocol_from_document,
    unreadable_error,
)

if TYPE_CHECKING:
    import pandas as pd

    from .model import Protocol

__all__ = [
    "PROTOCOL_SUFFIXES",
    "Library",
    "default_library_dir",
    "duplicate_id_finding",
    "id_taken_finding",
    "load_library",
    "load_protocol",
    "parse_protocol",
    "protocol_files",
    "protocol_from_document",
    "resolve_protocol",
    "suggest",
    "unknown_id_message",
    "unreadable_error",
]


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
    return protocol_from_document(document)


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
    return protocol_from_document(document, path=source)


# -- libraries -----------------------------------------------------------------


@dataclass
class Library(Mapping[str, "Protocol"]):
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
    return id_taken_finding(protocol.id, protocol.locate(("id",)), owner, file)


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

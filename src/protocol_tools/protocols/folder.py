"""A library folder as writers see it: which file holds which id, and the lock they share.

Saving a new protocol checks the folder, then writes; the lock makes the two one
step for ``protocol-tools new`` and every designer alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from string import Template

from ..core.errors import LibraryError
from ..core.findings import Finding
from ..core.safe_yaml import YamlProblem, read_yaml_file
from .loading import PROTOCOL_SUFFIXES, duplicate_id_finding, protocol_files
from .model import Protocol

__all__ = [
    "SAVE_LOCK_NAME",
    "check_id_is_free",
    "files_by_id",
    "id_used_elsewhere",
    "starting_protocol_text",
]

# One per library folder, hidden so it is never read as a protocol.
SAVE_LOCK_NAME = ".protocol-tools.lock"


def files_by_id(folder: Path) -> dict[str, list[Path]]:
    """Every protocol file of ``folder`` by the id it holds, readable as a protocol or not."""
    found: dict[str, list[Path]] = {}
    if not folder.is_dir():
        return found
    for path in protocol_files([folder]):
        try:
            data = read_yaml_file(path).data
        except YamlProblem:
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            found.setdefault(data["id"], []).append(path)
    return found


def check_id_is_free(new_id: str, folder: Path) -> None:
    """Refuse ``new_id`` when a file of ``folder`` holds it or is named after it."""
    holders = files_by_id(folder).get(new_id, [])
    holders += [folder / f"{new_id}{suffix}" for suffix in PROTOCOL_SUFFIXES]
    taken = next((path for path in holders if path.exists()), None)
    if taken is not None:
        raise LibraryError(
            f"{new_id!r} already exists in {folder} ({taken.name}): choose another id, "
            "or open that protocol and save a new version"
        )


def id_used_elsewhere(protocol: Protocol, path: Path) -> list[Finding]:
    """A duplicate-id finding for each other file of ``path``'s folder holding the id."""
    here = path.resolve()
    others = [p for p in files_by_id(path.parent).get(protocol.id, []) if p.resolve() != here]
    return [duplicate_id_finding(protocol, other, path) for other in others]


def starting_protocol_text(protocol_id: str, name: str) -> str:
    """The valid starting protocol ``protocol-tools new`` writes and the designer opens."""
    from importlib.resources import files

    template_file = files("protocol_tools.protocols").joinpath("templates/new_protocol.yaml")
    template = template_file.read_text("utf-8")
    return Template(template).safe_substitute(
        id=protocol_id, name=json.dumps(name, ensure_ascii=False)
    )

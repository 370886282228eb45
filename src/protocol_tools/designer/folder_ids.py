"""Which file of a library folder holds which id, read again only where a file changed.

The designer checks a draft against the other files of its folder after every edit
(another file holding the same id is a ``duplicate-id`` error). Reading every file
each time cost more than the rest of the check, so each file's id is kept with the
file's identity (inode, modification time in nanoseconds, size) and read again only
when that changes. A file written in the last two seconds is read every time: a
folder shared over a network may keep times to the second or two, and a hand edit
that keeps the size within that tick would otherwise go unseen. The answers are
those of
:func:`protocol_tools.protocols.folder.files_by_id` and
:func:`~protocol_tools.protocols.folder.id_used_elsewhere`, file for file.

    >>> from protocol_tools.protocols.loading import default_library_dir
    >>> "express-10" in ids_in_folder(default_library_dir())
    True
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from ..core.findings import Finding
from ..core.safe_yaml import YamlProblem, read_yaml_file
from ..protocols.loading import duplicate_id_finding, protocol_files
from ..protocols.model import Protocol

__all__ = ["duplicate_id_findings", "folder_stamp", "ids_in_folder"]

# A file as it is now: which file (inode), when last written, how long.
FileKey = tuple[int, int, int]

# How long ago a file must have been written for its id to be kept (see above).
SETTLED_NS = 2_000_000_000

_known: dict[Path, tuple[FileKey, str | None]] = {}
_lock = threading.Lock()


def _file_key(path: Path) -> FileKey | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def folder_stamp(folder: Path) -> tuple[tuple[str, FileKey | None], ...] | None:
    """The protocol files of ``folder`` and each one's identity: equal stamps, same files.

    None when ``folder`` is not a folder.
    """
    if not folder.is_dir():
        return None
    return tuple((os.fspath(path), _file_key(path)) for path in protocol_files([folder]))


def _id_of(path: Path, key: FileKey | None) -> str | None:
    """The id ``path`` holds (None: unreadable, or no text id), read once per version."""
    resolved = path.resolve()
    with _lock:
        known = _known.get(resolved)
    if key is not None and known is not None and known[0] == key:
        return known[1]
    try:
        data = read_yaml_file(path).data
    except YamlProblem:
        found = None
    else:
        found = data["id"] if isinstance(data, dict) and isinstance(data.get("id"), str) else None
    if key is not None and time.time_ns() - key[1] > SETTLED_NS:
        with _lock:
            _known[resolved] = (key, found)
    return found


def ids_in_folder(folder: Path) -> dict[str, list[Path]]:
    """Every protocol file of ``folder`` by the id it holds (``files_by_id``'s answer)."""
    found: dict[str, list[Path]] = {}
    stamp = folder_stamp(folder)
    for name, key in stamp or ():
        path = Path(name)
        protocol_id = _id_of(path, key)
        if protocol_id is not None:
            found.setdefault(protocol_id, []).append(path)
    return found


def duplicate_id_findings(protocol: Protocol, path: Path) -> list[Finding]:
    """A duplicate-id finding for each other file of ``path``'s folder holding the id
    (``id_used_elsewhere``'s answer)."""
    here = path.resolve()
    others = [p for p in ids_in_folder(path.parent).get(protocol.id, []) if p.resolve() != here]
    return [duplicate_id_finding(protocol, other, path) for other in others]

"""The checked reference data, kept between runs, so a command starts without pydantic.

:func:`.data.reference` checks zones, techniques, rules and limits against their models
the first time a process asks; importing those models takes longer than a whole
``protocol-tools validate`` of one file should. What the checks let through is written
to the cache folder (:func:`protocol_tools.core.paths.cache_dir`) as JSON, with a key
made of the four files (their bytes' CRC-32, size, inode, times of last change) and of
the code that reads and checks them. A later run whose files and code have the very
same key reads it back; an edit, another file or folder, or other code checks afresh
(and a problem is reported exactly as before). Nothing here decides what is valid: a
snapshot only ever holds what the models accepted.

The validator reads the kept data through :func:`checked_values`: plain records with
the same fields as :mod:`.data`'s classes, so a command needs neither pydantic nor the
making of those classes (both cost more than the check of a file).

    >>> values = checked_values()
    >>> values.zones["jawline"].name, values.rules["not-positive"].severity
    ('Jawline', 'error')
"""

from __future__ import annotations

import binascii
import contextlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.machinery import PathFinder
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..core.paths import PACKAGE_DIR, cache_dir, data_dir

__all__ = [
    "MAX_SNAPSHOTS",
    "REFERENCE_FILES",
    "checked_values",
    "clear_values",
    "file_key",
    "load_payload",
    "same_values",
    "save_payload",
    "snapshot_key",
]

# The files reference() combines; an edit to any of them gives a new ReferenceData.
REFERENCE_FILES = ("zones.yaml", "techniques.yaml", "rules.yaml", "limits.yaml")
# Bumped when what a snapshot holds, or how, changes.
SNAPSHOT_FORMAT = 1
# Snapshots of this many data folders are kept; the ones used longest ago are removed.
MAX_SNAPSHOTS = 8
# The code that reads the data files and checks them: an edit to any of it (or another
# pydantic) means the files are checked again.
_CHECKING_CODE = ("reference", "core")
_CHECKING_LIBRARIES = ("pydantic", "pydantic_core", "yaml")


def file_key(path: Path) -> tuple[int, int, int] | None:
    """What changes when a file is edited or replaced; None when it cannot be read."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


def snapshot_key(folder: Path, names: Iterable[str] = REFERENCE_FILES) -> str | None:
    """What a snapshot of ``names`` in ``folder`` is kept under; None if a file is missing.

    A data file counts by its bytes (their CRC-32) as well as by its size, inode and
    times of last change (a clock tick is a few milliseconds: two quick writes of the
    same size can share them). The code counts by its files' sizes, inodes and times.
    """
    parts: list[Any] = [SNAPSHOT_FORMAT, str(folder.resolve())]
    try:
        for name in names:
            data = (folder / name).read_bytes()
            parts.append([name, _stamp(folder / name), len(data), binascii.crc32(data)])
        parts.extend([str(path), _stamp(path)] for path in _checking_code())
    except OSError:
        return None
    return json.dumps(parts)


def _stamp(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_ino, status.st_mtime_ns, status.st_ctime_ns]


def _checking_code() -> list[Path]:
    files = []
    for folder in _CHECKING_CODE:
        with os.scandir(PACKAGE_DIR / folder) as entries:
            files += sorted(Path(entry.path) for entry in entries if entry.name.endswith(".py"))
    for name in _CHECKING_LIBRARIES:  # found where an import would find them, not imported
        spec = PathFinder.find_spec(name)
        if spec is not None and spec.origin:
            files.append(Path(spec.origin))
    return files


def _snapshot_path(data_folder: Path) -> Path | None:
    """One snapshot file per data folder, named after it (its key says the rest)."""
    folder = cache_dir()
    if folder is None:
        return None
    name = re.sub(r"[^A-Za-z0-9]+", "-", str(data_folder.resolve())).strip("-")[-120:]
    return folder / f"reference-{name}.json"


def load_payload(data_folder: Path, key: str) -> dict[str, Any] | None:
    """What was kept under ``key`` (zones, techniques, rules and limits as plain data),
    or None: no snapshot, another key, or a file that is not one."""
    path = _snapshot_path(data_folder)
    if path is None:
        return None
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload["key"] != key:
            return None
        payload = {name: payload[name] for name in ("zones", "techniques", "rules", "limits")}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: the last to be removed
    return payload


def save_payload(data_folder: Path, key: str, payload: Mapping[str, Any]) -> None:
    """Keep ``payload`` under ``key`` when JSON carries it exactly (else not at all)."""
    path = _snapshot_path(data_folder)
    if path is None:
        return
    try:
        text = json.dumps({"key": key, **payload}, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # a value JSON cannot carry as it is
        return
    read_back = json.loads(text)
    if read_back.pop("key") != key or not same_values(read_back, dict(payload)):
        return
    # Imported here: only a run that has just checked the files writes one.
    from ..core.atomic import atomic_write_text

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)
        _remove_old_snapshots(path.parent)
    except OSError:  # a read-only home, a full disk: the next run checks again
        return


def _remove_old_snapshots(folder: Path) -> None:
    """Keep the snapshots of the MAX_SNAPSHOTS data folders used last (tests make many)."""
    kept = sorted(folder.glob("reference-*.json"), key=lambda path: path.stat().st_mtime_ns)
    for path in kept[:-MAX_SNAPSHOTS]:
        path.unlink(missing_ok=True)


def same_values(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (600 is not 600.0 here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same_values(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "__dataclass_fields__"):
        return all(same_values(getattr(a, k), getattr(b, k)) for k in a.__dataclass_fields__)
    return bool(a == b)


# -- what the validator reads ----------------------------------------------------------


def checked_values() -> Any:
    """The checked reference data as the validator reads it: ``zones``, ``techniques``,
    ``rules`` (records with the fields of :mod:`.data`'s Zone, Technique and Rule) and
    ``limits``. From the snapshot of these very files when there is one, else
    :func:`.data.reference` itself (which checks them, and keeps a snapshot)."""
    folder = data_dir()
    return _values_at(folder, tuple(file_key(folder / name) for name in REFERENCE_FILES))


@cache
def _values_at(folder: Path, keys: tuple[Any, ...]) -> Any:
    del keys  # the cache key only
    key = snapshot_key(folder)
    payload = load_payload(folder, key) if key is not None else None
    if payload is None:
        from .data import reference

        return reference()
    return SimpleNamespace(
        zones={
            item["id"]: SimpleNamespace(**{**item, "muscles": tuple(item["muscles"])})
            for item in payload["zones"]
        },
        techniques={item["id"]: SimpleNamespace(**item) for item in payload["techniques"]},
        rules={item["code"]: SimpleNamespace(**item) for item in payload["rules"]},
        limits=payload["limits"],
    )


def clear_values() -> None:
    """Forget the values read (with :func:`.data.clear_cache`)."""
    _values_at.cache_clear()

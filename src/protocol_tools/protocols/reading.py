"""Reading protocol files for checking: which files a folder holds, one file's
protocol by the model, and the findings for a file that cannot be read or whose id
is taken. :mod:`.loading` (libraries, ids) builds on it; ``protocol-tools validate``
imports only this (no pydantic until a file needs the model, no library class).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import ProtocolFileError
from ..core.safe_yaml import YamlDocument, YamlProblem
from ..reference.rules import make_finding

if TYPE_CHECKING:
    from ..core.findings import Finding
    from ..reference.data import ReferenceData
    from .model import Protocol

__all__ = [
    "PROTOCOL_SUFFIXES",
    "id_taken_finding",
    "protocol_files",
    "protocol_from_document",
    "unreadable_error",
]

PROTOCOL_SUFFIXES = (".yaml", ".yml")


def unreadable_error(
    source: str, problem: YamlProblem, *, ref: ReferenceData | None = None
) -> ProtocolFileError:
    """The error for a protocol file the safe YAML reader refused."""
    finding = make_finding(
        problem.code,
        problem.message,
        problem.path,
        file=source,
        line=problem.line,
        column=problem.column,
        ref=ref,
    )
    return ProtocolFileError(f"{source}: cannot read this protocol", [finding])


def protocol_from_document(
    document: YamlDocument, *, path: str | None = None, ref: ReferenceData | None = None
) -> Protocol:
    """The protocol ``document`` holds, read from the file ``path`` (if any); raises
    :class:`ProtocolFileError` with every finding when it does not fit the format
    (``ref``: the reference data a run already holds)."""
    # Imported here: `protocol-tools validate` reads a file that plainly fits the
    # format without pydantic (see checks.check_files).
    from pydantic import ValidationError

    from .format_errors import format_error, kind_of
    from .model import Protocol

    data = document.data
    if not isinstance(data, dict):
        finding = make_finding(
            "wrong-type",
            "the file is empty; a protocol is a set of fields (format, id, name, steps…)"
            if data is None
            else "a protocol file must be a set of fields (format, id, name, steps…), "
            f"not {kind_of(data)}",
            file=document.source,
            line=1,
            column=1,
            ref=ref,
        )
        raise ProtocolFileError(f"{document.source}: not a protocol", [finding])
    try:
        protocol = Protocol.model_validate(data)
    except ValidationError as error:
        raise format_error(error, document, path, ref) from None
    protocol._document = document
    if path is not None:
        protocol._path = path
    return protocol


def protocol_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the protocol files they hold, each once.

    A folder's hidden entries (names starting with ``.``: the designer's lock
    file, editors' and Jupyter's checkpoint copies) are not protocols. A folder's
    files come in path order; a folder linked from inside is not entered.
    """
    found: dict[str, Path] = {}
    for item in paths:
        path = Path(item)
        if path.is_dir():
            for child, resolved in _visible_protocol_files(path):
                found.setdefault(resolved, child)
        else:
            found.setdefault(str(path.resolve()), path)
    return list(found.values())


def _visible_protocol_files(folder: Path) -> list[tuple[Path, str]]:
    """Each protocol file under ``folder`` with its resolved path, in path order.

    One ``scandir`` a folder (a library of a thousand files is listed in a few
    milliseconds): a file that is not a link resolves to the resolved folder plus its
    own names, so only links are resolved one by one.
    """
    real = str(folder.resolve())
    found: list[tuple[tuple[str, ...], str]] = []
    pending: list[tuple[str, ...]] = [()]
    while pending:
        names = pending.pop()
        try:
            with os.scandir(folder.joinpath(*names)) as entries:
                listed = list(entries)
        except PermissionError:  # as pathlib's glob: a folder it may not list is skipped
            continue
        for entry in listed:
            name = entry.name
            if name.startswith("."):
                continue  # hidden, and so is everything inside it
            if _is_folder(entry) and not entry.is_symlink():
                pending.append((*names, name))
            elif name.endswith(PROTOCOL_SUFFIXES) and _is_file(entry):
                here = (*names, name)
                link = entry.is_symlink()
                # A string, not a Path: a Path costs more than the rest of the walk.
                resolved = "" if link else os.path.join(real, *here)  # noqa: PTH118
                found.append((here, resolved))
    found.sort(key=lambda item: item[0])
    children = []
    for here, resolved in found:
        child = folder.joinpath(*here)
        children.append((child, resolved or str(child.resolve())))
    return children


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a link in a loop, say: as Path.is_file sees it
        return Path(entry.path).is_file()


def id_taken_finding(
    protocol_id: str,
    where: tuple[int | None, int | None],
    owner: object,
    file: str | Path,
) -> Finding:
    """The finding for the id ``protocol_id`` (at ``where`` in ``file``) that ``owner`` holds."""
    line, column = where
    return make_finding(
        "duplicate-id",
        f"the id {protocol_id!r} is already used by {owner}",
        ("id",),
        file=str(file),
        line=line,
        column=column,
    )

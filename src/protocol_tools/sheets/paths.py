"""The files a day's row names: looked at before reading, and kept inside their folders.

A row's problem quotes the row, never the file it names: the file's keys and values
(a protocol's fields, an intake's answers, or a file that is neither) stay out of
the message, since whoever wrote the appointments may not be allowed to read it.

    >>> is_file_name("signature-lift-15")
    False
    >>> is_file_name("my-lift.yaml")
    True
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..core.errors import ExportError, LibraryError
from ..core.files import special_kind
from .appointments import shown

__all__ = ["inside", "is_file_name", "library_file", "regular_file"]


def regular_file(path: Path, what: str, name: str) -> Path:
    """``path`` if it is a file saved on disk; a pipe would hang the reader."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ExportError(f"{what} {shown(name)} not found") from None
    except OSError as error:
        raise ExportError(f"{what} {shown(name)}: cannot read it ({error.strerror})") from None
    except ValueError:  # a NUL byte: no file has such a name
        raise ExportError(f"{what} {shown(name)} is not a file name") from None
    if special_kind(mode) is not None:
        raise ExportError(
            f"{what} {shown(name)} is not a file saved on disk (a folder, a pipe or a device)"
        )
    return path


def inside(folder: Path, name: str, what: str, where: str) -> Path:
    """``folder/name``, refused unless it stays inside ``folder`` once links are followed."""
    relative = Path(name)
    if relative.anchor:
        raise ExportError(f"{what} {shown(name)}: name a file inside the {where}, not a full path")
    if ".." in relative.parts:
        raise ExportError(f"{what} {shown(name)}: '..' may not lead out of the {where}")
    try:
        real = (folder / relative).resolve(strict=True)
        home = folder.resolve(strict=True)
    except FileNotFoundError:
        raise ExportError(f"{what} {shown(name)} not found in the {where}") from None
    except (OSError, RuntimeError, ValueError):  # a loop of links, a name too long, a NUL
        raise ExportError(f"{what} {shown(name)}: cannot be followed to a file") from None
    if not real.is_relative_to(home):
        raise ExportError(
            f"{what} {shown(name)} leads out of the {where}; only files inside it can be used"
        )
    return regular_file(real, what, name)


def is_file_name(reference: str) -> bool:
    """Whether a protocol reference names a file rather than a library id (the way
    ``resolve_protocol`` tells them apart)."""
    from ..protocols.loading import PROTOCOL_SUFFIXES

    return Path(reference).suffix in PROTOCOL_SUFFIXES or os.path.lexists(reference)


def library_file(reference: str, library: Path) -> Path:
    """The protocol file a confined row names: an id, or a file inside the library."""
    from ..protocols.loading import PROTOCOL_SUFFIXES, protocol_files, unknown_id_message
    from ..protocols.model import SLUG_PATTERN

    name = reference
    if Path(reference).suffix not in PROTOCOL_SUFFIXES:
        name = f"{reference}.yaml"
        if not re.fullmatch(SLUG_PATTERN, reference) or not os.path.lexists(library / name):
            known = {path.stem: path for path in protocol_files([library])}
            raise LibraryError(unknown_id_message(reference, known, library))
    return inside(library, name, "protocol file", "protocol library folder")

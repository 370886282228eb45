"""Reading a user's file without ever waiting on a pipe or reading a device.

Opening a named pipe for reading waits until something writes to it, and a device
such as /dev/zero never ends, so a path given by mistake would hang a command.
The file is opened without waiting, the opened descriptor is looked at (so a name
swapped for a pipe after an earlier check is caught too), and only then read, up
to a limit. Each caller words its own refusal.

    >>> special_kind(os.stat("/dev/null").st_mode)
    'a device'
    >>> special_kind(os.stat(__file__).st_mode) is None
    True
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

__all__ = ["read_regular_file", "special_kind"]

# Without a controlling terminal, in case the name is swapped for one.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX only; Windows has no such pipes
_OPEN_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def read_regular_file(
    path: str | Path, limit: int, check: Callable[[os.stat_result], None]
) -> bytes:
    """At most ``limit + 1`` bytes of ``path``, read only after ``check`` has accepted
    what was opened (``check`` raises the caller's own error for a folder, a pipe, a
    device or a file over the limit). OSError for a missing or unreadable file."""
    descriptor = os.open(path, _OPEN_FLAGS)
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        check(status)
        if _NONBLOCK:
            os.set_blocking(descriptor, True)
        # As much as the file holds, in one read (asking for the whole limit at once
        # costs a megabyte's allocation per file); on past it, if the file has grown.
        data = stream.read(min(status.st_size, limit) + 1)
        if len(data) > status.st_size:
            data += stream.read(limit + 1 - len(data))
        return data

"""Write files so that a crash never leaves a half-written one under the final name.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
>>> atomic_write_text(target, "hello")
>>> target.read_text()
'hello'
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import ExportError

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "create_new_bytes",
    "file_lock",
    "write_new_file",
]


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)  # os.replace: atomic on POSIX and Windows
    except BaseException as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        if isinstance(error, OSError):
            raise ExportError(f"cannot write {path}: {error.strerror}") from None
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Like :func:`atomic_write_bytes`, for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))


def create_new_bytes(target: str | Path, data: bytes) -> None:
    """Write ``data`` to ``target``, which must not exist yet, all at once.

    The data is written in full under a hidden name first, then a hard link gives
    it its own name: linking fails if the name is taken, so a file that appeared
    meanwhile is never replaced, and a reader never sees half a file. Raises
    :class:`FileExistsError` when the name is taken.
    """
    target = Path(target)
    staging = target.with_name(f".{target.name}.{secrets.token_hex(6)}.new")
    atomic_write_bytes(staging, data)
    try:
        os.link(staging, target)
    except FileExistsError:
        raise
    except OSError as error:
        raise ExportError(
            f"cannot create {target}: {error.strerror}. New files are linked into place "
            "so that they never replace one, and this folder refused the link; choose a "
            "folder on an ordinary disk"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            staging.unlink()


def write_new_file(folder: str | Path, stem: str, suffix: str, data: bytes) -> Path:
    """Save ``data`` as ``folder/stem+suffix``, or ``stem-2+suffix``, ``stem-3``… when
    that name is taken, and return the path. Never replaces a file, even one that
    another process creates at the same moment.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> [write_new_file(folder, "C-0042_2026-11-23", ".csv", b"x").name for _ in range(3)]
    ['C-0042_2026-11-23.csv', 'C-0042_2026-11-23-2.csv', 'C-0042_2026-11-23-3.csv']
    """
    folder = Path(folder)
    for number in range(1, _MAX_SAME_NAME + 1):
        path = folder / f"{stem}{'' if number == 1 else f'-{number}'}{suffix}"
        try:
            create_new_bytes(path, data)
        except FileExistsError:
            continue
        return path
    raise ExportError(
        f"cannot save {stem}{suffix} in {folder}: {_MAX_SAME_NAME} files of that name "
        "already exist; move some of them away"
    )


_MAX_SAME_NAME = 999


@contextlib.contextmanager
def file_lock(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the ``with`` block.

    Other processes and threads that ask for the same lock wait until it is
    released, so a check-then-write sequence (is this still version 1.0.0? then
    write 1.0.1) cannot interleave with another one.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise ExportError(f"cannot lock {path}: {error.strerror}") from None
    try:
        _lock(handle)
        try:
            yield
        finally:
            _unlock(handle)
    finally:
        os.close(handle)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: int) -> None:
        os.lseek(handle, 0, os.SEEK_SET)
        msvcrt.locking(handle, msvcrt.LK_LOCK, 1)

    def _unlock(handle: int) -> None:
        os.lseek(handle, 0, os.SEEK_SET)
        msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: int) -> None:
        fcntl.flock(handle, fcntl.LOCK_EX)

    def _unlock(handle: int) -> None:
        fcntl.flock(handle, fcntl.LOCK_UN)

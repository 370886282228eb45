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
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import ExportError

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "create_new_bytes",
    "current_umask",
    "file_lock",
    "make_folder",
    "write_new_file",
]


def atomic_write_bytes(path: str | Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    The file gets the mode a plain ``open(path, "w")`` would give it: the old file's
    mode when it replaces one, else read-write for everyone the umask allows (a
    temporary file alone would be private to its owner, locking colleagues out of a
    shared folder). ``private=True`` makes it readable by its owner alone (a whole
    client's record exported).
    """
    path = Path(path)
    make_folder(path.parent, path, "write")
    mode = _PRIVATE if private else _mode_for(path)
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror}") from None
    try:
        if hasattr(os, "fchmod"):  # not on Windows, where files carry no such mode
            os.fchmod(handle, mode)
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


def create_new_bytes(target: str | Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to ``target``, which must not exist yet, all at once.

    The data is written in full under a hidden name first, then a hard link gives
    it its own name: linking fails if the name is taken, so a file that appeared
    meanwhile is never replaced, and a reader never sees half a file. Raises
    :class:`FileExistsError` when the name is taken.
    """
    target = Path(target)
    # Checked first: a failure on the staging file would name it, not the target.
    make_folder(target.parent, target, "create")
    staging = target.with_name(f".{target.name}.{secrets.token_hex(6)}.new")
    atomic_write_bytes(staging, data, private=private)
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


def write_new_file(
    folder: str | Path, stem: str, suffix: str, data: bytes, *, private: bool = False
) -> Path:
    """Save ``data`` as ``folder/stem+suffix``, or ``stem-2+suffix``, ``stem-3``… when
    that name is taken, and return the path. Never replaces a file, even one that
    another process creates at the same moment.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> [write_new_file(folder, "C-0042_2026-11-23", ".csv", b"x").name for _ in range(3)]
    ['C-0042_2026-11-23.csv', 'C-0042_2026-11-23-2.csv', 'C-0042_2026-11-23-3.csv']
    """
    folder = Path(folder)
    make_folder(folder, folder / f"{stem}{suffix}", "save")
    for number in range(1, _MAX_SAME_NAME + 1):
        path = folder / f"{stem}{'' if number == 1 else f'-{number}'}{suffix}"
        try:
            create_new_bytes(path, data, private=private)
        except FileExistsError:
            continue
        return path
    raise ExportError(
        f"cannot save {stem}{suffix} in {folder}: {_MAX_SAME_NAME} files of that name "
        "already exist; move some of them away"
    )


_MAX_SAME_NAME = 999
_PRIVATE = 0o600  # read and write for the owner, nothing for anyone else


def make_folder(folder: Path, target: Path, verb: str) -> None:
    """Create ``folder`` (and its parents) for ``target``; ExportError naming ``target``
    and, when a file stands where a folder belongs, that file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next(
            (p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder
        )
        raise ExportError(
            f"cannot {verb} {target}: {blocker} is a file, not a folder; choose another folder"
        ) from None
    except OSError as error:
        raise ExportError(f"cannot {verb} {target}: {error.strerror}") from None


def _mode_for(path: Path) -> int:
    """The permission bits a new file at ``path`` should get (see atomic_write_bytes)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:  # Linux: no window in which another thread sees a changed umask
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def file_lock(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the ``with`` block.

    Other processes and threads that ask for the same lock wait until it is
    released, so a check-then-write sequence (is this still version 1.0.0? then
    write 1.0.1) cannot interleave with another one.
    """
    path = Path(path)
    make_folder(path.parent, path, "lock")
    try:
        handle = _open_lock_file(path)
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


def _open_lock_file(path: Path) -> int:
    # Created readable and writable for all the umask allows, so colleagues sharing
    # the folder can lock it too. A lock file another user created may be read-only
    # for us: a lock works on a read-only descriptor as well, so open it that way.
    if path.exists() and not os.access(path, os.W_OK):
        return os.open(path, os.O_RDONLY)
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:
        return os.open(path, os.O_RDONLY)


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

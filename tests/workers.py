"""Functions that tests run in other processes.

``multiprocessing`` finds a function by its module's name; test modules are
imported under names a child process cannot import, so workers live here.
"""

from __future__ import annotations

import time
from pathlib import Path

from protocol_tools.core.atomic import file_lock, write_new_file


def write_many(folder: str, label: str, count: int) -> list[str]:
    """Save ``count`` files all named alike; the names each one got."""
    return [
        write_new_file(folder, "same-second", ".csv", f"{label}-{n}".encode()).name
        for n in range(count)
    ]


def count_under_lock(lock: str, counter: str, rounds: int) -> None:
    """Add one to the number in ``counter``, ``rounds`` times, each under ``lock``."""
    for _ in range(rounds):
        with file_lock(lock):
            # A read-modify-write that loses updates unless the lock excludes the other process.
            value = int(Path(counter).read_text())
            time.sleep(0.001)
            Path(counter).write_text(str(value + 1))

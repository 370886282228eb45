"""How every benchmark prints its figures: one row a measurement, today's figure beside
the floor it is compared with (measured in the same run) and their ratio, then the
process's memory peak. ``make bench`` runs every ``bench_*.py`` in one go, so the
rows of all scripts come from one run on one machine state.

    >>> figures = row("one sheet, data + PDF", 0.021, 0.0195, "≤ 25 ms")
    >>> "21.0 ms" in figures, "19.5 ms" in figures, "ratio 1.08" in figures
    (True, True, True)
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from collections.abc import Callable

__all__ = ["median_seconds", "memory_peak", "row"]

WHAT_WIDTH = 46


def median_seconds(function: Callable[[], object], repeats: int) -> float:
    """The median wall time of ``repeats`` calls of ``function``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _shown(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms" if seconds < 10 else f"{seconds:7.2f} s "


def row(what: str, today: float, floor: float | None, goal: str) -> str:
    """One printed row: ``what``, today's seconds, the floor's seconds and the ratio."""
    floor_text = f"floor {_shown(floor)}   ratio {today / floor:4.2f}" if floor else "floor       —"
    return f"{what:<{WHAT_WIDTH}} {_shown(today)}   {floor_text}   goal {goal}"


def memory_peak() -> str:
    """This process's peak resident memory, as a printed line."""
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform != "darwin" else 1 / 1024  # macOS reports bytes
    return f"{'memory peak of this script':<{WHAT_WIDTH}} {peak_kb * scale / 1024:7.1f} MB"

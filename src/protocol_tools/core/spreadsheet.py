"""The one CSV writer: every file the project writes for a spreadsheet goes through it.

A cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is kept as text by a leading apostrophe,
and a line break inside a value becomes a space, so no value can start a row of
its own. Bidirectional controls are dropped, so text reads as typed. Numbers stay
numbers.

>>> rows = [["=HYPERLINK(\\"x\\")", -3], ["ok\\r=cmd|x", 4.5]]
>>> print(csv_text(["reason", "seconds"], rows), end="")
reason,seconds
"'=HYPERLINK(""x"")",-3
ok =cmd|x,4.5
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .atomic import atomic_write_text
from .text import without_bidi_controls

__all__ = ["FORMULA_STARTS", "csv_text", "frame_csv_text", "safe_cell", "write_csv"]

# What spreadsheets (Excel, LibreOffice, Google Sheets) take as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Every character a spreadsheet or a CSV reader may take as the end of a line.
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet should see it: text that cannot run as a formula.

    >>> safe_cell("@SUM(A1)"), safe_cell("-30"), safe_cell(-30), safe_cell(None)
    ("'@SUM(A1)", "'-30", -30, '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Real):  # numpy's numbers too
        return value if math.isfinite(value) else ""
    text = _LINE_BREAKS.sub(" ", without_bidi_controls(str(value)))
    # Some importers trim leading spaces, so " =1" is treated like "=1".
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The CSV text of ``header`` and ``rows``, every cell made safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def frame_csv_text(frame: Any, *, index: bool = False) -> str:
    """The CSV text of a pandas frame (index first when ``index``), every cell made safe."""
    if index:
        frame = frame.reset_index()
    header = [str(name) for name in frame.columns]
    rows = ([None if _missing(v) else v for v in row] for row in frame.itertuples(index=False))
    return csv_text(header, rows)


def _missing(value: Any) -> bool:
    try:
        return (
            value is None
            or (isinstance(value, float) and math.isnan(value))
            or (type(value).__name__ in ("NAType", "NaTType"))
        )
    except TypeError:
        return False


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write :func:`csv_text` to ``path`` atomically (the caller chooses a free name)."""
    atomic_write_text(path, csv_text(header, rows))

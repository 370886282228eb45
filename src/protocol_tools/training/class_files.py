"""Saving the class table as CSV for a school's own records.

The file names trainees, so it goes where the record's exports go
(:func:`~protocol_tools.records.exports.export_folder`: ``exports/`` beside the record
file, or the session-log folder for a record on a database server): a folder of the
owner's alone, never inside the project. A file is never replaced (``-2``, ``-3``…),
and every cell goes through the one CSV writer (no cell can start a formula).

    >>> import pathlib, tempfile
    >>> from protocol_tools.records.training import TraineeWork
    >>> from protocol_tools.training.dashboard import class_summary
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> saved = save_class_csv(class_summary([TraineeWork("trainee-01")]), folder)
    >>> saved.name.startswith("class_"), saved.read_text().splitlines()[1][:13]
    (True, 'trainee-01,0,')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ..core.atomic import write_new_file
from ..core.errors import ExportError
from ..core.paths import inside_repository
from ..records.exports import export_folder
from ..records.store import RecordStore
from .dashboard import TraineeSummary, class_csv

__all__ = ["CSV_STEM", "class_folder", "save_class_csv"]

CSV_STEM = "class"


def class_folder(store: RecordStore) -> Path:
    """Where the class table of ``store`` is saved (the record's exports folder)."""
    return export_folder(store)


def save_class_csv(
    summaries: Sequence[TraineeSummary], folder: Path, *, when: dt.datetime | None = None
) -> Path:
    """Write :func:`~.dashboard.class_csv` of ``summaries`` as a new file in ``folder``
    (``class_YYYY-mm-dd_HHMM.csv``, readable by its owner alone); return the file.

    ExportError when the folder lies inside the project or cannot be written.
    """
    folder = Path(folder).expanduser()
    if inside_repository(folder):
        raise ExportError(
            f"{folder} is inside the project folder; the class table names trainees, so it "
            "is written only outside it"
        )
    try:  # the owner's alone, like the record's exports
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create the folder {folder}: {error.strerror}") from None
    stamp = (when or dt.datetime.now()).strftime("%Y-%m-%d_%H%M")
    data = class_csv(summaries).encode("utf-8")
    return write_new_file(folder, f"{CSV_STEM}_{stamp}", ".csv", data, private=True)

"""Saving a client's plan as files: the take-home plan sheet (PDF), the calendar
(``.ics``), and the printed cost comparison.

A client's files go where the record's exports go (:func:`records.exports.export_folder`:
``exports/`` beside the record file, or the session-log folder), the comparison,
which names no client, into the sheets folder. Each is a new file, never replacing
one (``-2``, ``-3``…), and never inside the project: they may hold client data.

    >>> import datetime as dt, pathlib, tempfile
    >>> from protocol_tools.records.plans import choose_plan
    >>> from protocol_tools.records.store import RecordStore
    >>> store = RecordStore(pathlib.Path(tempfile.mkdtemp()) / "records.db")
    >>> _ = choose_plan(store, "C-0042", "maintenance", dt.date(2027, 1, 4))
    >>> [path.name.startswith("C-0042_maintenance_") for path in
    ...  save_calendars(store, "C-0042", today=dt.date(2027, 1, 1))]
    [True]
    >>> store.close()
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core.atomic import write_new_file
from ..core.errors import ExportError
from ..core.paths import inside_repository, sheets_dir
from ..records.exports import export_folder
from ..records.store import RecordStore
from .adherence import client_adherence
from .calendar import plan_calendar
from .schedule import PlanSlot
from .sheet import comparison_sheet, plan_pdf, plan_sheet

__all__ = ["save_calendars", "save_comparison", "save_in", "save_plan_sheet"]


def save_in(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write ``data`` as a new file ``stem…suffix`` in ``folder``, a private folder
    outside the project (created for its owner alone)."""
    if inside_repository(folder):
        raise ExportError(
            f"{folder} is inside the project folder; a file about a client is written only "
            "outside it"
        )
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create the folder {folder}: {error.strerror}") from None
    return write_new_file(folder, stem, suffix, data, private=True)


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d_%H%M")


def save_plan_sheet(
    store: RecordStore,
    code: str,
    *,
    today: dt.date | None = None,
    client_name: str | None = None,
    paper: str | None = None,
    folder: Path | None = None,
) -> Path:
    """Print client ``code``'s take-home plan sheet into the exports folder."""
    plans = client_adherence(store, code, today)
    pdf = plan_pdf([plan_sheet(code, plans, today=today, client_name=client_name)], paper=paper)
    return save_in(folder or export_folder(store), f"{code}_plan-sheet_{_stamp()}", ".pdf", pdf)


def save_calendars(
    store: RecordStore,
    code: str,
    *,
    today: dt.date | None = None,
    name: str | None = None,
    folder: Path | None = None,
) -> list[Path]:
    """One ``.ics`` file per plan client ``code`` follows (its dates still to come),
    in the exports folder; named by the code, never the name unless ``name`` is given."""
    plans = client_adherence(store, code, today)
    if not plans:
        raise ExportError(f"{code} follows no plan yet: choose one first")
    saved = []
    for chosen in plans.values():
        slots = [
            PlanSlot(
                row["number"],
                row["phase"],
                dt.date.fromisoformat(row["date"]),
                dt.date.fromisoformat(row["late_after"]),
                row["status"],
                dt.date.fromisoformat(row["made"]) if row["made"] else None,
            )
            for row in chosen["slots"]
        ]
        data = plan_calendar(code, chosen["plan"], slots, name=name)
        stem = f"{code}_{chosen['plan']}_{_stamp()}"
        saved.append(save_in(folder or export_folder(store), stem, ".ics", data))
    return saved


def save_comparison(months: int, *, folder: Path | None = None, paper: str | None = None) -> Path:
    """Print the comparison over ``months`` into ``folder`` (the sheets folder by default)."""
    pdf = plan_pdf([comparison_sheet(months)], paper=paper)
    stem = f"clinic-and-home_{months}-months_{_stamp()}"
    return save_in(folder or sheets_dir(), stem, ".pdf", pdf)

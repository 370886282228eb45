"""Saving everything held on one client as a JSON file (for the client, or another clinic).

The file goes beside the record, in ``exports/`` (``~/microcurrent-records/exports``
by default), or, when the record lives on a database server, into the session-log
folder (:func:`~protocol_tools.core.paths.sessions_dir`). Both are private folders,
never inside the project; a file is never replaced (``C-0042_record_…-2.json``).

    >>> import json, tempfile, pathlib
    >>> from protocol_tools.records.store import RecordStore
    >>> store = RecordStore(pathlib.Path(tempfile.mkdtemp()) / "records.db")
    >>> _ = store.add_client("C-0042")
    >>> saved = save_export(store, "C-0042")
    >>> saved.parent.name, saved.name.startswith("C-0042_record_")
    ('exports', True)
    >>> json.loads(saved.read_text())["visits"]
    []
    >>> store.close()
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..core.atomic import write_new_file
from ..core.errors import ExportError
from ..core.paths import inside_repository, sessions_dir
from .history import export_record
from .store import RecordStore

__all__ = ["EXPORTS_FOLDER", "export_folder", "save_export"]

EXPORTS_FOLDER = "exports"


def export_folder(store: RecordStore) -> Path:
    """Where exports of ``store`` go: ``exports/`` beside a record file, else the
    session-log folder."""
    file = store.file
    return Path(file).parent / EXPORTS_FOLDER if file is not None else sessions_dir()


def save_export(store: RecordStore, code: str, folder: Path | None = None) -> Path:
    """Write :func:`~.history.export_record` of ``code`` as JSON; return the file.

    UnknownClientError when no client has that code; ExportError when the folder
    cannot be written, or lies inside the project (client data is never committed).
    """
    record = export_record(store, code)
    folder = Path(folder) if folder is not None else export_folder(store)
    if inside_repository(folder):
        raise ExportError(
            f"{folder} is inside the project folder; an export holds client data, so it is "
            "written only outside it"
        )
    try:  # the folder is the owner's alone, like the record's
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create the folder {folder}: {error.strerror}") from None
    data = json.dumps(record, indent=2, ensure_ascii=False, default=str).encode("utf-8")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return write_new_file(folder, f"{record['client']}_record_{stamp}", ".json", data, private=True)

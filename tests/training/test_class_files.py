"""The class table saved as CSV (training.class_files): a new file each time, the
owner's alone, outside the project, every cell spreadsheet-safe."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from conftest import ROOT
from protocol_tools import ExportError, RecordStore
from protocol_tools.records.training import TraineeWork
from protocol_tools.training.class_files import class_folder, save_class_csv
from protocol_tools.training.dashboard import CLASS_COLUMNS, class_summary

WHEN = dt.datetime(2026, 11, 23, 14, 5)


def test_each_save_is_a_new_private_file(tmp_path: Path):
    summaries = class_summary([TraineeWork("ana.k"), TraineeWork("ben-2")])
    first = save_class_csv(summaries, tmp_path / "exports", when=WHEN)
    second = save_class_csv(summaries, tmp_path / "exports", when=WHEN)
    assert [first.name, second.name] == ["class_2026-11-23_1405.csv", "class_2026-11-23_1405-2.csv"]
    lines = first.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[0] == CLASS_COLUMNS[0]
    assert [line.split(",")[0] for line in lines[1:]] == ["ana.k", "ben-2"]
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_never_inside_the_project_nor_where_a_file_stands(tmp_path: Path):
    summaries = class_summary([TraineeWork("ana.k")])
    with pytest.raises(ExportError, match="inside the project"):
        save_class_csv(summaries, ROOT / "exports-here")
    assert not (ROOT / "exports-here").exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError):
        save_class_csv(summaries, blocker)


def test_the_folder_is_the_records_exports(tmp_path: Path):
    with RecordStore(tmp_path / "records" / "records.db") as store:
        assert class_folder(store) == tmp_path / "records" / "exports"

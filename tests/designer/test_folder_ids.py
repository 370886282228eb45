"""The ids of a library folder, read again only where a file changed: the same answers
as reading every file (``protocols.folder``), whatever happens to the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import copy_library
from protocol_tools import load_protocol
from protocol_tools.designer import folder_ids
from protocol_tools.protocols.folder import files_by_id, id_used_elsewhere

AN_HOUR_NS = 3600 * 10**9


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The library, with a copy holding another file's id, a file that is not YAML, a
    nested folder, a ``.yml`` file and hidden files that are never read."""
    library = copy_library(tmp_path / "library")
    express = (library / "express-10.yaml").read_text("utf-8")
    (library / "copy.yaml").write_text(express, "utf-8")
    (library / "broken.yaml").write_text("id: [unclosed\n", "utf-8")
    (library / "nested").mkdir()
    (library / "nested" / "deep.yml").write_text(express.replace("express-10", "deep"), "utf-8")
    (library / ".hidden.yaml").write_text(express, "utf-8")
    (library / ".ipynb_checkpoints").mkdir()
    (library / ".ipynb_checkpoints" / "copy.yaml").write_text(express, "utf-8")
    return library


def settle(folder: Path) -> None:
    """Every file as if written an hour ago."""
    for path in folder.rglob("*"):
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns - AN_HOUR_NS))


def count_reads(monkeypatch) -> list[str]:
    """The names of the files ``folder_ids`` reads from now on."""
    read: list[str] = []
    real = folder_ids.read_yaml_file

    def reading(path: Path):
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(folder_ids, "read_yaml_file", reading)
    return read


def same_answers(folder: Path) -> None:
    assert folder_ids.ids_in_folder(folder) == files_by_id(folder)
    for path in [p for paths in files_by_id(folder).values() for p in paths]:
        if path.name == "broken.yaml":
            continue  # no protocol: it has no findings of this kind
        protocol = load_protocol(path)
        assert folder_ids.duplicate_id_findings(protocol, path) == id_used_elsewhere(protocol, path)


def test_the_answers_are_those_of_reading_every_file(folder: Path):
    same_answers(folder)
    settle(folder)
    same_answers(folder)
    assert len(folder_ids.ids_in_folder(folder)["express-10"]) == 2


def test_a_settled_file_is_read_once_per_version(folder: Path, monkeypatch):
    settle(folder)
    folder_ids.ids_in_folder(folder)
    read = count_reads(monkeypatch)
    folder_ids.ids_in_folder(folder)
    assert read == []
    # Rewritten with the same length (an id of as many letters) and an old time again:
    # the time differs from the one kept, so it is read again.
    copy = folder / "copy.yaml"
    copy.write_text(copy.read_text("utf-8").replace("express-10", "expresso-1"), "utf-8")
    info = copy.stat()
    os.utime(copy, ns=(info.st_atime_ns, info.st_mtime_ns - AN_HOUR_NS // 2))
    assert folder_ids.ids_in_folder(folder) == files_by_id(folder)
    assert read == ["copy.yaml"]
    assert "expresso-1" in folder_ids.ids_in_folder(folder)


def test_a_file_written_just_now_is_read_every_time(folder: Path, monkeypatch):
    settle(folder)
    fresh = folder / "fresh.yaml"
    fresh.write_text((folder / "express-10.yaml").read_text("utf-8"), "utf-8")
    folder_ids.ids_in_folder(folder)  # every settled file is known from now on
    read = count_reads(monkeypatch)
    folder_ids.ids_in_folder(folder)
    folder_ids.ids_in_folder(folder)
    assert read == ["fresh.yaml", "fresh.yaml"]


def test_files_that_come_and_go_are_seen(folder: Path):
    settle(folder)
    same_answers(folder)
    (folder / "copy.yaml").unlink()
    (folder / "nested" / "deep.yml").rename(folder / "nested" / "deeper.yml")
    (folder / "broken.yaml").write_text("id: fixed-now\n", "utf-8")
    same_answers(folder)
    assert "fixed-now" in folder_ids.ids_in_folder(folder)
    assert folder_ids.folder_stamp(folder / "no-such-folder") is None
    assert folder_ids.ids_in_folder(folder / "no-such-folder") == {}

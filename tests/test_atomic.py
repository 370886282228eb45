"""Atomic writes: a failure never leaves a broken file under the final name."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

import workers
from protocol_tools import ExportError
from protocol_tools.core.atomic import (
    atomic_write_bytes,
    atomic_write_text,
    create_new_bytes,
    file_lock,
    write_new_file,
)


def test_writes_and_replaces(tmp_path: Path):
    target = tmp_path / "sub" / "a.txt"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_a_failed_rename_keeps_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("saved before")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ExportError, match="No space left"):
        atomic_write_bytes(target, b"new content")
    assert target.read_text() == "saved before"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_an_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "a.txt"
    target.write_text("saved before")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"half")
    assert target.read_text() == "saved before"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_unwritable_folder_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        atomic_write_text(blocker / "a.txt", "x")


# -- never replacing a file ----------------------------------------------------


def test_create_new_refuses_a_taken_name_and_keeps_its_content(tmp_path: Path):
    target = tmp_path / "a.pdf"
    create_new_bytes(target, b"first")
    with pytest.raises(FileExistsError):
        create_new_bytes(target, b"second")
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_write_new_file_adds_a_suffix_instead_of_replacing(tmp_path: Path):
    (tmp_path / "C-0042_2026-11-23.csv").write_text("kept")
    second = write_new_file(tmp_path, "C-0042_2026-11-23", ".csv", b"new")
    assert second.name == "C-0042_2026-11-23-2.csv"
    assert (tmp_path / "C-0042_2026-11-23.csv").read_text() == "kept"
    assert second.read_bytes() == b"new"


def test_concurrent_writers_each_get_their_own_file(tmp_path: Path):
    # Two processes saving under the same name at the same moment: nothing is lost.
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        jobs = [(str(tmp_path), "a", 15), (str(tmp_path), "b", 15)]
        results = pool.starmap(workers.write_many, jobs)
    names = [name for batch in results for name in batch]
    assert len(names) == len(set(names)) == 30
    contents = sorted(path.read_text() for path in tmp_path.glob("same-second*.csv"))
    assert contents == sorted([f"a-{n}" for n in range(15)] + [f"b-{n}" for n in range(15)])


def test_file_lock_excludes_other_processes(tmp_path: Path):
    counter = tmp_path / "counter"
    counter.write_text("0")
    lock = tmp_path / ".counter.lock"
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=workers.count_under_lock, args=(str(lock), str(counter), 40))
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert counter.read_text() == "80"


def test_file_lock_in_an_unwritable_place_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot lock"), file_lock(blocker / ".x.lock"):
        pass

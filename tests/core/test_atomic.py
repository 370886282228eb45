"""Atomic writes: a failure never leaves a broken file under the final name."""

from __future__ import annotations

import multiprocessing
import os
import stat
import sys
import time
from pathlib import Path

import pytest

import helpers
from protocol_tools import ExportError
from protocol_tools.core.atomic import (
    atomic_write_bytes,
    atomic_write_text,
    create_new_bytes,
    current_umask,
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
        results = pool.starmap(helpers.write_many, jobs)
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
        context.Process(target=helpers.count_under_lock, args=(str(lock), str(counter), 40))
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


# -- modes and places (review fixes) ---------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_new_file_gets_the_mode_a_plain_create_gives(tmp_path: Path, umask_022):
    target = tmp_path / "a.txt"
    atomic_write_text(target, "x")
    assert _mode(target) == 0o644  # 0o666 & ~umask, not mkstemp's private 0o600
    assert current_umask() == 0o022
    created = tmp_path / "b.pdf"
    create_new_bytes(created, b"x")
    assert _mode(created) == 0o644
    saved = write_new_file(tmp_path, "c", ".csv", b"x")
    assert _mode(saved) == 0o644


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_replacing_a_file_keeps_its_mode(tmp_path: Path, umask_022):
    target = tmp_path / "shared.txt"
    target.write_text("old")
    target.chmod(0o664)  # a clinic's shared file, group-writable on purpose
    atomic_write_text(target, "new")
    assert _mode(target) == 0o664
    assert target.read_text() == "new"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_lock_file_is_shared_with_the_group_and_others(tmp_path: Path):
    old = os.umask(0o002)  # a shared folder's usual umask
    try:
        lock = tmp_path / ".x.lock"
        with file_lock(lock):
            pass
        assert _mode(lock) == 0o664
    finally:
        os.umask(old)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_read_only_lock_file_still_locks(tmp_path: Path):
    # Another user's lock file we may only read: flock works on a read-only descriptor.
    lock = tmp_path / ".x.lock"
    lock.write_text("")
    lock.chmod(0o444)
    with file_lock(lock):
        assert lock.exists()
    if os.geteuid() != 0:  # root may write anything, so only others take the read-only path
        assert not os.access(lock, os.W_OK)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_the_read_only_fallback_excludes_other_processes(tmp_path: Path, monkeypatch):
    # Force the read-only path even as root, and check the lock still excludes.
    counter = tmp_path / "counter"
    counter.write_text("0")
    lock = tmp_path / ".counter.lock"
    lock.write_text("")
    lock.chmod(0o444)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    context = multiprocessing.get_context("spawn")
    process = context.Process(target=helpers.count_under_lock, args=(str(lock), str(counter), 20))
    with file_lock(lock):
        process.start()
        time.sleep(0.5)
        assert counter.read_text() == "0"  # the other process waits for our lock
    process.join(timeout=120)
    assert process.exitcode == 0
    assert counter.read_text() == "20"


SAVES = {
    "create_new_bytes": lambda folder: create_new_bytes(folder / "a.pdf", b"x"),
    "write_new_file": lambda folder: write_new_file(folder, "a", ".pdf", b"x"),
    "atomic_write_bytes": lambda folder: atomic_write_bytes(folder / "a.pdf", b"x"),
    "nested": lambda folder: create_new_bytes(folder / "day" / "a.pdf", b"x"),
}


@pytest.mark.parametrize("save", SAVES)
def test_a_file_where_the_folder_belongs_is_named_not_the_staging_file(tmp_path: Path, save):
    blocker = tmp_path / "sheets"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError) as caught:
        SAVES[save](blocker)
    message = str(caught.value)
    assert "a.pdf" in message
    assert f"{blocker} is a file, not a folder" in message
    assert ".new" not in message
    assert ".tmp" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sheets"]


def test_private_files_are_for_their_owner_alone_whatever_the_umask(tmp_path: Path):
    old = os.umask(0o002)  # a shared folder's usual umask: group may write
    try:
        shared = write_new_file(tmp_path, "shared", ".csv", b"x")
        private = write_new_file(tmp_path, "record", ".json", b"x", private=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664
    assert stat.S_IMODE(private.stat().st_mode) == 0o600

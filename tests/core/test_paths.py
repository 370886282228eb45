"""Every folder and environment variable in one place (core.paths)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import DATA, ROOT
from protocol_tools.core import paths


def test_data_dir_is_the_checkout_data_unless_the_variable_moves_it(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    assert paths.data_dir().resolve() == DATA.resolve()
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path))
    assert paths.data_dir() == tmp_path


@pytest.mark.parametrize(
    ("env", "default", "folder"),
    [
        (paths.SESSIONS_ENV, paths.SESSIONS_DEFAULT, paths.sessions_dir),
        (paths.SHEETS_ENV, paths.SHEETS_DEFAULT, paths.sheets_dir),
    ],
)
def test_private_folders_live_outside_the_project(env, default, folder, tmp_path, monkeypatch):
    monkeypatch.delenv(env, raising=False)
    assert folder() == Path.home() / default
    monkeypatch.setenv(env, str(tmp_path / "x"))
    assert folder() == tmp_path / "x"


def test_inside_repository(tmp_path: Path):
    assert paths.repo_root() == ROOT
    assert paths.inside_repository(ROOT / "notebooks")
    assert not paths.inside_repository(tmp_path)


def test_the_old_names_in_reference_data_are_the_same_objects():
    from protocol_tools.reference import data

    for name in ("data_dir", "private_dir", "inside_repository", "repo_root", "PACKAGE_DIR"):
        assert getattr(data, name) is getattr(paths, name)


def test_core_findings_is_a_leaf():
    # It imports nothing of the package at module level, so every layer may use it
    # (make_finding is fetched from reference.rules only when asked for).
    tree = ast.parse((ROOT / "src/protocol_tools/core/findings.py").read_text())
    package_imports = [
        node for node in tree.body if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert package_imports == []

"""The public API: every name in __all__ resolves, and imports stay light."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import protocol_tools


def test_every_public_name_resolves():
    for name in protocol_tools.__all__:
        assert getattr(protocol_tools, name) is not None, name


def test_public_names_are_unique_and_listed_by_dir():
    assert len(set(protocol_tools.__all__)) == len(protocol_tools.__all__)
    assert set(protocol_tools.__all__) <= set(dir(protocol_tools))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        protocol_tools.no_such_thing  # noqa: B018


def test_importing_the_package_does_not_import_pandas_or_plotly():
    code = (
        "import sys, protocol_tools; "
        "print(sorted(m for m in ('pandas', 'plotly') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_error_hierarchy():
    for name in (
        "ProtocolFileError",
        "ReferenceDataError",
        "LibraryError",
        "IntakeError",
        "ExportError",
    ):
        assert issubclass(getattr(protocol_tools, name), protocol_tools.ProtocolToolsError)


def test_the_type_checking_imports_follow_the_one_table():
    # Type checkers read the TYPE_CHECKING block; people and Python read _PUBLIC.
    tree = ast.parse(Path(protocol_tools.__file__).read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
    )
    imported = {
        alias.name: "." * node.level + (node.module or "")
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert imported == protocol_tools._PUBLIC


def test_each_public_name_comes_from_the_module_the_table_names():
    for name, module in protocol_tools._PUBLIC.items():
        value = getattr(protocol_tools, name)
        home = importlib.import_module(module, "protocol_tools")
        there = getattr(home, name)
        # OUTCOMES is read from data on each look-up: equal, not the same object.
        assert there is value or (not callable(value) and there == value), name

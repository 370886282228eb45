"""The usage examples in docstrings run (the ones not marked to skip)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["_yaml", "_findings", "_data", "_atomic"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str):
    module = importlib.import_module(f"protocol_tools.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0

"""The files a row names: looked at before reading, kept inside their folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PROTOCOLS
from protocol_tools import ExportError
from protocol_tools.sheets.paths import inside, is_file_name, regular_file


def test_a_nul_in_a_name_is_a_problem_not_a_crash():
    # Below the row's own check, the path checks hold too: a NUL never stops the day.
    with pytest.raises(ExportError, match="is not a file name"):
        regular_file(Path("a\x00b.yaml"), "intake file", "a\x00b.yaml")
    with pytest.raises(ExportError, match="cannot be followed to a file"):
        inside(PROTOCOLS, "a\x00b.yaml", "protocol file", "protocol library folder")
    assert not is_file_name("a\x00b")


def test_a_folder_is_not_a_file_saved_on_disk():
    with pytest.raises(ExportError, match="not a file saved on disk"):
        regular_file(PROTOCOLS, "protocol file", "protocols")

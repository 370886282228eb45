"""Fixtures of the session-sheet tests: a ready protocol, a screening, a library with drafts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import PROTOCOLS
from helpers import CLIENTS, SIGNATURE, express_variant
from protocol_tools import Protocol, load_protocol
from protocol_tools.screening.engine import screen


@pytest.fixture(scope="module")
def signature() -> Protocol:
    return load_protocol(SIGNATURE)


@pytest.fixture(scope="module")
def sensitive():
    return screen(CLIENTS / "c16_heart_and_sensitive.yaml")


@pytest.fixture
def library_with_drafts(tmp_path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    for path in PROTOCOLS.glob("*.yaml"):
        shutil.copy(path, folder)
    express_variant(folder, "express-draft", draft=True)
    express_variant(folder, "too-strong", current=5000)
    return folder

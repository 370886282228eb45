"""Fixtures of the client-record tests: every test that takes ``store`` (or
``location``) runs twice, on a SQLite file and on a database of a real PostgreSQL
server, so both backends are held to the same behaviour."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from protocol_tools.records.store import RecordStore

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path) -> str:
    """Where a new, empty record is: a file path not created yet, or a fresh database."""
    if request.param == "sqlite":
        return str(tmp_path / "records" / "records.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(location: str) -> Iterator[RecordStore]:
    """A new record at ``location``, closed after the test (before its database goes)."""
    opened = RecordStore(location)
    yield opened
    opened.close()

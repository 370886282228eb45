"""Fixtures of the series tests that read the client record: like
``tests/records/conftest.py``, each test that takes ``store`` runs twice, on a SQLite
file and on a database of a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from protocol_tools.records.store import RecordStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[RecordStore]:
    """A new, empty record, closed after the test (before its database goes)."""
    if request.param == "sqlite":
        location = str(tmp_path / "records" / "records.db")
    else:
        location = request.getfixturevalue("postgres_url")
    opened = RecordStore(location)
    yield opened
    opened.close()

"""One client's record shaped for the client page: table rows and chart series."""

from __future__ import annotations

import json

import pytest

from helpers import (
    SEED_NOTE,
    SEED_PRACTICE_UA,
    SEED_UNDER_EYES_COMFORT,
    TODAY,
    seed_record,
)
from protocol_tools import RecordStore, client_record
from protocol_tools.core.errors import ExportError, UnknownClientError
from protocol_tools.records.exports import export_folder, save_export
from protocol_tools.records.page_data import (
    adjustment_rows,
    comfort_scale,
    comfort_series,
    current_series,
    sheet_rows,
    visit_rows,
)
from protocol_tools.records.page_html import (
    adjustments_table_html,
    summary_html,
    visits_table_html,
)
from protocol_tools.records.store import comfort_levels

TREATED = ["brows", "under-eyes", "cheekbones", "jawline"]  # data/zones.yaml's order


@pytest.fixture
def store(tmp_path):
    with RecordStore(tmp_path / "records.db") as opened:
        yield opened


@pytest.fixture
def record(store):
    seed_record(store, "C-0042", visits=3, display_name="Zoë Example")
    return client_record(store, "C-0042")


def test_visit_rows_put_every_visit_in_words_newest_first(record):
    rows = visit_rows(record)
    assert len(rows) == 4  # three client visits and one practice run
    practice, newest, second, oldest = rows
    assert practice["kind"] == "Practice (not a client visit)"
    assert practice["outcome"] == "No screening recorded"
    assert newest["kind"] == "Client visit"
    assert [newest["date"], oldest["date"]] == [TODAY.isoformat(), "2026-09-28"]
    assert newest["protocol"] == "express-10 (version 1.0.0)"
    assert newest["outcome"] == "✔ May be treated"
    assert second["outcome"] == "⚠ Treat with changes"
    assert newest["session"] == "Finished"
    assert newest["planned"] == "15:15"  # express-10, prep and closing included
    assert oldest["adjustments"] == "None"
    assert newest["adjustments"] == "2 turned down"
    assert second["adjustments"] == "2 turned down, 1 skipped"
    assert second["comfort"].startswith("Comfortable ×5")
    assert "Twitching; turn down next time ×2" in second["comfort"]


def test_the_current_chart_has_a_line_per_zone_and_leaves_practice_out(record):
    series = current_series(record)
    assert [line.zone for line in series] == TREATED
    assert [line.name for line in series] == ["Brows", "Under-eyes", "Cheekbones", "Jawline"]
    under_eyes = series[1]
    assert under_eyes.dates == ["2026-09-28", "2026-10-26", TODAY.isoformat()]
    assert under_eyes.values == [150.0, 140.0, 130.0]
    assert "client's right 140 µA, client's left 140 µA" in under_eyes.details[1]
    assert all(SEED_PRACTICE_UA not in line.values for line in series)
    brows = series[0]
    # The left brow was skipped on the second visit: the mean is the right side's.
    assert brows.values == [180.0, 180.0, 180.0]
    assert "client's left skipped" in brows.details[1]


def test_the_comfort_chart_reads_the_strongest_answer_as_an_index(record):
    levels = list(comfort_levels())
    series = {line.zone: line for line in comfort_series(record)}
    expected = [float(levels.index(level)) for level in SEED_UNDER_EYES_COMFORT]
    assert series["under-eyes"].values == expected
    assert series["jawline"].values == [0.0, 0.0, 0.0]
    assert comfort_scale() == list(comfort_levels().values())
    assert "client's left: not asked" in series["brows"].details[1]


def test_adjustment_rows_name_the_zone_the_change_and_the_note(record):
    rows = adjustment_rows(record)
    skipped = [row for row in rows if row["skipped"] == "yes"]
    assert len(skipped) == 1
    assert skipped[0]["zone"] == "Brows, client's left"
    assert skipped[0]["note"] == SEED_NOTE
    first = next(row for row in rows if row["date"] == TODAY.isoformat())
    assert first["zone"] == "Under-eyes, client's right"
    assert first["change"] == "150 → 130 µA"
    practice = [row for row in rows if row["date"].endswith("(practice)")]
    assert practice  # every practice step was changed: listed, and marked in words


def test_a_client_with_no_sessions_has_no_series_and_says_so(store):
    store.add_client("C-0007")
    record = client_record(store, "C-0007")
    assert current_series(record) == comfort_series(record) == []
    assert visit_rows(record) == adjustment_rows(record) == sheet_rows(record) == []
    assert "No visits recorded" in visits_table_html(record)
    assert "No adjustments" in adjustments_table_html(record)


def test_user_text_in_the_tables_is_escaped(store):
    seed_record(store, "C-0042", visits=2, practice=False, display_name="<img src=x>")
    record = client_record(store, "C-0042")
    record["visits"][0]["steps"][4]["note"] = "<script>alert(1)</script>"
    shown = adjustments_table_html(record)
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown
    assert "<img" not in summary_html(record, show_name=True)
    assert "&lt;img src=x&gt;" in summary_html(record, show_name=True)
    assert "img" not in summary_html(record, show_name=False)


def test_export_writes_every_visit_to_a_private_folder_and_never_replaces(store, record):
    first = save_export(store, "C-0042")
    second = save_export(store, "C-0042")
    assert first != second
    assert first.parent == second.parent == export_folder(store)
    assert export_folder(store) == store.file.parent / "exports"
    assert first.parent.stat().st_mode & 0o077 == 0
    data = json.loads(first.read_text("utf-8"))
    assert data["client"] == "C-0042"
    assert len(data["visits"]) == len(record["visits"])
    assert all("events" in visit for visit in data["visits"])
    assert sum(len(visit["events"]) for visit in data["visits"]) == 12


def test_export_refuses_an_unknown_client_and_a_folder_in_the_project(store, root):
    with pytest.raises(UnknownClientError):
        save_export(store, "C-9999")
    store.add_client("C-0042")
    with pytest.raises(ExportError, match="inside the project"):
        save_export(store, "C-0042", root / "exports")
    assert not (root / "exports").exists()

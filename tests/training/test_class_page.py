"""The trainer's dashboard in the kernel (training.class_page), on a SQLite record and on
a real PostgreSQL server: the class table, the charts, the questions most missed, the
CSV, an empty class and a record that cannot be opened."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import plotly_data
from protocol_tools import ClassDashboard, RecordStore, class_dashboard
from protocol_tools.records.training import record_rehearsal, record_screening_attempt, sign_in
from protocol_tools.training.checklist import criteria
from protocol_tools.training.class_page import EMPTY_CLASS
from protocol_tools.training.scoring import draw_attempt, score_attempt, store_score


def seed(store: RecordStore) -> None:
    """ana.k: every answer right, ten screening cases right, three rehearsals;
    ben-2: the first five questions left out (missed), no practice."""
    questions = draw_attempt(seed=2)
    store_score(store, "ana.k", score_attempt(questions, {q.id: q.answer for q in questions}))
    answers = {q.id: q.answer for q in questions[5:]}
    store_score(store, "ben-2", score_attempt(questions, answers))
    for number in range(10):
        record_screening_attempt(
            store, "ana.k", case_id=f"case-{number}", chosen="proceed", expected="proceed"
        )
    for _ in range(3):
        record_rehearsal(
            store, "ana.k", protocol_id="express-10", speed=10, steps=[], finished=True
        )


def cells(html_text: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html_text)[1:]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]


def test_the_class_at_a_glance(store, tmp_path: Path):
    seed(store)
    page = ClassDashboard(store, folder=tmp_path / "exports")
    assert "2 trainees: 0 signed off, 1 ready for assessment, 1 still practising." in (
        page.summary.value
    )
    ana, ben = cells(page.table.value)
    assert ana[:4] == ["ana.k", "1", "100", "100"]
    assert ana[9] == "yes"
    assert ben[0] == "ben-2"
    assert ben[5] == "—"  # no screening cases yet: a dash, never "None"
    assert "Ready for assessment (1):</strong> ana.k" in page.milestones.value
    topics = plotly_data(page.topic_chart)["data"][0]
    assert topics["y"] == ["ana.k", "ben-2"]
    assert plotly_data(page.screening_chart)["data"][0]["text"] == [
        "100% (10 of 10)",
        "no cases yet",
    ]
    assert plotly_data(page.practice_chart)["data"][0]["text"] == ["3", "0"]
    missed = cells(page.missed.value)
    assert len(missed) == 5
    assert all(row[2] == "1" for row in missed)  # each missed once, by ben-2
    # Criterion and question ids never show; words do.
    shown = page.table.value + page.milestones.value + page.missed.value
    assert not any(key in shown for key in criteria())
    page.close()


def test_save_as_csv_and_refresh(store, tmp_path: Path):
    seed(store)
    page = class_dashboard(store, folder=tmp_path / "exports")
    saved = page.save_csv()
    assert saved is not None
    assert saved.parent == tmp_path / "exports"
    assert [line.split(",")[0] for line in saved.read_text().splitlines()[1:]] == [
        "ana.k",
        "ben-2",
    ]
    assert str(saved) in page.saved.value
    assert f'download="{saved.name}"' in page.saved.value
    assert "data:text/csv;charset=utf-8;base64," in page.saved.value
    sign_in(store, "cleo")
    page.refresh()
    assert [row[0] for row in cells(page.table.value)] == ["ana.k", "ben-2", "cleo"]


def test_an_empty_class_says_so(store, tmp_path: Path):
    page = ClassDashboard(store, folder=tmp_path / "exports")
    assert EMPTY_CLASS in page.status.value
    assert page.table.value == ""
    assert page.topic_chart.outputs == ()
    assert page.save_button.disabled
    assert page.save_csv() is None
    assert "no trainees yet" in page.saved.value
    assert not (tmp_path / "exports").exists()


def test_a_record_that_cannot_be_opened_is_a_message(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PROTOCOL_TOOLS_DB", str(tmp_path))  # a folder, not a record
    page = class_dashboard()
    assert "The record cannot be opened" in page.status.value
    assert "Traceback" not in page.status.value
    assert page.refresh_button.disabled
    assert page.save_csv() is None


def test_a_folder_that_cannot_be_written_is_a_message(store, tmp_path: Path):
    seed(store)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    page = ClassDashboard(store, folder=blocker)
    assert page.save_csv() is None
    assert "Not saved:" in page.saved.value

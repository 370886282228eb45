"""The trainer's dashboard for notebook 08 (also a Voilà app): the class at a glance.

    >>> from protocol_tools import class_dashboard
    >>> class_dashboard()  # doctest: +SKIP

Reads every trainee's work from the record in one go (``records.training.class_work``)
and shows: the class table in words; who is signed off and who is ready for an
observed treatment; charts of the quiz score by topic, the screening practice, and
the rehearsals and observed treatments per trainee; the quiz questions the class
misses most. *Save as CSV* writes the class table into the record's exports folder
(outside the project) and offers the same file as a download; *Refresh* reads the
record again. Messages are in words, never a traceback.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError
from ..records.page_html import table_html
from ..records.store import RecordStore
from ..records.training import class_work
from ..views.charts import figure_output
from ..views.html import alert_html, opened_or_said
from ..views.palette import QUIET_INK
from ..views.training_charts import practice_figure, screening_figure, topic_scores_figure
from .class_files import class_folder, save_class_csv
from .class_text import (
    CLASS_TABLE_COLUMNS,
    MISSED_COLUMNS,
    class_sentence,
    milestones,
    missed_rows,
    table_cells,
)
from .dashboard import TraineeSummary, class_csv, class_rows, class_summary, most_missed

__all__ = ["EMPTY_CLASS", "ClassDashboard", "class_dashboard"]

EMPTY_CLASS = (
    "No trainees in the record yet. A trainee appears here after their first quiz, "
    "screening practice or rehearsal (on a hub, by their hub user name)."
)
MISSED_SHOWN = 5


def _names(codes: Sequence[str]) -> str:
    return ", ".join(html.escape(code) for code in codes) if codes else "nobody yet"


def milestones_html(summaries: Sequence[TraineeSummary]) -> str:
    """Who is signed off and who is ready for assessment, in words."""
    found = milestones(summaries)
    return (
        "<h4>Where the class is</h4><ul class='pt-milestones'>"
        f"<li><strong>Signed off ({len(found.signed_off)}):</strong> "
        f"{_names(found.signed_off)}</li>"
        f"<li><strong>Ready for assessment ({len(found.ready)}):</strong> "
        f"{_names(found.ready)}</li>"
        f"<li><strong>Still practising ({len(found.practising)}):</strong> the table's "
        "<em>Still to do</em> column says what each has left.</li></ul>"
    )


def download_html(text: str, name: str) -> str:
    """A link that downloads ``text`` as the file ``name`` (the data rides in the link)."""
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (
        f'<a class="pt-download" download="{html.escape(name, quote=True)}" '
        f'href="data:text/csv;charset=utf-8;base64,{data}">Download {html.escape(name)}</a>'
    )


class ClassDashboard(widgets.VBox):
    """The class at a glance, read from ``store`` (default: the record
    ``$PROTOCOL_TOOLS_DB`` names); the CSV goes into ``folder`` (default: the
    record's exports folder)."""

    def __init__(self, store: RecordStore | None = None, *, folder: Path | None = None) -> None:
        self._own_store = store is None
        self.folder = folder
        self.summaries: list[TraineeSummary] = []
        self.refresh_button = widgets.Button(
            description="Refresh", icon="refresh", tooltip="Read the class's work again"
        )
        self.save_button = widgets.Button(
            description="Save as CSV",
            icon="download",
            tooltip="Save the class table as a CSV file for your records",
        )
        self.status = widgets.HTML()
        self.saved = widgets.HTML()
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        self.milestones = widgets.HTML()
        self.chart_note = widgets.HTML()
        self.topic_chart = widgets.Output()
        self.screening_chart = widgets.Output()
        self.practice_chart = widgets.Output()
        self.missed = widgets.HTML()
        super().__init__(
            [
                widgets.HBox([self.refresh_button, self.save_button]),
                self.status,
                self.saved,
                self.summary,
                self.milestones,
                self.table,
                self.chart_note,
                self.topic_chart,
                self.screening_chart,
                self.practice_chart,
                self.missed,
            ]
        )
        self.add_class("pt-class-dashboard")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.save_button.on_click(lambda _: self.save_csv())
        self.store: RecordStore | None = opened_or_said(
            store, RecordStore, self.status, (self.refresh_button, self.save_button)
        )
        if self.store is not None:
            self.refresh()

    def refresh(self) -> None:
        """Read every trainee's work again and redraw the page."""
        if self.store is None:
            return
        self.status.value = ""
        try:
            works = class_work(self.store)
            self.summaries = class_summary(works)
            missed = most_missed(works, MISSED_SHOWN)
        except ProtocolToolsError as error:
            self.status.value = alert_html("error", "The class cannot be read:", str(error))
            return
        self.save_button.disabled = not self.summaries
        self.summary.value = (
            f"<h3>The class</h3><p>{html.escape(class_sentence(self.summaries))}</p>"
        )
        if not self.summaries:
            self._clear()
            self.status.value = alert_html("note", "", EMPTY_CLASS)
            return
        self.milestones.value = milestones_html(self.summaries)
        self.table.value = table_html(
            "Each trainee's work",
            CLASS_TABLE_COLUMNS,
            table_cells(class_rows(self.summaries)),
            empty=EMPTY_CLASS,
            css_class="pt-class",
        )
        self.chart_note.value = (
            "<h4>Charts</h4><p>Every cell and bar prints its number; hover for it in words. "
            "Scores count every quiz attempt; a topic a trainee has not been asked says "
            "<em>not asked</em>.</p>"
        )
        self.topic_chart.outputs = (figure_output(topic_scores_figure(self.summaries)),)
        self.screening_chart.outputs = (figure_output(screening_figure(self.summaries)),)
        self.practice_chart.outputs = (figure_output(practice_figure(self.summaries)),)
        self.missed.value = table_html(
            "The questions the class misses most",
            MISSED_COLUMNS,
            missed_rows(missed),
            empty="No question missed yet.",
            css_class="pt-missed",
        )

    def _clear(self) -> None:
        for part in (self.milestones, self.table, self.chart_note, self.missed):
            part.value = ""
        for chart in (self.topic_chart, self.screening_chart, self.practice_chart):
            chart.outputs = ()

    def save_csv(self) -> Path | None:
        """Save the class table as a new CSV file; the file, or None with a message."""
        if self.store is None:
            return None
        if not self.summaries:
            self.saved.value = alert_html("warning", "Not saved:", "the class has no trainees yet.")
            return None
        folder = self.folder or class_folder(self.store)
        try:
            path = save_class_csv(self.summaries, folder)
        except ProtocolToolsError as error:
            self.saved.value = alert_html("error", "Not saved:", str(error))
            return None
        self.saved.value = alert_html(
            "done",
            "Saved:",
            f"the class table is in {path} (a folder outside the project, yours alone).",
        ) + (
            f'<p style="color:{QUIET_INK}">Or keep a copy where your browser saves files: '
            f"{download_html(class_csv(self.summaries), path.name)}</p>"
        )
        return path

    def close(self) -> None:
        if self._own_store and self.store is not None:
            self.store.close()
        super().close()


def class_dashboard(
    store: RecordStore | None = None, *, folder: Path | None = None
) -> ClassDashboard:
    """The trainer's dashboard on ``store`` (default: the record ``$PROTOCOL_TOOLS_DB``
    names); the class CSV is saved into ``folder`` (default: the record's exports)."""
    return ClassDashboard(store, folder=folder)

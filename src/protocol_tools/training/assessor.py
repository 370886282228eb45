"""The assessor's view for notebook 08: record an observed treatment on the checklist.

    >>> from protocol_tools import assessor_view
    >>> assessor_view()  # doctest: +SKIP

Choose the trainee and the day, tick each criterion of ``data/training.yaml`` the
trainee met (grouped by section, each with its source), add a comment and press
*Record observed treatment*. The view then shows the trainee's progress towards
sign-off in words ("2 of 5 observed treatments with every criterion met"), the
criteria never met yet and every observation so far. On a hub the assessor is the
hub user; elsewhere the assessor types their code. Messages are in words, never a
traceback; criteria appear by their text, never by the ids the record keeps.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import ipywidgets as widgets

from ..core.errors import ProtocolToolsError
from ..core.paths import hub_user
from ..records.page_html import table_html
from ..records.store import RecordStore
from ..records.training import COMMENT_LIMIT, TraineeWork, trainee_codes, trainee_work
from ..views.html import alert_html, opened_or_said
from ..views.palette import QUIET_INK
from .checklist import checklist, criteria, observe, qualification_progress, readiness
from .class_text import OBSERVATION_COLUMNS, never_met_texts, observation_rows, progress_sentence

__all__ = ["AssessorView", "assessor_view", "progress_html"]

_LABEL = {"description_width": "9rem"}
CHOOSE = "Choose a trainee…"
NO_TRAINEES = (
    "No trainees in the record yet: a trainee appears here after their first quiz, "
    "screening practice or rehearsal."
)


def progress_html(work: TraineeWork) -> str:
    """A trainee's way to sign-off in words: the count, readiness, criteria never met,
    and every observed treatment so far."""
    progress = qualification_progress(work)
    ready = readiness(work)
    code = html.escape(work.code)
    state = "signed off" if progress.signed_off else "not signed off yet"
    lines = [
        f"<h3>Progress of {code}</h3>",
        f'<p class="pt-progress"><strong>{html.escape(progress_sentence(progress))}</strong>'
        f" — {state}.</p>",
        "<p>Ready for assessment: "
        + (
            "yes."
            if ready.ready
            else f"not yet (still to {html.escape('; '.join(ready.missing))})."
        )
        + "</p>",
    ]
    never = never_met_texts(progress)
    if never:
        items = "".join(f"<li>{html.escape(text)}</li>" for text in never)
        lines.append(f'<p>Criteria never met yet:</p><ul class="pt-never-met">{items}</ul>')
    else:
        lines.append("<p>Every criterion has been met in at least one observed treatment.</p>")
    lines.append(
        table_html(
            f"Observed treatments of {work.code}, newest first",
            OBSERVATION_COLUMNS,
            observation_rows(work),
            empty="No observed treatment recorded yet.",
            css_class="pt-observations",
        )
    )
    return "".join(lines)


class AssessorView(widgets.VBox):
    """The checklist of an observed treatment, stored in ``store`` (default: the record
    ``$PROTOCOL_TOOLS_DB`` names).

    ``today``: the day offered (default: the real today); ``assessor``: the assessor's
    code (default: the hub user on a hub, else typed in); ``on_recorded``: called after
    each observation is stored (say, a dashboard's refresh).
    """

    def __init__(
        self,
        store: RecordStore | None = None,
        *,
        today: dt.date | None = None,
        assessor: str | None = None,
        on_recorded: Callable[[], object] | None = None,
    ) -> None:
        self._own_store = store is None
        self.today = today
        self.on_recorded = on_recorded
        self.fixed_assessor = assessor or hub_user()
        self._build_form()
        self._build_checklist()
        self.comment = widgets.Textarea(
            description="Comment",
            placeholder="What went well, what to work on (optional)",
            style=_LABEL,
            layout=widgets.Layout(width="44rem", height="5rem"),
        )
        self.record_button = widgets.Button(
            description="Record observed treatment",
            icon="check",
            button_style="primary",
            tooltip="Store this observed treatment in the record",
            layout=widgets.Layout(width="16rem"),
        )
        self.status = widgets.HTML()
        self.progress = widgets.HTML()
        super().__init__(
            [
                self.list_note,
                widgets.HBox([self.trainee, self.refresh_button]),
                self.observed_on,
                self.assessor_part,
                self.checklist_part,
                self.comment,
                self.record_button,
                self.status,
                self.progress,
            ]
        )
        self.add_class("pt-assessor")
        self.record_button.on_click(lambda _: self.record())
        self.store: RecordStore | None = opened_or_said(
            store, RecordStore, self.status, (self.record_button, self.refresh_button)
        )
        if self.store is not None:
            self.refresh_trainees()

    # -- building ---------------------------------------------------------------------
    def _build_form(self) -> None:
        """The trainee, the day and the assessor."""
        self.list_note = widgets.HTML()
        self.trainee = widgets.Dropdown(
            options=[(CHOOSE, "")],
            value="",
            description="Trainee",
            style=_LABEL,
            layout=widgets.Layout(width="26rem"),
        )
        self.refresh_button = widgets.Button(
            description="Read the list again",
            icon="refresh",
            tooltip="Read the trainees from the record again",
            layout=widgets.Layout(width="12rem"),
        )
        self.observed_on = widgets.DatePicker(
            description="Observed on", value=self.today or dt.date.today(), style=_LABEL
        )
        self.assessor: widgets.Text | None = None
        if self.fixed_assessor:
            self.assessor_part: widgets.Widget = widgets.HTML(
                f"<p><strong>Assessor:</strong> {html.escape(self.fixed_assessor)} "
                f'<span style="color:{QUIET_INK}">(you, as signed in)</span></p>'
            )
        else:
            self.assessor = widgets.Text(
                description="Assessor code",
                placeholder="your code as trainer or assessor",
                style=_LABEL,
                layout=widgets.Layout(width="26rem"),
            )
            self.assessor_part = self.assessor
        self.trainee.observe(lambda _: self.show_trainee(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh_trainees())

    def _build_checklist(self) -> None:
        """One box per criterion, by section, each with its source in small text."""
        self.boxes: dict[str, widgets.Checkbox] = {}
        parts: list[widgets.Widget] = [
            widgets.HTML(
                "<h3>The checklist</h3><p>Tick each criterion the trainee met in this "
                "treatment; a criterion left unticked was not met.</p>"
            )
        ]
        for section in checklist().checklist:
            parts.append(widgets.HTML(f"<h4>{html.escape(section.title)}</h4>"))
            for item in section.criteria:
                box = widgets.Checkbox(
                    value=False,
                    description=item.text,
                    indent=False,
                    layout=widgets.Layout(width="auto"),
                )
                self.boxes[item.id] = box
                parts.append(box)
                parts.append(
                    widgets.HTML(
                        f'<small style="color:{QUIET_INK};margin-left:1.8em">'
                        f"Source: {html.escape(item.source)}</small>"
                    )
                )
        self.checklist_part = widgets.VBox(parts, layout=widgets.Layout(margin="0.5em 0"))

    # -- the trainees ---------------------------------------------------------------------
    def refresh_trainees(self) -> None:
        """Read the trainees from the record again, keeping the one chosen."""
        if self.store is None:
            return
        try:
            codes = trainee_codes(self.store)
        except ProtocolToolsError as error:
            self.list_note.value = alert_html("error", "The trainees cannot be read:", str(error))
            return
        chosen = self.trainee.value
        self.trainee.options = [(CHOOSE, ""), *((code, code) for code in codes)]
        self.trainee.value = chosen if chosen in codes else ""
        self.list_note.value = "" if codes else alert_html("note", "", NO_TRAINEES)

    def show_trainee(self) -> None:
        """Show the chosen trainee's progress (nothing when none is chosen)."""
        self.status.value = ""
        self.progress.value = ""
        code = self.trainee.value
        if not code or self.store is None:
            return
        try:
            work = trainee_work(self.store, code)
        except ProtocolToolsError as error:
            self.status.value = alert_html("error", "Not shown:", str(error))
            return
        self.progress.value = progress_html(work)

    # -- recording ------------------------------------------------------------------------
    def _problem(self) -> str | None:
        """What stops recording, in words (None when nothing does)."""
        if not self.trainee.value:
            return "choose the trainee first."
        day = self.observed_on.value
        if day is None:
            return "choose the day of the observed treatment."
        if day > (self.today or dt.date.today()):
            return f"{day.isoformat()} is still to come; choose the day the treatment was observed."
        if not self._assessor_code():
            return "type your assessor code."
        length = len(self.comment.value.strip())
        if length > COMMENT_LIMIT:
            return (
                f"the comment is {length:,} characters long and the record keeps "
                f"{COMMENT_LIMIT:,}; shorten it."
            )
        if set(self.boxes) - set(criteria()):
            return (
                "the checklist in data/training.yaml has changed since this page was opened; "
                "reload the page to tick the new checklist. Nothing was stored."
            )
        return None

    def _assessor_code(self) -> str:
        if self.fixed_assessor:
            return self.fixed_assessor
        return self.assessor.value.strip() if self.assessor is not None else ""

    def record(self) -> int | None:
        """Store the observed treatment as ticked; its id, or None with a message."""
        if self.store is None:
            return None
        problem = self._problem()
        if problem:
            self.status.value = alert_html("warning", "Not recorded:", problem)
            return None
        code, day = self.trainee.value, self.observed_on.value
        try:
            stored = observe(
                self.store,
                code,
                observed_on=day,
                assessor=self._assessor_code(),
                met={key: box.value for key, box in self.boxes.items()},
                comment=self.comment.value,
            )
        except ProtocolToolsError as error:
            self.status.value = alert_html("error", "Not recorded:", str(error))
            return None
        met = sum(box.value for box in self.boxes.values())
        for box in self.boxes.values():
            box.value = False
        self.comment.value = ""
        self.show_trainee()
        self.status.value = alert_html(
            "done",
            "Recorded:",
            f"the observed treatment of {code} on {day.isoformat()}, "
            f"{met} of {len(self.boxes)} criteria met.",
        )
        if self.on_recorded is not None:
            self.on_recorded()
        return stored

    def close(self) -> None:
        if self._own_store and self.store is not None:
            self.store.close()
        super().close()


def assessor_view(
    store: RecordStore | None = None,
    *,
    today: dt.date | None = None,
    assessor: str | None = None,
    on_recorded: Callable[[], object] | None = None,
) -> AssessorView:
    """The assessor's checklist on ``store`` (default: the record ``$PROTOCOL_TOOLS_DB``
    names); ``on_recorded`` runs after each observation is stored."""
    return AssessorView(store, today=today, assessor=assessor, on_recorded=on_recorded)

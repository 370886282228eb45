"""The session-sheet maker for notebook 04 (also a Voilà app for the front desk).

    >>> from protocol_tools import sheet_maker
    >>> sheet_maker()  # doctest: +SKIP

Two tabs: one client (protocol, client code, optional name, optional intake,
preview, save) and a day's appointments (a CSV, one PDF a row plus the day). The
preview is PNG pages from the same typst template as the PDF, so what you see is
what prints. Every control has a visible label; messages say what went wrong in
words, never a traceback, and leave what was typed in place.

Nothing is ever replaced: a sheet is saved as CLIENT_PROTOCOL_DATE_HHMM.pdf (the
time it was made), with -2, -3… when that name is taken; a day made again keeps
the earlier files and gives the new ones -2, -3…. An appointments file may name
only protocols in the library folder and intakes in the intake folder.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import tempfile
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..core.atomic import write_new_file
from ..core.errors import IntakeError, ProtocolFileError, ProtocolToolsError
from ..core.paths import SHEETS_ENV, data_dir, sheets_dir
from ..protocols.loading import Library, load_library
from ..protocols.model import Protocol
from ..screening.display import field_label
from ..views.html import alert_html, findings_html
from ..views.palette import MUTED
from .data import DRAFT_MARK, session_sheet
from .day import DayResult, make_day_sheets
from .progress import ProgressInWords
from .render import sheet_file_stem, sheet_png_pages, sheet_to_pdf

__all__ = ["SHEETS_ENV", "SheetMaker", "default_sheets_dir", "sheet_maker"]

_WIDE = widgets.Layout(width="30rem")
_LABEL = {"description_width": "10rem"}
NO_INTAKE = "(none: print the screening questions)"
UPLOADED = "(the uploaded file)"
DRAFT_CHOICE = "Print as a draft"


def _text(description: str, placeholder: str = "", value: str = "") -> widgets.Text:
    return widgets.Text(
        value=value, description=description, placeholder=placeholder, style=_LABEL, layout=_WIDE
    )


def _message(kind: str, text: str) -> str:
    # The message's kind is written as a word and an icon, never shown by colour alone.
    return alert_html(kind.lower(), f"{kind}:", text)


def _error_html(error: ProtocolToolsError, hide: tuple[str, str] | None = None) -> str:
    """An error in words; a refused protocol's findings listed below it, in people's
    words (steps counted from 1, no rule codes), or an intake's problems each under its
    question's label. ``hide``: a path to show as another."""
    findings = error.findings if isinstance(error, ProtocolFileError) else []
    problems = error.problems if isinstance(error, IntakeError) else []
    text = str(error.args[0]) if findings or problems else str(error)
    if hide is not None:
        text = text.replace(*hide)
    details = findings_html(findings, place="line")
    if problems:
        details += (
            "<ul>"
            + "".join(
                f"<li><strong>{html.escape(field_label(field.split('[')[0]))}:</strong> "
                f"{html.escape(message)}</li>"
                for field, message in problems
            )
            + "</ul>"
        )
    return alert_html("error", "Error:", text, details_html=details)


def _download_link(pdf: bytes, name: str) -> str:
    # In Voilà the file is written on the server; the link hands the same bytes
    # to the browser so the front desk can print it on their own machine.
    data = base64.b64encode(pdf).decode("ascii")
    return (
        f'<a download="{html.escape(name, quote=True)}" href="data:application/pdf;base64,'
        f'{data}">Download {html.escape(name)}</a>'
    )


def _uploaded(upload: widgets.FileUpload) -> tuple[str, bytes] | None:
    values = upload.value
    if not values:
        return None
    item = values[0]
    return str(item["name"]), bytes(item["content"])


class SheetMaker(widgets.Tab):
    """Make one client's sheet, or a whole day's, and preview before saving."""

    def __init__(self, library: Library, out_dir: str | Path | None = None) -> None:
        from ..screening.rules import practice_clients

        out_dir = Path(out_dir) if out_dir is not None else default_sheets_dir()
        self.library = library
        self.practice = practice_clients()
        super().__init__(children=[self._one_client_tab(out_dir), self._day_tab(out_dir)])
        self.set_title(0, "One client")
        self.set_title(1, "A day's appointments")

    # -- building the tabs --------------------------------------------------------
    def _one_client_tab(self, out_dir: Path) -> widgets.VBox:
        """Tab 1: who and what, then preview and save."""
        self._build_choices()
        self._build_print_settings()
        self._build_actions(out_dir)
        return widgets.VBox(
            [
                widgets.HTML(
                    "<p>Pick the protocol and the client. The sheet carries the client "
                    "code; the name is printed only if you type one.</p>"
                ),
                self.protocol,
                self.client,
                self.client_name,
                widgets.HBox([self.intake, self.intake_upload]),
                self.date,
                self.paper,
                self.clinic,
                self.practitioner,
                self.draft,
                widgets.HBox([self.preview_button, self.save_button]),
                widgets.HTML(
                    "<p>Saved as client code, protocol, date and time, e.g. "
                    "<code>C-0042_signature-lift-15_2026-11-23_1405.pdf</code>; "
                    "an earlier sheet is never replaced.</p>"
                ),
                self.out_dir,
                self.status,
                self.pages,
            ]
        )

    def _build_choices(self) -> None:
        """The protocol, the client and the intake."""
        # Drafts are listed too, so that a designer can print one on purpose; a
        # draft (or a protocol with errors) is refused unless "draft" is ticked.
        self.protocol = widgets.Dropdown(
            options=[(f"{p.name} — {p.id}", p.id) for p in self.library.values()]
            + [(f"{p.name} — {p.id} (draft)", p.id) for p in self.library.drafts.values()],
            description="Protocol",
            style=_LABEL,
            layout=_WIDE,
        )
        self.client = _text("Client code", "e.g. C-0042 (from the intake when empty)")
        self.client_name = _text("Client name", "optional: printed only when filled in")
        self.intake = widgets.Dropdown(
            # A practice client by name in words ("c02 sensitive skin"), as the
            # screening practice and the guided session list them.
            options=[
                (NO_INTAKE, NO_INTAKE),
                (UPLOADED, UPLOADED),
                *((stem.replace("_", " "), stem) for stem in self.practice),
            ],
            value=NO_INTAKE,
            description="Intake",
            style=_LABEL,
            layout=_WIDE,
        )
        self.intake_upload = widgets.FileUpload(
            accept=".yaml,.yml",
            multiple=False,
            description="Upload an intake",
            layout=widgets.Layout(width="14rem"),
        )
        # A screening holds for its own day only: choosing an intake moves the date
        # to the intake's (a different date is then refused with a message).
        self.intake.observe(self._intake_chosen, names="value")
        self.intake_upload.observe(self._intake_chosen, names="value")

    def _build_print_settings(self) -> None:
        """The date, paper, clinic, practitioner and the draft choice."""
        self.date = widgets.DatePicker(
            description="Session date", value=dt.date.today(), style=_LABEL
        )
        self.paper = widgets.ToggleButtons(
            options=[("A4", "a4"), ("US Letter", "letter")],
            description="Paper",
            style=_LABEL,
            tooltips=["A4 paper", "US Letter paper"],
        )
        self.clinic = _text("Clinic", "from data/sheet.yaml when empty")
        self.practitioner = _text("Practitioner", "from data/sheet.yaml when empty")
        self.draft = widgets.Checkbox(
            value=False,
            description=f"{DRAFT_CHOICE} (every page says “{DRAFT_MARK}”)",
            indent=False,
            layout=widgets.Layout(width="40rem"),
        )

    def _build_actions(self, out_dir: Path) -> None:
        """Preview and save, the folder, the status line and the preview pages."""
        self.preview_button = widgets.Button(
            description="Preview", icon="eye", tooltip="Show the sheet as it will print"
        )
        self.save_button = widgets.Button(
            description="Save PDF", icon="save", button_style="primary", tooltip="Write the PDF"
        )
        for control in (self.preview_button, self.save_button):
            control.layout = widgets.Layout(width="10rem")
        self.preview_button.on_click(lambda _: self.preview())
        self.save_button.on_click(lambda _: self.save())
        self.out_dir = _text("Folder", value=str(out_dir))
        self.status = widgets.HTML()
        self.pages = widgets.VBox()

    def _day_tab(self, out_dir: Path) -> widgets.VBox:
        """Tab 2: an appointments CSV (a file or an upload) gives the day's sheets."""
        sample = data_dir() / "sample_appointments.csv"
        self.day_file = _text("Appointments file", value=str(sample))
        self.day_upload = widgets.FileUpload(
            accept=".csv",
            multiple=False,
            description="Upload a CSV",
            layout=widgets.Layout(width="14rem"),
        )
        self.day_intakes = _text("Intake folder", value=str(data_dir()))
        self.day_out = _text("Folder", value=str(Path(out_dir) / "day"))
        self.day_button = widgets.Button(
            description="Make the day's sheets",
            icon="print",
            button_style="primary",
            layout=widgets.Layout(width="14rem"),
        )
        self.day_status = widgets.HTML()
        self.day_progress = ProgressInWords("Sheets made", "row")
        self.day_button.on_click(lambda _: self.make_day())
        return widgets.VBox(
            [
                widgets.HTML(
                    "<p>A CSV with the columns <code>date, time, client, protocol, "
                    "intake</code> (intake optional) gives one PDF per row and one "
                    "combined PDF for the day, in time order. A bad row is reported by "
                    "its row number; the others are still made. The file may name "
                    "protocols of the library and intakes inside the intake folder "
                    "only. Made again, the day keeps the earlier PDFs and saves the "
                    "new ones with -2, -3… at the end of the name.</p>"
                ),
                widgets.HBox([self.day_file, self.day_upload]),
                self.day_intakes,
                self.day_out,
                self.day_button,
                self.day_progress,
                self.day_status,
            ]
        )

    # -- one client -------------------------------------------------------------
    def _screening(self) -> Any:
        from ..screening.engine import screen

        choice = self.intake.value
        if choice == NO_INTAKE:
            return None
        if choice == UPLOADED:
            upload = _uploaded(self.intake_upload)
            if upload is None:
                raise ProtocolToolsError("no intake uploaded yet: use “Upload an intake”")
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / Path(upload[0]).name
                path.write_bytes(upload[1])
                return screen(path)
        return screen(self.practice[choice])

    def _intake_chosen(self, _change: object = None) -> None:
        try:
            screening = self._screening()
        except ProtocolToolsError as error:
            if self.intake.value != UPLOADED:  # nothing uploaded yet is not an error
                self.status.value = _error_html(error)
            return
        if screening is not None:
            self.date.value = screening.date
            self.status.value = _message(
                "Note", f"Session date set to {screening.date}, the day the intake was answered for"
            )

    def _chosen_protocol(self) -> Protocol:
        key = self.protocol.value
        return self.library.drafts[key] if key in self.library.drafts else self.library[key]

    def _sheet(self) -> dict[str, Any]:
        protocol = self._chosen_protocol()
        try:
            return self._sheet_of(protocol)
        except ProtocolFileError as error:  # the readiness rule
            raise ProtocolFileError(
                f"{error.args[0]}. To print it anyway, tick “{DRAFT_CHOICE}”.",
                error.findings,
            ) from None

    def _sheet_of(self, protocol: Protocol) -> dict[str, Any]:
        return session_sheet(
            protocol,
            screening=self._screening(),
            date=self.date.value,
            client=self.client.value.strip() or None,
            client_name=self.client_name.value.strip() or None,
            clinic=self.clinic.value.strip() or None,
            practitioner=self.practitioner.value.strip() or None,
            draft=self.draft.value,
        )

    def preview(self) -> list[bytes]:
        """Show the sheet's pages; returns the PNG pages shown."""
        try:
            pages = sheet_png_pages([self._sheet()], paper=self.paper.value, ppi=80)
        except ProtocolToolsError as error:
            self.status.value = _error_html(error)
            return []
        # Each page gets a caption in words: the image itself cannot carry alt text.
        self.pages.children = [
            widget
            for number, page in enumerate(pages, 1)
            for widget in (
                widgets.HTML(f"<strong>Preview, page {number} of {len(pages)}</strong>"),
                widgets.Image(
                    value=page,
                    format="png",
                    layout=widgets.Layout(
                        width="44rem", border=f"1px solid {MUTED}", margin="0.5rem 0"
                    ),
                ),
            )
        ]
        self.status.value = _message("Note", f"{len(pages)} page{'s' if len(pages) > 1 else ''}")
        return pages

    def save(self) -> Path | None:
        """Write the PDF into the folder under a new name; returns its path (None on error)."""
        folder = Path(self.out_dir.value.strip() or ".")
        try:
            sheet = self._sheet()
            pdf = sheet_to_pdf([sheet], paper=self.paper.value)
            target = write_new_file(folder, sheet_file_stem(sheet, dt.datetime.now()), ".pdf", pdf)
        except ProtocolToolsError as error:
            self.status.value = _error_html(error)
            return None
        self.status.value = _message("Done", f"saved {target}") + _download_link(pdf, target.name)
        return target

    # -- a day ---------------------------------------------------------------------
    def make_day(self) -> DayResult | None:
        """Make the day's sheets; returns the DayResult (None on error)."""
        upload = _uploaded(self.day_upload)
        if upload is None and not self.day_file.value.strip():
            self.day_status.value = _message(
                "Error", "no appointments file: type its path, or use “Upload a CSV”"
            )
            return None
        shown = Path(upload[0]).name if upload is not None else self.day_file.value.strip()
        self.day_progress.hide()  # shown again by the first row done
        self.day_status.value = _message("Note", "Making the day's sheets…")
        try:
            with tempfile.TemporaryDirectory() as folder:
                source = Path(self.day_file.value.strip())
                if upload is not None:
                    source = Path(folder) / "appointments.csv"
                    source.write_bytes(upload[1])
                try:
                    result = self._make_day_from(source)
                except ProtocolToolsError as error:
                    # The temporary copy's path means nothing to them: show the upload's name.
                    hide = (str(source), shown) if upload is not None else None
                    self.day_status.value = _error_html(error, hide)
                    return None
        except OSError as error:  # the temporary copy of the upload
            self.day_status.value = _message("Error", f"cannot read the upload: {error.strerror}")
            return None
        self.day_status.value = _day_report(result, self.day_out.value)
        return result

    def _make_day_from(self, source: Path) -> DayResult:
        # Whoever wrote the file, it may name only files of the chosen folders: the
        # app runs on a server, and a path in a CSV must not reach its other files.
        return make_day_sheets(
            source,
            self.day_out.value.strip() or str(default_sheets_dir() / "day"),
            paper=self.paper.value,
            library=self.library.folder,
            intake_dir=self.day_intakes.value.strip() or data_dir(),
            clinic=self.clinic.value.strip() or None,
            practitioner=self.practitioner.value.strip() or None,
            confine_paths=True,
            progress=self.day_progress.update,
        )


def _day_report(result: DayResult, folder: str) -> str:
    lines = [f"{len(result.sheets)} sheet(s) written to {folder}"]
    lines += [f"wrote {path.name}" for path in result.sheets + result.combined]
    text = _message("Done", "\n".join(lines))
    if result.kept:
        text += _message(
            "Note",
            f"{len(result.kept)} file(s) of the same names from an earlier run were kept as "
            "they were; the new ones end in -2, -3…",
        )
    if result.problems:
        text += _message("Error", "\n".join(str(problem) for problem in result.problems))
    return text


def default_sheets_dir() -> Path:
    """Where the sheet maker saves: ``$PROTOCOL_TOOLS_SHEETS`` or ``~/microcurrent-sheets``."""
    return sheets_dir()


def sheet_maker(folder: str | Path | None = None, out_dir: str | Path | None = None) -> SheetMaker:
    """The sheet maker for the library in ``folder`` (default: protocols/); it saves into
    ``out_dir`` (default: ``~/microcurrent-sheets``, outside the project)."""
    return SheetMaker(load_library(folder), out_dir=out_dir)

"""Printable session sheets: one page to work from beside the couch, then to file.

    >>> from protocol_tools import load_protocol, session_sheet, write_sheet_pdf
    >>> protocol = load_protocol("protocols/signature-lift-15.yaml")      # doctest: +SKIP
    >>> sheet = session_sheet(protocol, client="C-0042", date="2026-03-02")  # doctest: +SKIP
    >>> write_sheet_pdf("C-0042.pdf", [sheet], paper="letter")  # never replaces  # doctest: +SKIP
    >>> pages = sheet_png_pages([sheet], ppi=60)    # the notebook's preview  # doctest: +SKIP
    >>> make_day_sheets("appointments.csv", "out/")  # one PDF a row + the day  # doctest: +SKIP

From a terminal::

    $ protocol-tools sheet signature-lift-15 --intake client.yaml -o C-0042.pdf
    $ protocol-tools sheet my-draft --client C-0042 --draft -o draft.pdf   # marked DRAFT
    $ protocol-tools sheets data/sample_appointments.csv -o sheets/

A sheet is for a client, so a draft protocol or one with errors (the one rule of
``_readiness``, as for the guided session) is refused unless a draft is asked
for on purpose; a draft sheet says DRAFT on every page. Files are never replaced
unless asked (``replace=True``, ``--force``).

Why Typst rather than WeasyPrint: the ``typst`` wheel from PyPI is self-contained
(no Pango, Cairo or GTK runtime to install, so it works the same on Linux, macOS
and Windows), lays out a page in about 20 ms, bundles fonts, and reads the sheet's
data as JSON. Every client and protocol string reaches the template as a JSON
value and is only ever placed as text, so nothing a user types (``<script>``,
``#set page(...)``, ``$``, ``\\``) can be read as markup; an HTML pipeline would
depend on escaping every string correctly. One template
(``templates/session_sheet.typ``) gives the PDF and the PNG pages the notebook
shows, so the preview is the printout. WeasyPrint would have shared HTML/CSS with
the notebook, but needs system libraries and is several times slower per page.

The sheet's data is one JSON-ready dict built from ``Protocol.timeline()`` (the
steps), the screening result (or the screening questions, to tick by hand),
``data/session_care.yaml`` (prep checklist, aftercare, next visit),
``data/sheet.yaml`` (clinic defaults) and the face map of ``_facemap``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..core.atomic import atomic_write_bytes, create_new_bytes, write_new_file
from ..reference.data import data_dir, load_data_file, reference
from ..core.errors import (
    AppointmentsError,
    ExportError,
    IntakeError,
    LibraryError,
    ProtocolFileError,
    ProtocolToolsError,
    ReferenceDataError,
)
from .glyphs import font_coverage
from ..core.text import add_days, as_date, minutes, number, without_bidi_controls

if TYPE_CHECKING:
    import argparse

    from ..protocols.model import Protocol

__all__ = [
    "DRAFT_MARK",
    "PAPERS",
    "SHEET_USE",
    "DayResult",
    "ExistingSheetsError",
    "RowProblem",
    "make_day_sheets",
    "register",
    "render_sheets",
    "session_sheet",
    "sheet_defaults",
    "sheet_png_pages",
    "sheet_to_pdf",
    "write_sheet_pdf",
]

TEMPLATE = Path(__file__).parent / "templates" / "session_sheet.typ"

# The user's words for the paper, and typst's.
PAPERS = {"a4": "a4", "letter": "us-letter"}

# How a sheet uses a protocol, in the readiness rule's words ("cannot be …").
SHEET_USE = "printed on a session sheet"
# Printed at the top of every page of a sheet made from a draft on purpose.
DRAFT_MARK = "DRAFT – not for use with a client"

# Engineering limits, not facts: a name longer than this is cut (with "…") so it
# cannot push the header off the page; an appointments file beyond these is a
# mistake, not a day's work. Client codes follow the screening's one definition
# (data/contraindications.yaml, client_code).
MAX_NAME_CHARS = 120
MAX_FIELD_CHARS = 300
# Longer than any word a sheet prints ("contraindications" is 17): only a longer
# run (a pasted code, a name without spaces) gets break points, every BREAK_EVERY
# characters so it wraps even in a narrow column; an ordinary word is never split.
UNBROKEN_RUN = 30
BREAK_EVERY = 12
MAX_APPOINTMENT_BYTES = 1_000_000
MAX_APPOINTMENT_ROWS = 500
# No cell of an appointment (a date, a time, a code, a protocol id, a file name)
# comes near this; a longer one is reported as an unreadable row.
MAX_APPOINTMENT_CELL_CHARS = 10_000

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SIDES = {"left": "client's left", "right": "client's right", "both": "both sides"}
_SIDE_CELLS = {"left": "left", "right": "right", "both": "both"}
_KIND_LABELS = {"prep": "prep", "closing": "end"}
STEP_LABELS = (
    "#",
    "Zone",
    "Client's side",
    "Technique",
    "Direction",
    "Passes",
    "Time",
    "Set µA",
    "Done",
    "µA used",
    "Comfort",
)


# -- defaults and text helpers ---------------------------------------------------


@cache
def _data_file(name: str, folder: Path, mtime_ns: int) -> dict[str, Any]:
    del folder, mtime_ns  # the cache key only: an edited file is read again
    data = load_data_file(name)
    return data if isinstance(data, dict) else {}


def _mapping(name: str) -> dict[str, Any]:
    """A data file that holds a mapping, read once per change of the file."""
    path = data_dir() / name
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1  # load_data_file reports the missing file
    return _data_file(name, data_dir(), mtime)


def sheet_defaults() -> dict[str, Any]:
    """``data/sheet.yaml``: paper, clinic, practitioner and fonts when not given."""
    data = _mapping("sheet.yaml")
    paper = str(data.get("paper") or "a4").lower()
    return {
        "paper": paper if paper in PAPERS else "a4",
        "clinic": str(data.get("clinic") or ""),
        "practitioner": str(data.get("practitioner") or ""),
        "fonts": [str(name) for name in data.get("fonts") or ["DejaVu Sans", "Libertinus Serif"]],
    }


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _breakable(text: str) -> str:
    # A zero-width space inside very long unbroken runs lets the line wrap inside
    # its column instead of running off the page (and leaves PDF search and copy
    # of ordinary words intact).
    def split(run: re.Match[str]) -> str:
        word = run[0]
        return "\u200b".join(word[i : i + BREAK_EVERY] for i in range(0, len(word), BREAK_EVERY))

    return re.sub(rf"\S{{{UNBROKEN_RUN + 1},}}", split, text)


def clean_text(value: object, limit: int = MAX_FIELD_CHARS) -> str:
    """A user string made safe for paper: printable glyphs, bounded, wrappable, and
    without bidirectional controls (a pasted override would print it reversed)."""
    text = " ".join(without_bidi_controls(str(value)).split()) if value is not None else ""
    return _breakable(font_coverage().printable(_cut(text, limit)))


def long_date(day: dt.date) -> str:
    """``Mon 2 Mar 2026``: unambiguous on paper whatever the locale."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _date(value: dt.date | str | None, what: str) -> dt.date | None:
    """``None`` for no date; a date; or ExportError naming ``what``."""
    if value is None or value == "":
        return None
    day = as_date(value)
    if day is None:
        raise ExportError(f"{what}: {value!r} is not a date like 2026-03-02")
    return day


def _later(day: dt.date, days: float, what: str) -> dt.date:
    return add_days(day, days, what, ExportError)


# -- the sheet's data ----------------------------------------------------------------


def _screening_dict(screening: Any) -> dict[str, Any] | None:
    if screening is None:
        return None
    if isinstance(screening, Mapping):
        return dict(screening)
    data = screening.to_dict()
    wait_text = getattr(screening, "wait_text", "")
    if wait_text:
        data["wait_text"] = wait_text
    return data


def _outcome_words(outcome: str) -> tuple[str, str, str]:
    from ..screening.engine import OUTCOMES

    shown = OUTCOMES.get(outcome, {"icon": "", "title": outcome, "explain": ""})
    return clean_text(shown["icon"]), clean_text(shown["title"]), clean_text(shown["explain"])


def _screening_block(result: dict[str, Any] | None) -> dict[str, Any]:
    if result is None:
        from ..screening.engine import screening_questions

        questions = []
        for question in screening_questions():
            icon, title, _ = _outcome_words(question["outcome"])
            questions.append(
                {"question": clean_text(question["question"]), "if_yes": f"{icon} {title}".strip()}
            )
        from ..screening.engine import OUTCOMES

        return {
            "mode": "questions",
            "instructions": "No intake form was given: ask the screening questions overleaf, "
            "then tick the outcome. The strongest outcome a Yes leads to decides.",
            "outcomes": [" ".join(_outcome_words(outcome)[:2]).strip() for outcome in OUTCOMES],
            "questions_note": "Ask every question on the day of the session and tick Yes or No.",
            "questions": questions,
        }
    icon, title, explain = _outcome_words(str(result.get("outcome", "")))
    reasons = []
    for reason in result.get("reasons") or []:
        r_icon, r_title, _ = _outcome_words(str(reason.get("outcome", "")))
        reasons.append(
            {
                "label": f"{r_icon} {r_title}".strip(),
                "reason": clean_text(reason.get("reason", "")),
                "question": clean_text(reason.get("question", "")),
                "source": clean_text(reason.get("source", "")),
            }
        )
    adjustments = [
        clean_text(item.get("text", item) if isinstance(item, Mapping) else item)
        for item in result.get("adjustments") or []
    ]
    earliest = _date(result.get("earliest_date"), "earliest_date")
    wait = result.get("wait_text") or ""
    intake_date = _date(result.get("date"), "screening date")
    return {
        "mode": "result",
        "outcome": str(result.get("outcome", "")),
        "icon": icon,
        "title": title,
        "explain": explain,
        "reasons": reasons,
        "adjustments": adjustments,
        "earliest_date": clean_text(wait)
        if wait and not earliest
        else (long_date(earliest) if earliest else None),
        "intake_date": long_date(intake_date) if intake_date else None,
    }


def _steps(protocol: Protocol) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]], str]:
    """The table rows, the face map's numbers and the map's description."""
    techniques = reference().techniques
    rows: list[dict[str, Any]] = []
    numbers: dict[tuple[str, str], list[str]] = {}
    order = 0
    for entry in protocol.timeline():
        seconds = number(entry.seconds, " s")
        if entry.kind != "treatment" or not entry.zone:
            action = entry.action or entry.zone_name or entry.kind
            rows.append(
                {
                    "kind": entry.kind,
                    "order": _KIND_LABELS.get(entry.kind, entry.kind),
                    "action": clean_text(action),
                    "seconds": seconds,
                }
            )
            continue
        order += 1
        technique = techniques.get(entry.technique or "")
        technique_text = technique.name if technique else (entry.technique or "")
        if entry.hold_seconds:
            technique_text += f", {number(entry.hold_seconds, ' s')}"
        direction = entry.direction or ""
        if entry.rewet_gel:
            direction = "Mist the gel first. " + direction
        rows.append(
            {
                "kind": "treatment",
                "order": str(order),
                "zone": clean_text(entry.zone_name),
                "side": _SIDE_CELLS.get(entry.side or "", entry.side or ""),
                "technique": clean_text(technique_text),
                "direction": clean_text(direction),
                "passes": number(entry.passes),
                "seconds": seconds,
                "current": number(entry.current_uA),
            }
        )
        halves = ("right", "left") if entry.side in (None, "both") else (entry.side,)
        for half in halves:
            numbers.setdefault((entry.zone, half), []).append(str(order))
    numbered = [(",".join(n), zone, half) for (zone, half), n in numbers.items()]
    zones = reference().zones
    described = "; ".join(
        f"{label}: {zones[zone].name if zone in zones else zone} ({_SIDES[half]})"
        for label, zone, half in numbered
    )
    return rows, numbered, described


def session_sheet(
    protocol: Protocol,
    *,
    screening: Any = None,
    date: dt.date | str | None = None,
    client: str | None = None,
    client_name: str | None = None,
    clinic: str | None = None,
    practitioner: str | None = None,
    draft: bool = False,
) -> dict[str, Any]:
    """The data of one session sheet, ready for :func:`render_sheets` (plain JSON).

    ``screening``: a screening result (``screen(intake)``) or its ``to_dict()``;
    without one the sheet prints the screening questions as tick boxes. ``date`` and
    ``client`` default to the screening's, then to today and a blank line. The
    client's name appears only when ``client_name`` is given.

    A draft protocol, or one with errors, raises :class:`ProtocolFileError` (the
    guided session's rule) unless ``draft=True``: the sheet is then marked DRAFT on
    every page, as it is whenever ``draft=True``.
    """
    from ..views.facemap import face_map_svg
    from ..protocols.readiness import readiness_problem, screening_day_problem

    problem = readiness_problem(protocol, use=SHEET_USE)
    if problem is not None and not draft:
        raise problem
    defaults = sheet_defaults()
    result = _screening_dict(screening)
    screened_on = _date((result or {}).get("date"), "screening date")
    day = _date(date, "date") or screened_on or dt.date.today()
    wrong_day = screened_on and screening_day_problem(screened_on, day, "the sheet")
    if wrong_day:
        raise ExportError(wrong_day)
    code = _client_code(client, result)
    care = _mapping("session_care.yaml")
    rows, numbered, described = _steps(protocol)

    low_h, high_h = _care_range(care, "aftercare", "window_hours")
    items = list(care.get("aftercare", {}).get("items") or [])
    if protocol.setting == "home":
        items += list(care.get("aftercare", {}).get("home_device_items") or [])
    low_w, high_w = _care_range(care, "next_visit", "weeks")
    first_visit = _later(day, low_w * 7, "next visit")
    last_visit = _later(day, high_w * 7, "next visit")

    code_text = clean_text(code)
    protocol_line = clean_text(f"{protocol.name} {protocol.version}")
    return {
        "header": {
            "clinic": clean_text(
                clinic if clinic is not None else defaults["clinic"], MAX_NAME_CHARS
            ),
            "practitioner": clean_text(
                practitioner if practitioner is not None else defaults["practitioner"],
                MAX_NAME_CHARS,
            ),
            "client": code_text,
            "client_name": clean_text(client_name, MAX_NAME_CHARS) if client_name else None,
            "date": day.isoformat(),
            "date_long": long_date(day),
            "protocol": {
                "name": clean_text(protocol.name),
                "id": clean_text(protocol.id),
                "version": clean_text(protocol.version),
                "setting": protocol.setting,
            },
            "device_time": f"{minutes(protocol.device_seconds)} min",
            "session_time": f"{minutes(protocol.total_seconds)} min",
            "steps_count": len(protocol.steps),
        },
        "draft": draft,
        "footer": {
            "client": code_text or "client: ____",
            "protocol": protocol_line,
            "date": day.isoformat(),
            # Read by the page header and background: on every page of the sheet.
            "draft_mark": DRAFT_MARK if draft else "",
        },
        "screening": _screening_block(result),
        "prep": [clean_text(item.get("text", "")) for item in care.get("prep_checklist") or []],
        "steps": rows,
        "step_labels": list(STEP_LABELS),
        "steps_note": "Tick Done as you finish each step; write the current you really "
        "used and how the client felt (comfortable, tingling, twitching, too strong).",
        "face_map": face_map_svg(numbered=numbered, title="Zones numbered in treatment order"),
        "face_map_alt": "Face map, zones numbered in treatment order: " + described,
        "aftercare": {
            "window": f"next {low_h}–{high_h} hours",
            "until": f"Until {long_date(_later(day, high_h / 24, 'aftercare'))} "
            f"(at least until {long_date(_later(day, low_h / 24, 'aftercare'))}):",
            "items": [clean_text(item) for item in items],
        },
        "next_visit": {
            "window": f"Between {long_date(first_visit)} and {long_date(last_visit)}",
            "note": f"{low_w}–{high_w} weeks after this session; results fade without maintenance.",
            "first": first_visit.isoformat(),
            "last": last_visit.isoformat(),
        },
    }


def _client_code(client: str | None, result: Mapping[str, Any] | None) -> str:
    """The sheet's client code: given, else the screening's; "" prints a blank line.

    A given code must be a client code (never a name) and, with a screening, the
    screened client's: a sheet must not carry one client's outcome under another.
    """
    from ..screening.engine import check_client_code

    screened = str((result or {}).get("client") or "")
    if client in (None, ""):
        return screened
    code = check_client_code(client, ExportError, "client")
    if screened and code != screened:
        raise ExportError(f"the intake is for client {screened}, not {code}")
    return code


def _care_range(care: Mapping[str, Any], section: str, key: str) -> tuple[int, int]:
    """``min`` and ``max`` of ``section.key`` in session_care.yaml; facts live in data,
    so a missing one is an error, never a number made up here."""
    where = f"session_care.yaml {section}.{key}"
    entry = (care.get(section) or {}).get(key) if isinstance(care.get(section), dict) else None
    if not isinstance(entry, dict):
        raise ReferenceDataError(f"{where}: missing (it needs min and max)")
    values = []
    for end in ("min", "max"):
        value = entry.get(end)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ReferenceDataError(f"{where}.{end}: needs a whole number, not {value!r}")
        values.append(value)
    if values[0] > values[1]:
        raise ReferenceDataError(f"{where}: min {values[0]} is more than max {values[1]}")
    return values[0], values[1]


# -- rendering -------------------------------------------------------------------


def _document(sheets: Sequence[Mapping[str, Any]], paper: str | None) -> str:
    defaults = sheet_defaults()
    paper = (paper or defaults["paper"]).lower()
    if paper not in PAPERS:
        raise ExportError(f"paper: {paper!r} is not one of {', '.join(PAPERS)}")
    if not sheets:
        raise ExportError("no sheet to print")
    first = sheets[0]["header"]
    title = "Session sheet " + first["client"] + " " + first["date"]
    if len(sheets) > 1:
        title = f"Session sheets, {len(sheets)} clients, {first['date']}"
    if any(sheet.get("draft") for sheet in sheets):
        title = f"{DRAFT_MARK}: {title}"
    return json.dumps(
        {
            "paper": PAPERS[paper],
            "fonts": defaults["fonts"],
            "title": title,
            "author": first["clinic"] or "protocol-tools",
            "sheets": list(sheets),
        },
        ensure_ascii=False,
    )


def render_sheets(
    sheets: Sequence[Mapping[str, Any]],
    *,
    paper: str | None = None,
    format: str = "pdf",
    ppi: float | None = None,
) -> bytes | list[bytes]:
    """Lay out sheets with the one template: PDF bytes, or a list of PNG/SVG pages."""
    import typst

    payload = _document(sheets, paper)
    try:
        output = typst.compile(str(TEMPLATE), format=format, ppi=ppi, sys_inputs={"data": payload})
    except (typst.TypstError, RuntimeError) as error:
        raise ExportError(f"the sheet could not be laid out: {error}") from None
    if format == "pdf":
        return output
    return output if isinstance(output, list) else [output]


def sheet_to_pdf(sheets: Sequence[Mapping[str, Any]], *, paper: str | None = None) -> bytes:
    """The sheets as one PDF (each sheet starts on a new page)."""
    pdf = render_sheets(sheets, paper=paper, format="pdf")
    assert isinstance(pdf, bytes)
    return pdf


def sheet_png_pages(
    sheets: Sequence[Mapping[str, Any]], *, paper: str | None = None, ppi: float = 80
) -> list[bytes]:
    """The sheets as PNG pages: the preview is the printout, from the same template."""
    pages = render_sheets(sheets, paper=paper, format="png", ppi=ppi)
    assert isinstance(pages, list)
    return pages


def write_sheet_pdf(
    path: str | Path,
    sheets: Sequence[Mapping[str, Any]],
    *,
    paper: str | None = None,
    replace: bool = False,
) -> Path:
    """Render and write atomically: a failure never leaves half a PDF at ``path``.

    An existing file at ``path`` is an :class:`ExportError` (it may be another
    client's sheet) unless ``replace=True``.
    """
    pdf = sheet_to_pdf(sheets, paper=paper)
    return _save(Path(path), pdf, replace=replace)


def _save(path: Path, pdf: bytes, *, replace: bool) -> Path:
    if replace:
        atomic_write_bytes(path, pdf)
        return path
    try:
        create_new_bytes(path, pdf)
    except FileExistsError:
        raise ExportError(f"{path} already exists; it was left as it is") from None
    return path


# -- a day's appointments ------------------------------------------------------------

REQUIRED_COLUMNS = ("date", "time", "client", "protocol")
OPTIONAL_COLUMNS = ("intake",)
# What make_day_sheets does with a file name already taken in the output folder.
IF_EXISTS = ("new-name", "refuse", "replace")
# A cell of the appointments file quoted back in a message is cut to this.
SHOWN_CELL_CHARS = 80

# Opened without waiting and looked at before reading: a pipe or a device named by
# mistake is refused at once instead of hanging the whole day.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX only; Windows has no such pipes
_OPEN_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class RowProblem:
    """A row of the appointments file that gave no sheet, and why."""

    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class DayResult:
    """What :func:`make_day_sheets` wrote, and the rows it could not use.

    ``kept``: files of the same names that were already in the folder (an earlier
    run of the day), left as they were while the new ones got new names.
    """

    sheets: list[Path] = field(default_factory=list)
    combined: list[Path] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


class ExistingSheetsError(ExportError):
    """The output folder already holds files a day's run would write; none was written."""

    def __init__(self, folder: Path, paths: Sequence[Path]) -> None:
        names = ", ".join(path.name for path in paths[:5]) + (", …" if len(paths) > 5 else "")
        super().__init__(
            f"{folder} already holds {len(paths)} of the files this day would write "
            f"({names}); nothing was written"
        )
        self.folder = folder
        self.paths = list(paths)


@dataclass(frozen=True)
class _Appointment:
    row: int
    date: dt.date
    time: dt.time
    client: str
    protocol: str
    intake: str  # as written in the file; "" when there is none

    @property
    def stem(self) -> str:
        return (
            f"{self.date.isoformat()}_{self.time:%H%M}_"
            f"{_safe_name(self.client)}_{_safe_name(self.protocol)}"
        )


@dataclass(frozen=True)
class _Folders:
    """Where a row's protocol and intake are looked for, and whether they must stay there."""

    library: Path
    intakes: Path
    confined: bool


def _read_appointments(path: Path) -> tuple[list[_Appointment], list[RowProblem]]:
    try:
        text = _appointment_bytes(path).decode("utf-8-sig")
    except OSError as error:
        raise AppointmentsError(f"{path}: cannot read it ({error.strerror})") from None
    except UnicodeDecodeError:
        raise AppointmentsError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
    limit = csv.field_size_limit(MAX_APPOINTMENT_CELL_CHARS)  # process-wide: put back below
    try:
        return _read_rows(path, text)
    finally:
        csv.field_size_limit(limit)


def _appointment_bytes(path: Path) -> bytes:
    descriptor = os.open(path, _OPEN_FLAGS)
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise AppointmentsError(
                f"{path}: not a file saved on disk (a folder, a pipe or a device); "
                "give the appointments CSV file"
            )
        if status.st_size > MAX_APPOINTMENT_BYTES:
            raise AppointmentsError(
                f"{path}: {status.st_size} bytes is too large for a day's appointments "
                f"(limit {MAX_APPOINTMENT_BYTES})"
            )
        if _NONBLOCK:
            os.set_blocking(descriptor, True)
        raw = stream.read(MAX_APPOINTMENT_BYTES + 1)
    if len(raw) > MAX_APPOINTMENT_BYTES:  # grew while it was being read
        raise AppointmentsError(f"{path}: larger than {MAX_APPOINTMENT_BYTES} bytes")
    return raw


def _read_rows(path: Path, text: str) -> tuple[list[_Appointment], list[RowProblem]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise AppointmentsError(f"{path} row 1: {error}") from None
    if header is None:
        raise AppointmentsError(
            f"{path}: empty; the first row names the columns "
            f"({', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)})"
        )
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise AppointmentsError(
            f"{path} row 1: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (the header must name {', '.join(REQUIRED_COLUMNS)}; "
            "intake is optional)"
        )
    appointments: list[_Appointment] = []
    problems: list[RowProblem] = []
    row_number = 1
    while True:
        try:
            values = next(reader, None)
        except csv.Error as error:
            # One unreadable row (a huge cell, a stray quote) is reported like any
            # bad row; the reader goes on with the next line.
            row_number += 1
            problems.append(RowProblem(row_number, f"cannot be read as CSV ({error})"))
            continue
        if values is None:
            break
        row_number += 1
        if not any(value.strip() for value in values):
            continue
        if len(appointments) + len(problems) >= MAX_APPOINTMENT_ROWS:
            raise AppointmentsError(
                f"{path}: more than {MAX_APPOINTMENT_ROWS} appointments; split the file"
            )
        cells = {
            name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(columns)
        }
        try:
            appointments.append(_appointment(row_number, cells))
        except ProtocolToolsError as error:
            problems.append(RowProblem(row_number, _one_line(error)))
    return appointments, problems


def _appointment(row: int, cells: dict[str, str]) -> _Appointment:
    from ..screening.engine import check_client_code

    for name in REQUIRED_COLUMNS:
        if not cells.get(name):
            raise ExportError(f"{name} is empty")
    day = as_date(cells["date"])
    if day is None:
        raise ExportError(f"date {cells['date'][:40]!r} is not a date like 2026-03-02")
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", cells["time"])
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ExportError(f"time {cells['time'][:40]!r} is not a time like 09:30")
    client = check_client_code(cells["client"], ExportError, "client")
    return _Appointment(
        row=row,
        date=day,
        time=dt.time(int(match[1]), int(match[2])),
        client=client,
        protocol=cells["protocol"],
        intake=cells.get("intake") or "",
    )


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-")[:40] or "client"


def _shown(cell: str) -> str:
    return repr(_cut(cell, SHOWN_CELL_CHARS))


# -- the files a row names ----------------------------------------------------------------
#
# A row's problem quotes the row, never the file it names: the file's keys and values
# (a protocol's fields, an intake's answers, or a file that is neither) stay out of
# the message, since whoever wrote the appointments may not be allowed to read it.


def _regular_file(path: Path, what: str, name: str) -> Path:
    """``path`` if it is a file saved on disk; a pipe would hang the reader."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ExportError(f"{what} {_shown(name)} not found") from None
    except OSError as error:
        raise ExportError(f"{what} {_shown(name)}: cannot read it ({error.strerror})") from None
    if not stat.S_ISREG(mode):
        raise ExportError(
            f"{what} {_shown(name)} is not a file saved on disk (a folder, a pipe or a device)"
        )
    return path


def _inside(folder: Path, name: str, what: str, where: str) -> Path:
    """``folder/name``, refused unless it stays inside ``folder`` once links are followed."""
    relative = Path(name)
    if relative.anchor:
        raise ExportError(f"{what} {_shown(name)}: name a file inside the {where}, not a full path")
    if ".." in relative.parts:
        raise ExportError(f"{what} {_shown(name)}: '..' may not lead out of the {where}")
    try:
        real = (folder / relative).resolve(strict=True)
        home = folder.resolve(strict=True)
    except FileNotFoundError:
        raise ExportError(f"{what} {_shown(name)} not found in the {where}") from None
    except (OSError, RuntimeError):  # a loop of links
        raise ExportError(f"{what} {_shown(name)}: cannot be followed to a file") from None
    if not real.is_relative_to(home):
        raise ExportError(
            f"{what} {_shown(name)} leads out of the {where}; only files inside it can be used"
        )
    return _regular_file(real, what, name)


def _is_file_name(reference: str) -> bool:
    """Whether a protocol reference names a file rather than a library id (the way
    ``resolve_protocol`` tells them apart)."""
    from ..protocols.loading import PROTOCOL_SUFFIXES

    return Path(reference).suffix in PROTOCOL_SUFFIXES or os.path.lexists(reference)


def _library_file(reference: str, library: Path) -> Path:
    """The protocol file a confined row names: an id, or a file inside the library."""
    from ..protocols.loading import PROTOCOL_SUFFIXES, _unknown_id_message, protocol_files
    from ..protocols.model import SLUG_PATTERN

    name = reference
    if Path(reference).suffix not in PROTOCOL_SUFFIXES:
        name = f"{reference}.yaml"
        if not re.fullmatch(SLUG_PATTERN, reference) or not os.path.lexists(library / name):
            known = {path.stem: path for path in protocol_files([library])}
            raise LibraryError(_unknown_id_message(reference, known, library))
    return _inside(library, name, "protocol file", "protocol library folder")


def _row_protocol(reference: str, folders: _Folders) -> Protocol:
    from ..protocols.loading import load_protocol, resolve_protocol

    if folders.confined:
        path: Path | None = _library_file(reference, folders.library)
    elif _is_file_name(reference):
        path = _regular_file(Path(reference), "protocol file", reference)
    else:
        path = None  # an id: the library's file of that name
    try:
        if path is None:
            return resolve_protocol(reference, folders.library)
        return load_protocol(path)
    except ProtocolFileError as error:
        source = path if path is not None else folders.library / f"{reference}.yaml"
        raise ExportError(
            _unusable("protocol", reference, source, error, len(error.findings), "validate")
        ) from None


def _row_screening(appointment: _Appointment, folders: _Folders) -> Any:
    from ..screening.engine import screen

    name = appointment.intake
    if folders.confined:
        path = _inside(folders.intakes, name, "intake file", "intake folder")
    else:
        path = _regular_file(folders.intakes / name, "intake file", name)
    try:
        screening = screen(path)
    except IntakeError as error:
        raise ExportError(
            _unusable("intake file", name, path, error, len(error.problems), "screen")
        ) from None
    if screening.client != appointment.client:
        raise ExportError(
            f"the intake {Path(name).name} is for client {screening.client}, "
            f"not {appointment.client}"
        )
    return screening


def _unusable(what: str, name: str, path: Path, error: Exception, count: int, check: str) -> str:
    # The headline says what kind of problem it is in the program's own words (after
    # the file's path); the problems themselves quote the file and are left out.
    headline = str(error.args[0]) if error.args else ""
    prefix = f"{path}: "
    reason = headline[len(prefix) :] if headline.startswith(prefix) else ""
    problems = f"{count} problem{'s' if count != 1 else ''}; " if count else ""
    return (
        f"{what} {_shown(name)} cannot be used"
        + (f": {reason}" if reason else "")
        + f" ({problems}{check} it on its own to see what is wrong)"
    )


def _not_ready(error: ProtocolFileError, protocol: Protocol, reference: str) -> str:
    """The readiness rule's refusal, naming the row's reference instead of the file."""
    headline = str(error.args[0])
    rest = headline[len(protocol.id) :] if headline.startswith(protocol.id) else f": {headline}"
    hint = " (validate it on its own to see them)" if error.findings else ""
    return f"protocol {_shown(reference)}{rest}{hint}"


def _appointment_sheet(
    appointment: _Appointment,
    folders: _Folders,
    clinic: str | None,
    practitioner: str | None,
) -> dict[str, Any]:
    protocol = _row_protocol(appointment.protocol, folders)
    screening = _row_screening(appointment, folders) if appointment.intake else None
    try:
        return session_sheet(
            protocol,
            screening=screening,
            date=appointment.date,
            client=appointment.client,
            clinic=clinic,
            practitioner=practitioner,
        )
    except ProtocolFileError as error:  # the readiness rule: no draft on a client's day
        raise ExportError(_not_ready(error, protocol, appointment.protocol)) from None


def _planned_names(appointments: Sequence[_Appointment]) -> dict[int, str]:
    """Each row's file name (without .pdf), two rows never sharing one."""
    names: dict[int, str] = {}
    used: set[str] = set()
    for appointment in appointments:
        name, count = appointment.stem, 1
        while name in used:
            count += 1
            name = f"{appointment.stem}-{count}"
        used.add(name)
        names[appointment.row] = name
    return names


def _write_day_file(folder: Path, stem: str, pdf: bytes, if_exists: str) -> Path:
    if if_exists == "new-name":
        return write_new_file(folder, stem, ".pdf", pdf)
    return _save(folder / f"{stem}.pdf", pdf, replace=if_exists == "replace")


def make_day_sheets(
    appointments: str | Path,
    out_dir: str | Path,
    *,
    paper: str | None = None,
    library: str | Path | None = None,
    clinic: str | None = None,
    practitioner: str | None = None,
    intake_dir: str | Path | None = None,
    if_exists: Literal["new-name", "refuse", "replace"] = "new-name",
    confine_paths: bool = False,
) -> DayResult:
    """One PDF per appointment plus one combined PDF per day, in time order.

    A bad row (unknown protocol, a draft or a protocol with errors, missing intake, a
    date that is not a date) is reported by its row number in the file (the header
    is row 1) and the other rows are still produced. Raises AppointmentsError only
    when the file as a whole cannot be used. Intake paths are relative to
    ``intake_dir`` (default: the appointments file's folder). A problem in a file a
    row names is reported without quoting that file.

    ``if_exists``, for a name already taken in ``out_dir`` (an earlier run of the
    day): ``"new-name"`` keeps that file and saves the new one as ``NAME-2.pdf``
    (``-3``…); ``"refuse"`` raises :class:`ExistingSheetsError` before writing
    anything; ``"replace"`` replaces it.

    ``confine_paths=True`` is for an appointments file someone else wrote (an
    upload): a protocol is then an id or a file inside the library folder, an intake
    a file inside the intake folder: no full paths, no ``..``, no link leading out.
    """
    if if_exists not in IF_EXISTS:
        raise ValueError(f"if_exists must be one of {IF_EXISTS}, not {if_exists!r}")
    from ..protocols.loading import default_library_dir

    path = Path(appointments)
    out = Path(out_dir)
    folders = _Folders(
        library=Path(library) if library is not None else default_library_dir(),
        intakes=Path(intake_dir) if intake_dir else path.parent,
        confined=confine_paths,
    )
    rows, problems = _read_appointments(path)
    ordered = sorted(rows, key=lambda a: (a.date, a.time, a.row))
    names = _planned_names(ordered)
    day_names = {day: f"{day.isoformat()}_all-sheets" for day in {a.date for a in ordered}}
    taken = [
        out / f"{name}.pdf"
        for name in [*names.values(), *sorted(day_names.values())]
        if os.path.lexists(out / f"{name}.pdf")
    ]
    if taken and if_exists == "refuse":
        raise ExistingSheetsError(out, taken)
    result = DayResult(problems=list(problems), kept=taken if if_exists == "new-name" else [])
    made: list[tuple[_Appointment, dict[str, Any]]] = []
    for appointment in ordered:
        # New names start from the row's own name: "-2" then means "made again".
        stem = appointment.stem if if_exists == "new-name" else names[appointment.row]
        try:
            sheet = _appointment_sheet(appointment, folders, clinic, practitioner)
            target = _write_day_file(out, stem, sheet_to_pdf([sheet], paper=paper), if_exists)
        except ProtocolToolsError as error:
            result.problems.append(RowProblem(appointment.row, _one_line(error)))
            continue
        result.sheets.append(target)
        made.append((appointment, sheet))
    for day in sorted({appointment.date for appointment, _ in made}):
        sheets = [sheet for appointment, sheet in made if appointment.date == day]
        pdf = sheet_to_pdf(sheets, paper=paper)
        result.combined.append(_write_day_file(out, day_names[day], pdf, if_exists))
    result.problems.sort(key=lambda problem: problem.row)
    return result


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


# -- command line ------------------------------------------------------------------


def _iso_date(text: str) -> dt.date:
    import argparse

    day = as_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-02")
    return day


def _cmd_sheet(args: argparse.Namespace) -> int:
    import sys

    from ..protocols.loading import resolve_protocol

    output = Path(args.output)
    if os.path.lexists(output) and not args.force:
        print(
            f"error: {output} already exists; choose another name, or add --force to replace it",
            file=sys.stderr,
        )
        return 1
    _check_named_files(args)
    protocol = resolve_protocol(args.protocol, args.library)
    screening = None
    if args.intake:
        from ..screening.engine import screen

        screening = screen(args.intake)
    try:
        sheet = session_sheet(
            protocol,
            screening=screening,
            date=args.date,
            client=args.client,
            client_name=args.client_name,
            clinic=args.clinic,
            practitioner=args.practitioner,
            draft=args.draft,
        )
    except ProtocolFileError as error:  # the readiness rule
        print(
            f"error: {error}\nTo print it anyway, marked DRAFT on every page and not for "
            "use with a client, add --draft.",
            file=sys.stderr,
        )
        return 1
    path = write_sheet_pdf(output, [sheet], paper=args.paper, replace=args.force)
    print(f"wrote {path}" + (f" ({DRAFT_MARK})" if args.draft else ""))
    return 0


def _check_named_files(args: argparse.Namespace) -> None:
    # Looked at before reading: a pipe given by mistake is refused, not waited on.
    if _is_file_name(args.protocol):
        _regular_file(Path(args.protocol), "protocol file", args.protocol)
    if args.intake:
        _regular_file(Path(args.intake), "intake file", args.intake)


def _cmd_sheets(args: argparse.Namespace) -> int:
    import sys

    try:
        result = make_day_sheets(
            args.appointments,
            args.output,
            paper=args.paper,
            library=args.library,
            clinic=args.clinic,
            practitioner=args.practitioner,
            if_exists="replace" if args.force else "refuse",
        )
    except ExistingSheetsError as error:
        print(
            f"error: {error}; choose another folder, or add --force to replace them",
            file=sys.stderr,
        )
        return 1
    for path in result.sheets + result.combined:
        print(f"wrote {path}")
    for problem in result.problems:
        print(f"{args.appointments} {problem}", file=sys.stderr)
    made = len(result.sheets)
    print(
        f"{made} sheet{'s' if made != 1 else ''} written, "
        f"{len(result.problems)} row{'s' if len(result.problems) != 1 else ''} skipped"
    )
    return 1 if result.problems else 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``sheet`` and ``sheets`` to the command line."""
    sheet = commands.add_parser(
        "sheet", help="print a protocol's session sheet for one client to PDF"
    )
    sheet.add_argument("protocol", metavar="PROTOCOL", help="an id from the library or a file")
    sheet.add_argument(
        "--intake",
        metavar="INTAKE",
        help="the client's intake file: its screening goes on the sheet "
        "(without it, the questions print as tick boxes)",
    )
    sheet.add_argument(
        "--date",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the session date (default: the intake's, else today)",
    )
    sheet.add_argument("--client", metavar="CODE", help="the client code (default: the intake's)")
    sheet.add_argument(
        "--client-name", metavar="NAME", help="print the client's name too (off unless given)"
    )
    sheet.add_argument(
        "--draft",
        action="store_true",
        help="print a draft, or a protocol with errors, on purpose: every page says "
        f"'{DRAFT_MARK}' (without it such a protocol is refused)",
    )
    _shared_options(sheet)
    sheet.add_argument("-o", "--output", required=True, metavar="OUT.pdf", help="the PDF to write")
    sheet.add_argument(
        "--force", action="store_true", help="replace OUT.pdf if it exists (refused otherwise)"
    )
    sheet.set_defaults(handler=_cmd_sheet)

    sheets = commands.add_parser(
        "sheets", help="a day's session sheets from an appointments CSV, one PDF each plus the day"
    )
    sheets.add_argument(
        "appointments",
        metavar="APPOINTMENTS.csv",
        help="columns: date, time, client, protocol, intake (optional)",
    )
    _shared_options(sheets)
    sheets.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="the folder for the PDFs"
    )
    sheets.add_argument(
        "--force",
        action="store_true",
        help="replace PDFs of the same names in DIR, e.g. from an earlier run of the day "
        "(refused otherwise, before anything is written)",
    )
    sheets.set_defaults(handler=_cmd_sheets)


def _shared_options(parser: argparse.ArgumentParser) -> None:
    default = "(default: data/sheet.yaml)"
    parser.add_argument("--paper", choices=tuple(PAPERS), help=f"a4 or letter {default}")
    parser.add_argument("--clinic", metavar="NAME", help=f"the clinic's name {default}")
    parser.add_argument("--practitioner", metavar="NAME", help=f"who treats {default}")
    parser.add_argument(
        "--library", metavar="DIR", help="the protocol folder (default: protocols/)"
    )

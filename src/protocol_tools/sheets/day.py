"""A day's sheets from an appointments CSV: one PDF a row plus one for the day.

    >>> from protocol_tools import make_day_sheets
    >>> result = make_day_sheets("appointments.csv", "out/")  # doctest: +SKIP
    >>> [str(problem) for problem in DayResult().problems]
    []

A bad row is that row's problem (quoting the row, never a file it names); the
other rows are still made.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..core.atomic import write_new_file
from ..core.errors import ExportError, IntakeError, ProtocolFileError, ProtocolToolsError
from .appointments import Appointment, RowProblem, one_line, read_appointments, shown
from .data import session_sheet
from .joined import SheetPdfJoiner
from .paths import inside, is_file_name, library_file, regular_file
from .render import save_pdf, sheet_to_pdf

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ..protocols.model import Protocol

__all__ = ["IF_EXISTS", "DayResult", "ExistingSheetsError", "RowProblem", "make_day_sheets"]

# What make_day_sheets does with a file name already taken in the output folder.
IF_EXISTS = ("new-name", "refuse", "replace")

# Told after each row: how many rows are done (made or skipped) and how many there are.
Progress = Callable[[int, int], None]

# Sheets are laid out in these threads (typst lets go of the GIL while it works) while
# this one reads the next rows, writes the files and joins the day's PDF; at most
# _AHEAD rows wait to be written, so the progress bar moves row by row.
_LAYOUT_THREADS = 2
_AHEAD = 4


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
class _DayRun:
    """One run of make_day_sheets: where a row's protocol and intake are looked for
    (and whether they must stay there), where the PDFs go and what they print."""

    library: Path
    intakes: Path
    confined: bool
    out: Path
    paper: str | None
    clinic: str | None
    practitioner: str | None
    if_exists: str
    # Each protocol a row names, read once for the run (a day names a few, many times).
    protocols: dict[str, Protocol] = field(default_factory=dict, compare=False)


def _row_protocol(reference: str, run: _DayRun) -> Protocol:
    from ..protocols.loading import load_protocol, resolve_protocol

    try:
        if run.confined:
            path: Path | None = library_file(reference, run.library)
        elif is_file_name(reference):
            path = regular_file(Path(reference), "protocol file", reference)
        else:
            path = None  # an id: the library's file of that name
        if path is None:
            return resolve_protocol(reference, run.library)
        return load_protocol(path)
    except ProtocolFileError as error:
        source = path if path is not None else run.library / f"{reference}.yaml"
        raise ExportError(
            _unusable("protocol", reference, source, error, len(error.findings), "validate")
        ) from None
    except (OSError, ValueError) as error:  # a name too long for the file system, a NUL
        reason = getattr(error, "strerror", None) or "not a file name"
        raise ExportError(f"protocol {shown(reference)} cannot be read ({reason})") from None


def _row_screening(appointment: Appointment, run: _DayRun) -> Any:
    """The screening of the intake a row names, for that row's client and day.

    A mismatch names the row's own values only: the intake's client and date are
    the other file's, which whoever wrote the row may not be allowed to read.
    """
    from ..protocols.readiness import screening_day_problem
    from ..screening.engine import screen

    name = appointment.intake
    if run.confined:
        path = inside(run.intakes, name, "intake file", "intake folder")
    else:
        path = regular_file(run.intakes / name, "intake file", name)
    try:
        screening = screen(path)
    except IntakeError as error:
        raise ExportError(
            _unusable("intake file", name, path, error, len(error.problems), "screen")
        ) from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or "not a file name"
        raise ExportError(f"intake file {shown(name)} cannot be read ({reason})") from None
    if screening.client != appointment.client:
        raise ExportError(
            f"the intake {shown(Path(name).name)} is for another client, not {appointment.client}"
        )
    if screening_day_problem(screening.date, appointment.date, "the sheet"):
        raise ExportError(
            f"the intake {shown(Path(name).name)} was answered for another day, not "
            f"{appointment.date.isoformat()}: screen the client again for that day"
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
        f"{what} {shown(name)} cannot be used"
        + (f": {reason}" if reason else "")
        + f" ({problems}{check} it on its own to see what is wrong)"
    )


def _not_ready(error: ProtocolFileError, protocol: Protocol, reference: str) -> str:
    """The readiness rule's refusal, naming the row's reference instead of the file."""
    headline = str(error.args[0])
    rest = headline[len(protocol.id) :] if headline.startswith(protocol.id) else f": {headline}"
    hint = " (validate it on its own to see them)" if error.findings else ""
    return f"protocol {shown(reference)}{rest}{hint}"


def _appointment_sheet(appointment: Appointment, run: _DayRun) -> dict[str, Any]:
    protocol = run.protocols.get(appointment.protocol)
    if protocol is None:  # a protocol that cannot be used is looked at again, row by row
        protocol = run.protocols[appointment.protocol] = _row_protocol(appointment.protocol, run)
    screening = _row_screening(appointment, run) if appointment.intake else None
    try:
        return session_sheet(
            protocol,
            screening=screening,
            date=appointment.date,
            client=appointment.client,
            clinic=run.clinic,
            practitioner=run.practitioner,
        )
    except ProtocolFileError as error:  # the readiness rule: no draft on a client's day
        raise ExportError(_not_ready(error, protocol, appointment.protocol)) from None


def _planned_names(appointments: Sequence[Appointment]) -> dict[int, str]:
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


def _taken(out: Path, stems: Sequence[str]) -> list[Path]:
    """The PDFs of these names already in ``out`` (an earlier run of the day)."""
    return [out / f"{stem}.pdf" for stem in stems if os.path.lexists(out / f"{stem}.pdf")]


def _write_day_file(folder: Path, stem: str, pdf: bytes, if_exists: str) -> Path:
    if if_exists == "new-name":
        return write_new_file(folder, stem, ".pdf", pdf)
    return save_pdf(folder / f"{stem}.pdf", pdf, replace=if_exists == "replace")


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
    progress: Progress | None = None,
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

    ``progress(done, total)`` is called after each row (for a progress bar). The day's
    PDF joins the rows' PDFs (:func:`.joined.join_sheet_pdfs`): the same pages and text as
    laying the day out in one go, in a fraction of the time.
    """
    if if_exists not in IF_EXISTS:
        raise ValueError(f"if_exists must be one of {IF_EXISTS}, not {if_exists!r}")
    from ..protocols.loading import default_library_dir

    path = Path(appointments)
    run = _DayRun(
        library=Path(library) if library is not None else default_library_dir(),
        intakes=Path(intake_dir) if intake_dir else path.parent,
        confined=confine_paths,
        out=Path(out_dir),
        paper=paper,
        clinic=clinic,
        practitioner=practitioner,
        if_exists=if_exists,
    )
    rows, problems = read_appointments(path)
    ordered = sorted(rows, key=lambda a: (a.date, a.time, a.row))
    names = _planned_names(ordered)
    day_names = {day: f"{day.isoformat()}_all-sheets" for day in {a.date for a in ordered}}
    taken = _taken(run.out, [*names.values(), *sorted(day_names.values())])
    if taken and if_exists == "refuse":
        raise ExistingSheetsError(run.out, taken)
    result = DayResult(problems=list(problems), kept=taken if if_exists == "new-name" else [])
    days = _DayWriter(run, names, result, len(ordered), progress).write(ordered)
    for day, joiner in sorted(days.items()):
        pdf = joiner.pdf()
        result.combined.append(_write_day_file(run.out, day_names[day], pdf, if_exists))
    result.problems.sort(key=lambda problem: problem.row)
    return result


@dataclass
class _Row:
    """One appointment on its way: its sheet's data and layout, or why it has none."""

    appointment: Appointment
    sheet: dict[str, Any] | None = None
    layout: Future[bytes] | None = None
    error: ProtocolToolsError | None = None

    def ready(self) -> bool:
        return self.layout is None or self.layout.done()


class _DayWriter:
    """Writes each row's PDF in time order and joins each day's PDF from them."""

    def __init__(
        self,
        run: _DayRun,
        names: dict[int, str],
        result: DayResult,
        total: int,
        progress: Progress | None,
    ) -> None:
        self.run, self.names, self.result = run, names, result
        self.total, self.progress, self.done = total, progress, 0
        self.days: dict[Any, SheetPdfJoiner] = {}

    def write(self, ordered: Sequence[Appointment]) -> dict[Any, SheetPdfJoiner]:
        """Every row's PDF (its problem in the result instead); each day's joiner."""
        from concurrent.futures import ThreadPoolExecutor

        waiting: deque[_Row] = deque()
        with ThreadPoolExecutor(_LAYOUT_THREADS, thread_name_prefix="sheet-layout") as pool:
            for appointment in ordered:
                row = _Row(appointment)
                try:
                    row.sheet = _appointment_sheet(appointment, self.run)
                    row.layout = pool.submit(sheet_to_pdf, [row.sheet], paper=self.run.paper)
                except ProtocolToolsError as error:
                    row.error = error
                waiting.append(row)
                while waiting and (len(waiting) > _AHEAD or waiting[0].ready()):
                    self._finish(waiting.popleft())
            while waiting:
                self._finish(waiting.popleft())
        return self.days

    def _finish(self, row: _Row) -> None:
        appointment = row.appointment
        # New names start from the row's own name: "-2" then means "made again".
        stem = appointment.stem if self.run.if_exists == "new-name" else self.names[appointment.row]
        try:
            if row.error is not None:
                raise row.error
            assert row.layout is not None
            assert row.sheet is not None
            pdf = row.layout.result()
            target = _write_day_file(self.run.out, stem, pdf, self.run.if_exists)
        except ProtocolToolsError as error:
            self.result.problems.append(RowProblem(appointment.row, one_line(error)))
        else:
            self.result.sheets.append(target)
            self.days.setdefault(appointment.date, SheetPdfJoiner()).add(pdf, row.sheet)
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

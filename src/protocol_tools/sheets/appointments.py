"""Reading a day's appointments CSV: one Appointment per good row, a RowProblem per bad one.

    >>> str(RowProblem(3, "time '9h' is not a time like 09:30"))
    "row 3: time '9h' is not a time like 09:30"

Client codes follow the screening's one definition (data/contraindications.yaml,
client_code). The file is looked at before it is read, and bounded: an
appointments file beyond these limits is a mistake, not a day's work.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import AppointmentsError, ExportError, ProtocolToolsError
from ..core.files import read_regular_file, special_kind
from ..core.text import as_date
from .text import cut, safe_name

__all__ = ["Appointment", "RowProblem", "one_line", "read_appointments", "shown"]

MAX_APPOINTMENT_BYTES = 1_000_000
MAX_APPOINTMENT_ROWS = 500
# No cell of an appointment (a date, a time, a code, a protocol id, a file name)
# comes near this; a longer one is reported as an unreadable row.
MAX_APPOINTMENT_CELL_CHARS = 10_000
REQUIRED_COLUMNS = ("date", "time", "client", "protocol")
OPTIONAL_COLUMNS = ("intake",)
# The cells that name a file: a control character (a NUL byte) in one is never
# part of a real name, and would stop the file system calls that look for it.
FILE_COLUMNS = ("protocol", "intake")
# A cell of the appointments file quoted back in a message is cut to this.
SHOWN_CELL_CHARS = 80

# Opened without waiting and looked at before reading: a pipe or a device named by
# mistake is refused at once instead of hanging the whole day.


@dataclass(frozen=True)
class RowProblem:
    """A row of the appointments file that gave no sheet, and why."""

    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class Appointment:
    """One good row: when, who, which protocol and (maybe) which intake."""

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
            f"{safe_name(self.client)}_{safe_name(self.protocol)}"
        )


def read_appointments(path: Path) -> tuple[list[Appointment], list[RowProblem]]:
    """The file's good rows and its bad ones; AppointmentsError if the file as a whole
    cannot be used (unreadable, not UTF-8, too large, a missing column)."""
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
    raw = read_regular_file(
        path, MAX_APPOINTMENT_BYTES, lambda status: _check_day_file(path, status)
    )
    if len(raw) > MAX_APPOINTMENT_BYTES:  # grew while it was being read
        raise AppointmentsError(f"{path}: larger than {MAX_APPOINTMENT_BYTES} bytes")
    return raw


def _check_day_file(path: Path, status: os.stat_result) -> None:
    if special_kind(status.st_mode) is not None:
        raise AppointmentsError(
            f"{path}: not a file saved on disk (a folder, a pipe or a device); "
            "give the appointments CSV file"
        )
    if status.st_size > MAX_APPOINTMENT_BYTES:
        raise AppointmentsError(
            f"{path}: {status.st_size} bytes is too large for a day's appointments "
            f"(limit {MAX_APPOINTMENT_BYTES})"
        )


def _read_rows(path: Path, text: str) -> tuple[list[Appointment], list[RowProblem]]:
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
    appointments: list[Appointment] = []
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
            problems.append(RowProblem(row_number, one_line(error)))
    return appointments, problems


def _appointment(row: int, cells: dict[str, str]) -> Appointment:
    from ..core.privacy import check_client_code

    for name in REQUIRED_COLUMNS:
        if not cells.get(name):
            raise ExportError(f"{name} is empty")
    for name in FILE_COLUMNS:
        if any(unicodedata.category(char) == "Cc" for char in cells.get(name, "")):
            raise ExportError(f"{name} holds a control character; write the file's name only")
    day = as_date(cells["date"])
    if day is None:
        raise ExportError(f"date {cells['date'][:40]!r} is not a date like 2026-03-02")
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", cells["time"])
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ExportError(f"time {cells['time'][:40]!r} is not a time like 09:30")
    client = check_client_code(cells["client"], ExportError, "client")
    return Appointment(
        row=row,
        date=day,
        time=dt.time(int(match[1]), int(match[2])),
        client=client,
        protocol=cells["protocol"],
        intake=cells.get("intake") or "",
    )


def shown(cell: str) -> str:
    """A cell quoted back in a message, cut short."""
    return repr(cut(cell, SHOWN_CELL_CHARS))


def one_line(error: Exception) -> str:
    """An error's message on one line, as a row problem prints it."""
    return " ".join(str(error).split())

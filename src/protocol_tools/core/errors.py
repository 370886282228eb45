"""The exceptions protocol_tools raises.

Every error a user can cause is one of these, so the command line and the widgets
can show a clear message instead of a traceback::

    ProtocolToolsError
     ├── ProtocolFileError     a protocol file cannot be read or is invalid
     ├── ReferenceDataError    a file in data/ is missing or malformed
     ├── LibraryError          a protocol id or library folder cannot be found
     │    └── SavedMeanwhileError   (designer.store) someone saved a newer version first
     ├── IntakeError           an intake form is incomplete or wrong
     ├── ExportError           a sheet or log could not be written
     │    └── ExistingSheetsError   (sheets.day) a day's sheets exist and --force was not given
     ├── AppointmentsError     a day's appointments file cannot be read as a whole
     ├── SessionError          a guided session was asked for something it cannot do
     └── RecordError           the client record refused a change or cannot be opened
          ├── UnknownClientError    no client has that code
          └── UnknownTraineeError   no trainee has that code

Example::

    >>> from protocol_tools import load_protocol, ProtocolFileError
    >>> try:
    ...     load_protocol("protocols/missing.yaml")
    ... except ProtocolFileError as error:
    ...     print(error.findings[0])  # doctest: +SKIP
    protocols/missing.yaml steps[0].zone: ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .findings import Finding

__all__ = [
    "AppointmentsError",
    "ExportError",
    "IntakeError",
    "LibraryError",
    "ProtocolFileError",
    "ProtocolToolsError",
    "RecordError",
    "ReferenceDataError",
    "SessionError",
    "UnknownClientError",
    "UnknownTraineeError",
]


class ProtocolToolsError(Exception):
    """Base class of every error protocol_tools raises on purpose."""


class ProtocolFileError(ProtocolToolsError):
    """A protocol file cannot be used; ``findings`` says what is wrong and where."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings: list[Finding] = list(findings)

    def __str__(self) -> str:
        lines = [self.args[0]]
        lines.extend(f"  {finding}" for finding in self.findings)
        return "\n".join(lines)


class ReferenceDataError(ProtocolToolsError):
    """A reference data file (zones, limits, rules…) is missing or malformed."""


class LibraryError(ProtocolToolsError):
    """A protocol id cannot be found, or a library folder cannot be read."""


class IntakeError(ProtocolToolsError):
    """An intake form is incomplete or holds a wrong value.

    ``problems`` lists ``(field, message)`` pairs, every one of them (a screening
    that refuses names every unanswered question at once); ``locations`` maps a
    field to ``"file:line:column"`` when the intake was read from a file::

        >>> error = IntakeError("intake.yaml: cannot be screened",
        ...                     [("pregnant", "not answered")], {"pregnant": "intake.yaml:5:1"})
        >>> print(error)
        intake.yaml: cannot be screened
          intake.yaml:5:1 pregnant: not answered
    """

    def __init__(
        self,
        message: str,
        problems: Sequence[tuple[str, str]] = (),
        locations: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.problems: list[tuple[str, str]] = [(str(f), str(m)) for f, m in problems]
        self.locations: dict[str, str] = dict(locations or {})

    @property
    def fields(self) -> list[str]:
        """The fields named by ``problems``, in order, each once."""
        return list(dict.fromkeys(field for field, _ in self.problems))

    def __str__(self) -> str:
        lines = [self.args[0]]
        for field, message in self.problems:
            where = self.locations.get(field)
            lines.append(f"  {where + ' ' if where else ''}{field}: {message}")
        return "\n".join(lines)


class ExportError(ProtocolToolsError):
    """A session sheet, log or protocol could not be written."""


class AppointmentsError(ProtocolToolsError):
    """An appointments file (a day's CSV for the session sheets) cannot be used as a
    whole: unreadable, too large, or a required column is missing. A bad row is not
    an error of the file: it is reported by row number and the other rows go on."""


class SessionError(ProtocolToolsError):
    """A guided session was asked for something it cannot do (a bad speed, an
    adjustment without a reason or for a step the protocol does not have)."""


class RecordError(ProtocolToolsError):
    """The client record cannot be opened (a newer schema, a file that is not a
    record) or refused a change (a "do not treat" outcome overridden, an override
    without its reason). Nothing was written."""


class UnknownClientError(RecordError):
    """No client in the record has the code asked for."""


class UnknownTraineeError(RecordError):
    """No trainee the record shows this user has the code asked for."""

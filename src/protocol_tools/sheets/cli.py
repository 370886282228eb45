"""The ``sheet`` and ``sheets`` commands (the parser in ``protocol_tools.cli`` adds them).

$ protocol-tools sheet signature-lift-15 --intake client.yaml -o C-0042.pdf
$ protocol-tools sheet express-10 --client C-0042 -o C-0042.pdf   # + the client record
$ protocol-tools sheet my-draft --client C-0042 --draft -o draft.pdf   # marked DRAFT
$ protocol-tools sheets data/sample_appointments.csv -o sheets/
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from ..core.errors import ExportError, ProtocolFileError
from ..core.privacy import check_client_code
from ..core.text import as_date
from .data import DRAFT_MARK, PAPERS, session_sheet
from .day import ExistingSheetsError, make_day_sheets
from .paths import is_file_name, regular_file
from .render import write_sheet_pdf

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``sheet`` and ``sheets`` to the command line."""
    _add_sheet(commands)
    _add_sheets(commands)


def _iso_date(text: str) -> dt.date:
    day = as_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-02")
    return day


def _cmd_sheet(args: argparse.Namespace) -> int:
    from ..protocols.loading import resolve_protocol

    output = Path(args.output)
    # Looked at first: a folder would pass for "exists", then fail on writing.
    if output.is_dir():
        print(
            f"error: {output} is a folder; give the PDF's file name, e.g. {output / 'sheet.pdf'}",
            file=sys.stderr,
        )
        return 1
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
    code = args.client or (screening.client if screening is not None else None)
    known = _from_record(args, code, protocol.id, screening)
    try:
        sheet = session_sheet(
            protocol,
            screening=known["screening"] if screening is None else screening,
            date=args.date,
            client=args.client,
            client_name=args.client_name,
            clinic=args.clinic,
            practitioner=args.practitioner,
            draft=args.draft,
            last_visit=known["last_visit"],
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
    for line in known["said"]:
        print(line)
    if known["in_record"] and not args.draft:  # a draft is not a client's sheet
        _note_sheet(args.db, known["code"], path, protocol.id)
        print(f"noted the sheet in {known['code']}'s client record")
    return 0


def _from_record(
    args: argparse.Namespace, code: str | None, protocol_id: str, screening: Any
) -> dict[str, Any]:
    """What the client record holds for the sheet: the day's stored screening (used
    when no intake is given) and the last session's settings. A client the record does
    not know, or no record at all, leaves the sheet as it was without one."""
    from ..records.lookup import last_visit, open_record, screening_on

    known: dict[str, Any] = {"screening": None, "last_visit": None, "in_record": False, "said": []}
    if not code:
        return known
    code = check_client_code(code, ExportError, "client")
    store = open_record(args.db, create=False)
    if store is None:
        return known
    try:
        if store.find_client(code) is None:
            return known
        day = args.date or (screening.date if screening is not None else dt.date.today())
        known["in_record"], known["code"] = True, code
        if screening is None:
            known["screening"] = screening_on(store, code, day)
            if known["screening"]:
                known["said"].append(f"used {code}'s screening of {day} from the client record")
        known["last_visit"] = last_visit(store, code, protocol_id, day) or None
        if known["last_visit"]:
            when = known["last_visit"]["from_visit"]
            known["said"].append(f"printed the settings of {code}'s last visit ({when})")
    finally:
        store.close()
    return known


def _note_sheet(location: str | None, code: str, path: Path, protocol_id: str) -> None:
    from ..records.lookup import open_record

    store = open_record(location)
    assert store is not None  # the record was found a moment ago
    try:
        store.record_sheet(code, path.name, protocol_id=protocol_id)
    finally:
        store.close()


def _check_named_files(args: argparse.Namespace) -> None:
    # Looked at before reading: a pipe given by mistake is refused, not waited on.
    if is_file_name(args.protocol):
        regular_file(Path(args.protocol), "protocol file", args.protocol)
    if args.intake:
        regular_file(Path(args.intake), "intake file", args.intake)


def _cmd_sheets(args: argparse.Namespace) -> int:
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


def _add_sheet(commands: argparse._SubParsersAction) -> None:
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
    sheet.add_argument(
        "--client",
        metavar="CODE",
        help="the client code (default: the intake's); a client in the client record gets "
        "the day's stored screening (without --intake) and the last visit's settings",
    )
    sheet.add_argument(
        "--db",
        metavar="URL_OR_PATH",
        help="the client record (default: $PROTOCOL_TOOLS_DB, else "
        "~/microcurrent-records/records.db); the sheet is noted there",
    )
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


def _add_sheets(commands: argparse._SubParsersAction) -> None:
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

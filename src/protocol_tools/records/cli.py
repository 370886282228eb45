"""The ``clients`` and ``visits`` commands: the client record from the command line.

$ protocol-tools clients                              # code, visits, last visit, next due
$ protocol-tools clients show C-0042                  # the whole record, newest visit first
$ protocol-tools clients export C-0042 -o C-0042.json # everything held on one client
$ protocol-tools clients forget C-0042 --yes          # erase every trace of them
$ protocol-tools visits import logs/*.csv             # session logs saved before the record

``--db`` names the record (default ``$PROTOCOL_TOOLS_DB`` or
``~/microcurrent-records/records.db``); ``--format json`` prints plain data for scripts.
A client's display name is printed only with ``--show-name``. Exit status: 0 done,
1 a record, client or file could not be used (or ``forget`` without ``--yes``),
2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ProtocolToolsError, RecordError

if TYPE_CHECKING:
    from .store import RecordStore

__all__ = ["register"]

_EXIT_OK, _EXIT_FAILED = 0, 1


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def existing_record(args: argparse.Namespace) -> RecordStore:
    """The record named by ``--db``; RecordError if there is none yet (a command that
    reads must not create an empty record where ``--db`` pointed by mistake). The
    series commands read the record through this too."""
    from .lookup import open_record, record_name

    store = open_record(args.db, create=False)
    if store is None:
        raise RecordError(
            f"there is no client record at {record_name(args.db)} yet; check --db or "
            "PROTOCOL_TOOLS_DB (a record is made when a plan, screening or session is "
            "first stored)"
        )
    return store


def client_code_arg(args: argparse.Namespace) -> str:
    """The client code asked for; a name typed by mistake is refused, never echoed whole."""
    from ..core.privacy import check_client_code

    return check_client_code(args.code, RecordError, "client code")


# -- clients -----------------------------------------------------------------------


def _cmd_clients(args: argparse.Namespace) -> int:
    from .history import client_list
    from .lookup import open_record, record_name
    from .report import clients_text

    store = open_record(args.db, create=False)
    if store is None:  # nothing recorded yet: an empty list, saying where we looked
        if args.format == "json":
            _print_json([])
        else:
            print(f"No clients in the record yet (no record at {record_name(args.db)}).")
        return _EXIT_OK
    try:
        rows = client_list(store)
        names = _names(store, rows) if args.show_name else None
    finally:
        store.close()
    if args.format == "json":
        if names is not None:
            rows = [{**row, "display_name": names.get(row["client"])} for row in rows]
        _print_json(rows)
    else:
        print(clients_text(rows, names))
    return _EXIT_OK


def _names(store: RecordStore, rows: list[dict[str, Any]]) -> dict[str, str]:
    names = {}
    for row in rows:
        found = store.find_client(row["client"])
        if found is not None and found.display_name:
            names[row["client"]] = found.display_name
    return names


def _cmd_show(args: argparse.Namespace) -> int:
    from .history import client_record
    from .report import record_text

    code = client_code_arg(args)
    store = existing_record(args)
    try:
        record = client_record(store, code)
    finally:
        store.close()
    if not args.show_name:
        record.pop("display_name", None)
    if args.format == "json":
        _print_json(record)
    else:
        print(record_text(record, show_name=args.show_name))
    return _EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from .history import export_record

    output = Path(args.output)
    if output.is_dir():
        raise RecordError(
            f"{output} is a folder; give the export's file name, e.g. {output / 'client.json'}"
        )
    code = client_code_arg(args)
    store = existing_record(args)
    try:
        record = export_record(store, code)
    finally:
        store.close()
    data = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_client_file(output, data, force=args.force)
    visits = len(record["visits"])
    print(f"wrote {output}: everything held on {record['client']} ({_visits(visits)})")
    return _EXIT_OK


def write_client_file(output: Path, data: bytes, *, force: bool) -> None:
    """Write a file of client data at the path the user chose, for the owner alone:
    never over another file unless ``force``; a note when it lands in the project."""
    from ..core.atomic import atomic_write_bytes, create_new_bytes
    from ..core.paths import inside_repository

    if force:
        atomic_write_bytes(output, data, private=True)
    else:
        try:
            create_new_bytes(output, data, private=True)
        except FileExistsError:
            raise RecordError(
                f"{output} already exists; choose another name, or add --force to replace it"
            ) from None
    if inside_repository(output.parent.resolve()):
        print(
            f"note: {output} is inside the project folder; it holds client data, so move "
            "it out and never commit it",
            file=sys.stderr,
        )


def _visits(count: int) -> str:
    return f"{count} visit{'s' if count != 1 else ''}"


def _cmd_forget(args: argparse.Namespace) -> int:
    from .erasure import forget_client
    from .history import client_record

    code = client_code_arg(args)
    store = existing_record(args)
    try:
        if not args.yes:
            visits = len(client_record(store, code)["visits"])
            print(
                f"error: this would erase client {code} and every trace of them: "
                f"{_visits(visits)}, with their screenings, sessions and sheets. Nothing was "
                f"erased. To erase, run: protocol-tools clients forget {code} --yes",
                file=sys.stderr,
            )
            return _EXIT_FAILED
        erased = forget_client(store, code)
    finally:
        store.close()
    if args.format == "json":
        _print_json({"client": code, "erased": True, "visits": erased})
    else:
        print(f"erased client {code}: {_visits(erased)} and every other trace of them")
    return _EXIT_OK


# -- visits --------------------------------------------------------------------------


def _cmd_import(args: argparse.Namespace) -> int:
    from ..protocols.loading import load_library
    from .lookup import open_record
    from .sessions import import_log

    library = load_library(args.library)
    store = open_record(args.db)
    assert store is not None  # created when missing
    results = []
    try:
        for name in args.logs:
            try:
                visit = import_log(store, name, library.protocols)
            except ProtocolToolsError as error:
                message = str(error)
                if not message.startswith(f"{name}:"):
                    message = f"{name}: {message}"
                results.append({"file": name, "result": "error", "message": message})
                continue
            done = "imported" if visit is not None else "already imported"
            results.append({"file": name, "result": done, "message": None})
    finally:
        store.close()
    counts = {
        key: sum(r["result"] == result for r in results) for key, result in _IMPORT_COUNTS.items()
    }
    if args.format == "json":
        _print_json({"files": results, **counts})
    else:
        _print_import(results, counts)
    return _EXIT_FAILED if counts["failed"] else _EXIT_OK


# The JSON output's counts, and the result each one counts.
_IMPORT_COUNTS = {"imported": "imported", "already_imported": "already imported", "failed": "error"}


def _print_import(results: list[dict[str, Any]], counts: dict[str, int]) -> None:
    for result in results:
        if result["result"] == "error":
            print(f"error: {result['message']}", file=sys.stderr)
        elif result["result"] == "imported":
            print(f"{result['file']}: imported")
        else:
            print(f"{result['file']}: already imported (nothing changed)")
    print(
        f"{counts['imported']} imported, {counts['already_imported']} already imported, "
        f"{counts['failed']} failed"
    )


# -- registering ---------------------------------------------------------------------


def _record_options(parser: argparse.ArgumentParser, *, nested: bool, json_too: bool) -> None:
    # On an action (clients show…) the options default to "not given", so the same
    # option given before the action (clients --db X show C-0042) is kept.
    parser.add_argument(
        "--db",
        metavar="URL_OR_PATH",
        default=argparse.SUPPRESS if nested else None,
        help="the client record: a file or a database URL "
        "(default: $PROTOCOL_TOOLS_DB, else ~/microcurrent-records/records.db)",
    )
    if json_too:
        parser.add_argument(
            "--format",
            choices=("text", "json"),
            default=argparse.SUPPRESS if nested else "text",
            help="text for people (the default) or json for scripts",
        )


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``clients`` (with ``show``, ``export``, ``forget``) and ``visits import``."""
    _add_clients(commands)
    visits = commands.add_parser("visits", help="the client record's visits")
    actions = visits.add_subparsers(dest="action", metavar="ACTION", required=True)
    importing = actions.add_parser(
        "import",
        help="import session logs (CSV) saved before the record existed",
        description="Each file is imported once: a file imported before is left alone. "
        "Exit status 1 if any file failed (the others are imported).",
    )
    importing.add_argument("logs", nargs="+", metavar="LOG.csv", help="session log files")
    importing.add_argument(
        "--library", metavar="DIR", help="the protocol folder (default: protocols/)"
    )
    _record_options(importing, nested=False, json_too=True)
    importing.set_defaults(handler=_cmd_import)


def _add_clients(commands: argparse._SubParsersAction) -> None:
    clients = commands.add_parser(
        "clients",
        help="the client record: list clients, show, export or forget one",
        description="Without an action: every client with their visits, the last one and "
        "when the next is due.",
    )
    _record_options(clients, nested=False, json_too=True)
    name_help = "print the client's display name too (off unless asked)"
    clients.add_argument("--show-name", action="store_true", help=name_help)
    clients.set_defaults(handler=_cmd_clients)
    actions = clients.add_subparsers(dest="action", metavar="ACTION")

    show = actions.add_parser("show", help="one client's whole record, newest visit first")
    show.add_argument("code", metavar="CODE", help="the client code, e.g. C-0042")
    _record_options(show, nested=True, json_too=True)
    show.add_argument("--show-name", action="store_true", default=argparse.SUPPRESS, help=name_help)
    show.set_defaults(handler=_cmd_show)

    export = actions.add_parser("export", help="everything held on one client, as one JSON file")
    export.add_argument("code", metavar="CODE", help="the client code, e.g. C-0042")
    export.add_argument("-o", "--output", required=True, metavar="FILE.json")
    export.add_argument(
        "--force", action="store_true", help="replace FILE.json if it exists (refused otherwise)"
    )
    _record_options(export, nested=True, json_too=False)
    export.set_defaults(handler=_cmd_export)

    forget = actions.add_parser(
        "forget", help="erase every trace of one client (asks for --yes first)"
    )
    forget.add_argument("code", metavar="CODE", help="the client code, e.g. C-0042")
    forget.add_argument(
        "--yes", action="store_true", help="confirm: erase the client and all their visits"
    )
    _record_options(forget, nested=True, json_too=True)
    forget.set_defaults(handler=_cmd_forget)

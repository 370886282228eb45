"""``protocol-tools screen INTAKE [--format json] [--record]``: screen a client's intake
file; with ``--record``, store the day's screening with the client in the client record."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .engine import ScreeningResult, screen

__all__ = ["register"]


def _cmd_screen(args: argparse.Namespace) -> int:
    if args.db is not None and not args.record:
        print("error: --db names the record --record stores in; add --record", file=sys.stderr)
        return 2
    result = screen(Path(args.intake))
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(result.to_text() + "\n")
    if args.record:
        stored = _record(result, Path(args.intake), args.db)
        # After the JSON, on stderr: the output stays one JSON document for scripts.
        print(stored, file=sys.stderr if args.format == "json" else sys.stdout)
    return 0


def _record(result: ScreeningResult, intake: Path, location: str | None) -> str:
    """Store the screening (and the answers) with the client; say so in words."""
    from ..records.lookup import open_record
    from .rules import practice_clients

    # A shipped practice client is synthetic: stored as practice, never as a client visit.
    practice = intake.resolve() in {path.resolve() for path in practice_clients().values()}
    store = open_record(location)
    assert store is not None  # made when missing
    try:
        answers = result.intake.to_dict() if result.intake is not None else None
        store.record_screening(result.client, result.to_dict(), intake=answers, practice=practice)
    finally:
        store.close()
    mark = " as practice (not a client visit)" if practice else ""
    day = result.date.isoformat()
    return f"stored {result.client}'s screening of {day} in the client record{mark}"


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``protocol-tools screen INTAKE [--format json] [--record [--db URL_OR_PATH]]``."""
    command = commands.add_parser(
        "screen",
        help="screen a client's intake: may the client be treated today, and how?",
        description="Exit status: 0 screened (whatever the outcome), 1 the intake is "
        "incomplete or wrong (or the screening could not be stored), 2 wrong usage.",
    )
    command.add_argument("intake", metavar="INTAKE", help="an intake YAML file")
    command.add_argument("--format", choices=("text", "json"), default="text")
    command.add_argument(
        "--record",
        action="store_true",
        help="store the screening and the answers with the client in the client record",
    )
    command.add_argument(
        "--db",
        metavar="URL_OR_PATH",
        help="the client record for --record: a file or a database URL "
        "(default: $PROTOCOL_TOOLS_DB, else ~/microcurrent-records/records.db)",
    )
    command.set_defaults(handler=_cmd_screen)

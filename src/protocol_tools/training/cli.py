"""The ``trainees`` command: the class at a glance from a terminal (issue 13).

$ protocol-tools trainees                          # one block a trainee, in words
$ protocol-tools trainees --format json            # the class table's rows, for scripts
$ protocol-tools trainees --format csv -o class.csv  # the class table for a spreadsheet

``--db`` names the record as for ``clients``. The CSV goes through the one CSV writer
(no cell can start a formula); ``-o`` never replaces a file unless ``--force``, and the
file is readable by its owner alone. Exit status: 0 done, 1 the record or the file
could not be used, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ExportError

if TYPE_CHECKING:
    from .dashboard import TraineeSummary

__all__ = ["class_report", "register"]

_EXIT_OK, _EXIT_USAGE = 0, 2


def _percent(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def class_report(summaries: list[TraineeSummary]) -> str:
    """The class in words for a terminal: one block a trainee, then the whole class.

    >>> from protocol_tools.records.training import TraineeWork
    >>> from protocol_tools.training.dashboard import class_summary
    >>> print(class_report(class_summary([TraineeWork("ana.k")])).splitlines()[1])
      quiz: 0 attempts, best —, last — · screening: 0 cases, — right · rehearsals finished: 0
    """
    from .class_text import class_sentence, progress_sentence

    lines = []
    for item in summaries:
        ready, progress = item.readiness, item.progress
        if progress.signed_off:
            state = "signed off"
        elif ready.ready:
            state = "ready for assessment"
        else:
            state = "still to " + "; ".join(ready.missing)
        accuracy = (
            None if ready.screening_accuracy is None else round(100 * ready.screening_accuracy)
        )
        attempts = f"{item.attempts} attempt{'' if item.attempts == 1 else 's'}"
        cases = f"{ready.screening_cases} case{'' if ready.screening_cases == 1 else 's'}"
        lines += [
            f"{item.code} — {state} · {progress_sentence(progress)}",
            f"  quiz: {attempts}, best {_percent(item.best_percent)}, last "
            f"{_percent(item.last_percent)} · screening: {cases}, {_percent(accuracy)} right "
            f"· rehearsals finished: {ready.rehearsals}",
        ]
    lines.append(class_sentence(summaries))
    return "\n".join(lines)


def _write(output: Path, data: bytes, *, force: bool) -> None:
    """The file the user named, for the owner alone; never over another unless ``force``."""
    from ..core.atomic import atomic_write_bytes, create_new_bytes

    if force:
        atomic_write_bytes(output, data, private=True)
        return
    try:
        create_new_bytes(output, data, private=True)
    except FileExistsError:
        raise ExportError(
            f"{output} already exists; choose another name, or add --force to replace it"
        ) from None


def _cmd_trainees(args: argparse.Namespace) -> int:
    from ..records.lookup import open_record, record_name
    from ..records.training import class_work
    from .dashboard import class_csv, class_rows, class_summary

    if args.output is not None and args.format != "csv":
        print("error: -o/--output writes the CSV; add --format csv", file=sys.stderr)
        return _EXIT_USAGE
    store = open_record(args.db, create=False)
    if store is None:  # nothing recorded yet: an empty class, saying where we looked
        summaries: list[Any] = []
        where = f" (no record at {record_name(args.db)})"
    else:
        try:
            summaries = class_summary(class_work(store))
        finally:
            store.close()
        where = ""
    if args.format == "json":
        print(json.dumps(class_rows(summaries), indent=2, ensure_ascii=False))
    elif args.format == "csv":
        text = class_csv(summaries)
        if args.output is None:
            sys.stdout.write(text)
        else:
            _write(args.output, text.encode("utf-8"), force=args.force)
            print(f"wrote {args.output}: the class table, {len(summaries)} trainees")
    elif not summaries:
        print(f"No trainees in the record yet{where}.")
    else:
        print(class_report(summaries))
    return _EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``trainees``."""
    trainees = commands.add_parser(
        "trainees",
        help="the class: each trainee's quiz, practice, observed treatments and milestones",
        description="Every trainee in the record: quiz scores, screening practice, "
        "rehearsals, observed treatments, ready for assessment, signed off.",
    )
    trainees.add_argument(
        "--db",
        metavar="URL_OR_PATH",
        help="the record: a file or a database URL "
        "(default: $PROTOCOL_TOOLS_DB, else ~/microcurrent-records/records.db)",
    )
    trainees.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="text for people (the default), json for scripts, csv for a spreadsheet",
    )
    trainees.add_argument(
        "-o", "--output", type=Path, metavar="FILE.csv", help="write the CSV to this file"
    )
    trainees.add_argument("--force", action="store_true", help="replace the -o file if it exists")
    trainees.set_defaults(handler=_cmd_trainees)

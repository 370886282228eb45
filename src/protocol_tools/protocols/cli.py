"""The core commands: ``validate``, ``show``, ``new`` and ``schema``.

Exit status: 0 all good (warnings are printed), 1 errors found (or warnings with
``--strict``) or a file could not be used, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..core.text import minutes

__all__ = ["CORE_COMMANDS", "EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "HelpFormatter", "register"]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


# -- validate ------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace) -> int:
    from .checks import check_files
    from .reading import protocol_files

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder", file=sys.stderr)
        return EXIT_FINDINGS
    if not protocol_files(args.paths):
        print("no protocol files (*.yaml) found in " + ", ".join(args.paths), file=sys.stderr)
        return EXIT_FINDINGS
    results = check_files(args.paths)
    everything = [finding for findings in results.values() for finding in findings]
    counts = _counts(everything)
    failed = counts["error"] > 0 or (args.strict and counts["warning"] > 0)
    if args.format == "json":
        payload = {
            "files": {path: [f.to_dict() for f in findings] for path, findings in results.items()},
            "errors": counts["error"],
            "warnings": counts["warning"],
            "valid": not failed,
        }
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for finding in everything:
            print(finding)
        files = len(results)
        print(
            f"{files} file{'s' if files != 1 else ''} checked: "
            f"{counts['error']} error{'s' if counts['error'] != 1 else ''}, "
            f"{counts['warning']} warning{'s' if counts['warning'] != 1 else ''}"
        )
    return EXIT_FINDINGS if failed else EXIT_OK


def _counts(findings: list) -> dict[str, int]:
    """core.findings.summarize, whose module (the Finding dataclass) a clean run never
    needs: with no finding, its count is known (tests/test_cli.py holds the two alike)."""
    if not findings:
        return {"error": 0, "warning": 0}
    from ..core.findings import summarize

    return summarize(findings)


# -- show ----------------------------------------------------------------------

MAX_CELL = 46


def _table(header: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    """A plain-text table: text left-aligned, numbers and times right-aligned."""
    cells = [[c if len(c) <= MAX_CELL else c[: MAX_CELL - 1] + "…" for c in r] for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *cells, strict=False)]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if i in numeric else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, cells)])


def _cmd_show(args: argparse.Namespace) -> int:
    from .loading import resolve_protocol

    protocol = resolve_protocol(args.protocol, args.library)
    if args.format == "csv":
        from ..core.spreadsheet import frame_csv_text

        sys.stdout.write(frame_csv_text(protocol.to_frame(), index=True))
        return EXIT_OK
    if args.format == "json":
        frame = protocol.to_frame().reset_index()
        print(frame.to_json(orient="records", indent=2, force_ascii=False))
        return EXIT_OK
    rows = [
        [
            str(entry.step),
            entry.zone or (entry.action or entry.kind),
            entry.side or "",
            entry.technique or "",
            minutes(entry.start_s),
            minutes(entry.end_s),
        ]
        for entry in protocol.timeline()
    ]
    print(f"{protocol.name} ({protocol.id} {protocol.version}, {protocol.setting})")
    print(protocol.summary)
    print()
    print(_table(["step", "zone", "side", "technique", "start", "end"], rows, numeric={0, 4, 5}))
    print()
    print("Device time per zone (m:ss):")
    per_zone: dict[str, dict[str, float]] = {}
    for (zone, side), seconds in protocol.zone_seconds().items():
        per_zone.setdefault(zone, {})[side] = seconds
    for zone, sides in per_zone.items():
        parts = ", ".join(f"{side} {minutes(s)}" for side, s in sides.items())
        print(f"  {zone:<18} {minutes(sum(sides.values())):>6}  ({parts})")
    print(
        f"Total device time: {minutes(protocol.device_seconds)}"
        f"   Whole session: {minutes(protocol.total_seconds)}"
    )
    return EXIT_OK


# -- new -----------------------------------------------------------------------


def _cmd_new(args: argparse.Namespace) -> int:
    import re

    from .folder import starting_protocol_text
    from .loading import default_library_dir
    from .model import SLUG_PATTERN

    if not re.fullmatch(SLUG_PATTERN, args.id) or len(args.id) > 64:
        print(
            f"{args.id!r} is not a valid id: use lower-case letters, digits and hyphens, "
            "like my-lift-15",
            file=sys.stderr,
        )
        return EXIT_USAGE
    target = Path(args.output) if args.output else default_library_dir() / f"{args.id}.yaml"
    text = starting_protocol_text(args.id, args.name or args.id.replace("-", " ").capitalize())
    if args.force:
        from ..core.atomic import atomic_write_text

        atomic_write_text(target, text)
    elif not _create_new_protocol(target, args.id, text):
        print(f"{target} already exists; choose another id or pass --force", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"wrote {target}; edit it, then run: protocol-tools validate {target}")
    return EXIT_OK


def _create_new_protocol(target: Path, protocol_id: str, text: str) -> bool:
    """Create ``target`` unless it, or another file holding the id, exists (False then).

    Under the folder's save lock, as the designer saves: a protocol saved meanwhile
    is seen, and ``create_new_bytes`` never replaces a file that appeared anyway.
    """
    from ..core.atomic import create_new_bytes, file_lock
    from .folder import SAVE_LOCK_NAME, check_id_is_free

    folder = target.parent
    with file_lock(folder / SAVE_LOCK_NAME):
        if target.exists():
            return False
        check_id_is_free(protocol_id, folder)
        try:
            create_new_bytes(target, text.encode("utf-8"))
        except FileExistsError:
            return False
    return True


# -- schema --------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace) -> int:
    from .model import protocol_json_schema

    text = json.dumps(protocol_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if not args.output:
        sys.stdout.write(text)
        return EXIT_OK
    from ..core.atomic import atomic_write_text, create_new_bytes

    if args.force:
        atomic_write_text(args.output, text)
    else:
        # -o protocols/express-10.yaml must not silently replace a protocol.
        try:
            create_new_bytes(args.output, text.encode("utf-8"))
        except FileExistsError:
            print(f"{args.output} already exists; pass --force to replace it", file=sys.stderr)
            return EXIT_FINDINGS
    print(f"wrote {args.output}")
    return EXIT_OK


# -- registering -------------------------------------------------------------------

# Commands registered here: ``protocol-tools validate`` and the others start
# without importing a feature module.
CORE_COMMANDS = ("validate", "show", "new", "schema")


class HelpFormatter(argparse.HelpFormatter):
    """argparse's own layout, measuring the terminal as ``shutil`` would, without
    importing it (argparse imports shutil for this alone, a tenth of a command's start)."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def register(commands: argparse._SubParsersAction, only: str | None = None) -> None:
    """Add ``validate``, ``show``, ``new`` and ``schema`` (or just the command ``only``,
    when that is the one to run: each parser made costs a command's start)."""
    for name, add in _PARSERS.items():
        if only is None or only == name:
            add(commands)


def _add_validate(commands: argparse._SubParsersAction) -> None:
    validate = commands.add_parser(
        "validate",
        help="check protocol files or folders and say what is wrong, and where",
        formatter_class=HelpFormatter,
    )
    validate.add_argument("paths", nargs="+", metavar="PATH", help="protocol files or folders")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(handler=_cmd_validate)


def _add_show(commands: argparse._SubParsersAction) -> None:
    show = commands.add_parser(
        "show", help="print a protocol's timeline and time per zone", formatter_class=HelpFormatter
    )
    show.add_argument("protocol", metavar="PROTOCOL", help="an id from the library or a file")
    show.add_argument("--library", metavar="DIR", help="the protocol folder (default: protocols/)")
    show.add_argument("--format", choices=("text", "csv", "json"), default="text")
    show.set_defaults(handler=_cmd_show)


def _add_new(commands: argparse._SubParsersAction) -> None:
    new = commands.add_parser(
        "new", help="write a valid starting protocol to edit", formatter_class=HelpFormatter
    )
    new.add_argument("id", metavar="ID", help="lower-case slug, e.g. my-lift-15")
    new.add_argument("--name", help="the protocol's display name")
    new.add_argument(
        "-o", "--output", metavar="FILE", help="where to write (default: protocols/ID.yaml)"
    )
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(handler=_cmd_new)


def _add_schema(commands: argparse._SubParsersAction) -> None:
    schema = commands.add_parser(
        "schema", help="print the protocol file's JSON Schema", formatter_class=HelpFormatter
    )
    schema.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead")
    schema.add_argument("--force", action="store_true", help="replace FILE if it exists")
    schema.set_defaults(handler=_cmd_schema)


_PARSERS = {"validate": _add_validate, "show": _add_show, "new": _add_new, "schema": _add_schema}

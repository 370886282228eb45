"""``protocol-tools screen INTAKE [--format json]``: screen a client's intake file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .engine import screen

__all__ = ["register"]


def _cmd_screen(args: argparse.Namespace) -> int:
    result = screen(Path(args.intake))
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(result.to_text() + "\n")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``protocol-tools screen INTAKE [--format json]``."""
    command = commands.add_parser(
        "screen",
        help="screen a client's intake: may the client be treated today, and how?",
        description="Exit status: 0 screened (whatever the outcome), 1 the intake is "
        "incomplete or wrong, 2 wrong usage.",
    )
    command.add_argument("intake", metavar="INTAKE", help="an intake YAML file")
    command.add_argument("--format", choices=("text", "json"), default="text")
    command.set_defaults(handler=_cmd_screen)

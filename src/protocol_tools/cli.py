"""The ``protocol-tools`` command line: the parser; each feature adds its commands.

Exit status: 0 all good (warnings are printed), 1 errors found (or warnings with
``--strict``) or a file could not be used, 2 wrong usage.

    $ protocol-tools validate protocols/
    $ protocol-tools show signature-lift-15
    $ protocol-tools new my-lift
    $ protocol-tools schema
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .core.errors import ProtocolToolsError
from .protocols.cli import CORE_COMMANDS, EXIT_FINDINGS, EXIT_OK, HelpFormatter
from .protocols.cli import register as register_core

__all__ = ["main"]

Command = Callable[[argparse.Namespace], int]

# Modules that define sub-commands next to the feature they expose; each has a
# ``register(commands)`` function taking the sub-parsers object.
_FEATURE_MODULES: tuple[str, ...] = (
    # screening (issue 3)
    "screening.cli",
    # session sheets (issue 5)
    "sheets.cli",
    # designer (issue 6)
    "designer.cli",
    # the client record (issue 11)
    "records.cli",
    # plans, adherence, the front desk and costs (issue 12)
    "series.cli",
    # training a class: the trainees (issue 13)
    "training.cli",
)


def build_parser(
    *, with_features: bool = True, only: str | None = None
) -> argparse.ArgumentParser:
    """The argument parser; ``with_features=False`` leaves out the feature modules'
    sub-commands, so the core commands start without importing them, and ``only``
    (a core command) leaves out the other core commands too: the one to run is all
    a parse needs, and each parser made costs a command's start."""
    from ._version import __version__

    parser = argparse.ArgumentParser(
        prog="protocol-tools",
        description="Design, check, run and print microcurrent-facial protocols.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    register_core(commands, only)
    if with_features and only is None:
        for register in _extra_commands():
            register(commands)
    return parser


def _extra_commands() -> list[Callable[[argparse._SubParsersAction], None]]:
    from importlib import import_module

    return [import_module(f"protocol_tools.{name}").register for name in _FEATURE_MODULES]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # A core command (validate…) needs none of the feature modules, nor the other
    # core commands' parsers: skip their imports and their making.
    first = next((word for word in argv if not word.startswith("-")), None)
    only = first if first in CORE_COMMANDS and argv[0] == first else None  # not `--help validate`
    parser = build_parser(with_features=first not in CORE_COMMANDS, only=only)
    args = parser.parse_args(argv)
    handler: Command = args.handler
    try:
        return handler(args)
    except ProtocolToolsError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FINDINGS
    except BrokenPipeError:  # e.g. piped into `head`
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

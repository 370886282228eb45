"""The designer's command: ``protocol-tools diff OLD NEW``."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def _cmd_diff(args: argparse.Namespace) -> int:
    from .compare import compare_protocols

    comparison = compare_protocols(args.old, args.new, args.library)
    print("\n".join(comparison.lines()))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``protocol-tools diff OLD NEW``."""
    diff = commands.add_parser(
        "diff", help="compare two protocols: steps added, removed, changed, and time per zone"
    )
    diff.add_argument("old", metavar="OLD", help="an id from the library or a file")
    diff.add_argument("new", metavar="NEW", help="an id from the library or a file")
    diff.add_argument("--library", metavar="DIR", help="the protocol folder (default: protocols/)")
    diff.set_defaults(handler=_cmd_diff)

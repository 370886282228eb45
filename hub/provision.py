"""The class's database roles from the command line, for a hub that runs in another
Python environment than the workbook (the Zero to JupyterHub image: hub/z2jh/).

    python hub/provision.py prepare               # at hub start
    python hub/provision.py member NAME trainee   # before NAME's server starts
    python hub/provision.py member NAME trainer

The admin URL comes from ``PROTOCOL_TOOLS_HUB_DB`` (or the file named by
``PROTOCOL_TOOLS_HUB_DB_FILE``), never from the command line, where other users of the
machine could read it. ``member`` prints the URL the member's server opens the record
with (its fresh password included) on standard output and nothing else; errors go to
standard error as one line, without any password, and exit 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ADMIN_ENV = "PROTOCOL_TOOLS_HUB_DB"


def admin_url() -> str:
    value = os.environ.get(ADMIN_ENV, "").strip()
    path = os.environ.get(f"{ADMIN_ENV}_FILE", "").strip()
    if not value and path:
        value = Path(path).read_text(encoding="utf-8").strip()
    if not value:
        raise SystemExit(f"{ADMIN_ENV} (or {ADMIN_ENV}_FILE) must name the class record")
    return value


def main(arguments: list[str]) -> int:
    from protocol_tools.core.errors import RecordError
    from protocol_tools.records.classroom import prepare_class_database, provision_member

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare", help="make the record ready for a class")
    member = commands.add_parser("member", help="a member's role; prints their URL")
    member.add_argument("name", help="the hub user name")
    member.add_argument("role", choices=["trainee", "trainer"])
    args = parser.parse_args(arguments)
    try:
        if args.command == "prepare":
            prepare_class_database(admin_url())
        else:
            print(provision_member(admin_url(), args.name, args.role))
    except RecordError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

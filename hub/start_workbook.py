"""Start one member's workbook server on a hub: JupyterHub runs this as the member.

It copies the workbook's notebooks and protocol library into ``~/workbook`` (the
server's folder), then becomes ``jupyterhub-singleuser`` with the arguments the hub
gave. The first start copies everything; a later start adds what is new in the
workbook (a notebook added in an update) and never replaces a member's own file, so
edits and saved protocols survive restarts and updates.

``PROTOCOL_TOOLS_HUB_WORKBOOK_SOURCE`` names the folder holding ``notebooks/`` and
``protocols/`` (default: this checkout); ``PROTOCOL_TOOLS_HUB_WORKBOOK`` the member's
copy (default ``~/workbook``). The same script starts the servers of the one-server
hub (hub/jupyterhub_config.py) and of the Kubernetes image (hub/z2jh/Dockerfile).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SOURCE_ENV = "PROTOCOL_TOOLS_HUB_WORKBOOK_SOURCE"
TARGET_ENV = "PROTOCOL_TOOLS_HUB_WORKBOOK"
# What a member gets: the pages, and a library of their own to save protocols in.
COPIED = ("notebooks", "protocols")


def copy_new_files(source: Path, target: Path) -> list[Path]:
    """Copy every file under ``source`` that ``target`` lacks (hidden files and
    checkpoints left out); the files copied, as paths under ``target``."""
    copied = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_dir() or any(part.startswith(".") for part in relative.parts):
            continue
        destination = target / relative
        if destination.exists() or destination.is_symlink():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        copied.append(destination)
    return copied


def copy_workbook(source: Path, target: Path) -> list[Path]:
    """The member's workbook at ``target``: the notebooks at its top, the protocol
    library in ``protocols/``; files they already have are left alone."""
    copied = copy_new_files(source / "notebooks", target)
    copied += copy_new_files(source / "protocols", target / "protocols")
    return copied


def main(arguments: list[str]) -> None:
    source = Path(os.environ.get(SOURCE_ENV) or Path(__file__).resolve().parents[1])
    target = Path(os.environ.get(TARGET_ENV) or Path.home() / "workbook").expanduser()
    copy_workbook(source, target)
    # Designer saves go to the member's own library, never the shared one.
    os.environ["PROTOCOL_TOOLS_LIBRARY"] = str(target / "protocols")
    os.chdir(target)
    beside = Path(sys.executable).with_name("jupyterhub-singleuser")
    command = str(beside) if beside.exists() else "jupyterhub-singleuser"
    os.execvp(command, [command, *arguments])  # noqa: S606 (the server this script starts)


if __name__ == "__main__":
    main(sys.argv[1:])

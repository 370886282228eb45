"""Every folder the package reads or writes, and the environment variable that moves it.

One place, so a reader can see at a glance where data comes from and where files
about clients go (never inside the project, so they cannot be committed):

=========================  ===========================  ===========================
variable                   what                         default
=========================  ===========================  ===========================
``PROTOCOL_TOOLS_DATA``    reference data (zones…)      ``data/`` shipped or checkout
``PROTOCOL_TOOLS_LIBRARY`` protocol library             ``./protocols`` or checkout's
``PROTOCOL_TOOLS_SESSIONS`` session logs                ``~/microcurrent-sessions``
``PROTOCOL_TOOLS_SHEETS``  sheets the sheet maker saves ``~/microcurrent-sheets``
``PROTOCOL_TOOLS_DB``      the client record (a file     ``~/microcurrent-records/
                           path or database URL)         records.db``
``PROTOCOL_TOOLS_CACHE``   what can always be made      ``$XDG_CACHE_HOME`` or
                           again (checked reference     ``~/.cache``, then
                           data)                        ``protocol-tools``
=========================  ===========================  ===========================

    >>> import os
    >>> os.environ.get(DATA_ENV) or data_dir().name
    'data'
    >>> private_dir("PROTOCOL_TOOLS_NOT_SET_ANYWHERE", "somewhere").name
    'somewhere'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "CACHE_ENV",
    "DATA_ENV",
    "DB_ENV",
    "HUB_USER_ENV",
    "LIBRARY_ENV",
    "PACKAGE_DIR",
    "RECORDS_DEFAULT",
    "SESSIONS_DEFAULT",
    "SESSIONS_ENV",
    "SHEETS_DEFAULT",
    "SHEETS_ENV",
    "cache_dir",
    "data_dir",
    "hub_user",
    "inside_repository",
    "private_dir",
    "records_location",
    "repo_root",
    "sessions_dir",
    "sheets_dir",
]

# The installed package folder (src/protocol_tools in a checkout).
PACKAGE_DIR = Path(__file__).resolve().parents[1]

DATA_ENV = "PROTOCOL_TOOLS_DATA"
LIBRARY_ENV = "PROTOCOL_TOOLS_LIBRARY"
SESSIONS_ENV = "PROTOCOL_TOOLS_SESSIONS"
SHEETS_ENV = "PROTOCOL_TOOLS_SHEETS"
DB_ENV = "PROTOCOL_TOOLS_DB"
CACHE_ENV = "PROTOCOL_TOOLS_CACHE"
# Set by JupyterHub in each user's server: on a hub, the user name is the trainee code.
HUB_USER_ENV = "JUPYTERHUB_USER"
SESSIONS_DEFAULT = "microcurrent-sessions"
RECORDS_DEFAULT = "microcurrent-records"
SHEETS_DEFAULT = "microcurrent-sheets"


def data_dir() -> Path:
    """The folder holding the reference data.

    ``$PROTOCOL_TOOLS_DATA`` if set; else the copy shipped inside an installed
    wheel; else ``data/`` of the source checkout.
    """
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    shipped = PACKAGE_DIR / "data"
    if shipped.is_dir():
        return shipped
    return PACKAGE_DIR.parents[1] / "data"


def cache_dir() -> Path | None:
    """Where the package keeps what it can always make again: ``$PROTOCOL_TOOLS_CACHE``,
    else ``protocol-tools`` in ``$XDG_CACHE_HOME`` or ``~/.cache``; None without a home."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "protocol-tools"
    try:
        return Path.home() / ".cache" / "protocol-tools"
    except RuntimeError:  # no home folder to be found
        return None


def repo_root() -> Path | None:
    """The source checkout this package runs from, if it runs from one."""
    root = PACKAGE_DIR.parents[1]
    return root if (root / "pyproject.toml").is_file() else None


def private_dir(env: str, default_name: str) -> Path:
    """Where files about clients go: ``$env`` if set, else ``~/default_name``.

    Never inside the project, so client data cannot be committed by accident.
    """
    override = os.environ.get(env)
    return Path(override).expanduser() if override else Path.home() / default_name


def inside_repository(folder: Path) -> bool:
    """Whether ``folder`` lies inside the source checkout this package runs from."""
    root = repo_root()
    return root is not None and folder.resolve().is_relative_to(root.resolve())


def sessions_dir() -> Path:
    """Where session logs go: ``$PROTOCOL_TOOLS_SESSIONS`` or ``~/microcurrent-sessions``."""
    return private_dir(SESSIONS_ENV, SESSIONS_DEFAULT)


def sheets_dir() -> Path:
    """Where the sheet maker saves: ``$PROTOCOL_TOOLS_SHEETS`` or ``~/microcurrent-sheets``."""
    return private_dir(SHEETS_ENV, SHEETS_DEFAULT)


def records_location() -> str:
    """The client record: ``$PROTOCOL_TOOLS_DB`` (a database URL such as
    ``postgresql+psycopg://…``, or a file path) or ``~/microcurrent-records/records.db``."""
    override = os.environ.get(DB_ENV, "").strip()
    if override:
        return override
    return str(Path.home() / RECORDS_DEFAULT / "records.db")


def hub_user() -> str | None:
    """The JupyterHub user this server runs for (``$JUPYTERHUB_USER``), or None off a hub."""
    return os.environ.get(HUB_USER_ENV, "").strip() or None

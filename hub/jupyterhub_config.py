"""JupyterHub for a class on one server: ``jupyterhub -f hub/jupyterhub_config.py``.

Every trainee and trainer gets a workbook server of their own (``jupyterhub-singleuser``
with the Voilà extension: apps open at ``/user/<name>/voila/render/<notebook>``), in
which the record is opened as their own PostgreSQL role: before each start the hub
makes or refreshes that role (records.classroom.provision_member: a fresh password
every start) and hands its URL to the server as ``PROTOCOL_TOOLS_DB``. The database
then shows a trainee their own work only and a trainer the whole class. The hub
itself never gives a server its admin URL.

No secret lives in this file; everything comes from the environment (see README,
"A class on JupyterHub"):

==================================== ==================================================
``PROTOCOL_TOOLS_HUB_DB``            admin URL of the class record (required), or
``PROTOCOL_TOOLS_HUB_DB_FILE``       a file holding it (owner-only)
``PROTOCOL_TOOLS_HUB_STATE``         the hub's own folder (its sqlite, cookie secret,
                                     proxy pid), default /var/lib/protocol-tools-hub
``PROTOCOL_TOOLS_HUB_TRAINERS``      hub users who are trainers (comma-separated; the
                                     hub group ``trainers`` counts too)
``PROTOCOL_TOOLS_HUB_TRAINEES``      hub users allowed in (optional with PAM: then the
                                     Unix group ``PROTOCOL_TOOLS_HUB_UNIX_GROUP``)
``PROTOCOL_TOOLS_HUB_IP`` / ``_PORT`` where the hub listens (127.0.0.1:8000)
``PROTOCOL_TOOLS_HUB_MEM_LIMIT``     memory per member's server (1G)
``PROTOCOL_TOOLS_HUB_DEMO=1``        demo mode (``make hub``): one shared password
                                     (``PROTOCOL_TOOLS_HUB_DEMO_PASSWORD``), every
                                     server as this user, loopback only
==================================== ==================================================
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import sys
from pathlib import Path

from protocol_tools.core.errors import RecordError
from protocol_tools.core.paths import DB_ENV
from protocol_tools.records.classroom import prepare_class_database, provision_member

c = get_config()  # noqa: F821 (JupyterHub defines it for its config files)

HUB_DIR = Path(__file__).resolve().parent
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
TRAINERS_GROUP = "trainers"


def setting(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def secret(name: str) -> str:
    """``$name``, or the first line of the file ``$name_FILE``; taken out of this
    process's environment either way, so no child (the proxy, a server) inherits it."""
    value = os.environ.pop(name, "").strip()
    path = os.environ.get(f"{name}_FILE", "").strip()
    if not value and path:
        value = Path(path).read_text(encoding="utf-8").strip()
    return value


def names(value: str) -> set[str]:
    return {name.strip() for name in value.split(",") if name.strip()}


ADMIN_URL = secret("PROTOCOL_TOOLS_HUB_DB")
if not ADMIN_URL:
    sys.exit(
        "PROTOCOL_TOOLS_HUB_DB (or PROTOCOL_TOOLS_HUB_DB_FILE) must name the class record: "
        "postgresql+psycopg://ADMIN:PASSWORD@HOST:PORT/DATABASE"
    )
DEMO = setting("PROTOCOL_TOOLS_HUB_DEMO") == "1"
STATE = Path(setting("PROTOCOL_TOOLS_HUB_STATE", "/var/lib/protocol-tools-hub"))
TRAINERS = names(setting("PROTOCOL_TOOLS_HUB_TRAINERS"))
TRAINEES = names(setting("PROTOCOL_TOOLS_HUB_TRAINEES"))
IP = setting("PROTOCOL_TOOLS_HUB_IP", "127.0.0.1")
PORT = int(setting("PROTOCOL_TOOLS_HUB_PORT", "8000"))
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)

# -- the class record: ready before anyone signs in ---------------------------------
try:
    prepare_class_database(ADMIN_URL)
except RecordError as error:
    sys.exit(f"the class record cannot be used: {error}")

# -- the hub, its proxy and its own state --------------------------------------------
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_bind_url = (
    f"http://127.0.0.1:{setting('PROTOCOL_TOOLS_HUB_INTERNAL_PORT', '8081')}"
)
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{setting('PROTOCOL_TOOLS_HUB_PROXY_API_PORT', '8001')}"
)
c.ConfigurableHTTPProxy.command = [str(PROXY)]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
# Made on first start (owner-only) unless JPY_COOKIE_SECRET is set.
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.load_groups = {TRAINERS_GROUP: {"users": sorted(TRAINERS)}}
if TRAINEES or TRAINERS:
    c.Authenticator.allowed_users = TRAINEES | TRAINERS

# -- each member's server ------------------------------------------------------------
c.Spawner.cmd = [sys.executable, str(HUB_DIR / "start_workbook.py")]
c.Spawner.default_url = "/voila/tree"
c.Spawner.environment = {"PROTOCOL_TOOLS_HUB_WORKBOOK_SOURCE": str(HUB_DIR.parent)}
# One server with a Voilà app open takes about 270 MB (README); limits are enforced
# by systemd or Kubernetes, and shown to the member by servers that read MEM_LIMIT.
c.Spawner.mem_limit = setting("PROTOCOL_TOOLS_HUB_MEM_LIMIT", "1G")
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180
c.Spawner.args = [
    # Every Voilà page (the list of notebooks, errors) from the workbook's template,
    # which asks no CDN for anything: the class works offline too.
    "--VoilaConfiguration.template=workbook",
    # and no MathJax from a CDN: Voilà's apps load it unless both are None, as
    # standalone Voilà sets them (no page of the workbook has math).
    """--ServerApp.tornado_settings={"mathjax_url": None, "mathjax_config": None}""",
    # Idle kernels go after 30 minutes, an unused server after an hour: memory back
    # for the rest of the class.
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=300",
    "--ServerApp.shutdown_no_activity_timeout=3600",
]


def is_trainer(user) -> bool:
    return user.name in TRAINERS or any(g.name == TRAINERS_GROUP for g in user.groups)


async def provision(spawner) -> None:
    """Before a server starts: the member's own database role, and its URL for them."""
    role = "trainer" if is_trainer(spawner.user) else "trainee"
    url = await asyncio.to_thread(provision_member, ADMIN_URL, spawner.user.name, role)
    # A new dict: the configured one is shared by every spawner.
    spawner.environment = {**spawner.environment, DB_ENV: url}


c.Spawner.pre_spawn_hook = provision

# -- who signs in --------------------------------------------------------------------
if DEMO:
    if not ipaddress.ip_address(IP).is_loopback:
        sys.exit("the demo hub listens on this computer only (PROTOCOL_TOOLS_HUB_IP=127.0.0.1)")
    # One shared password and no separation between members: for trying it out.
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = secret("PROTOCOL_TOOLS_HUB_DEMO_PASSWORD")
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "homes" / "{username}")
    if os.geteuid() == 0:
        c.Spawner.args = [*c.Spawner.args, "--allow-root"]
else:
    # Each member is an account of this server (adduser), so their servers, files and
    # passwords are kept apart by the operating system.
    c.JupyterHub.authenticator_class = setting("PROTOCOL_TOOLS_HUB_AUTHENTICATOR", "pam")
    c.JupyterHub.spawner_class = "localprocess"
    if not TRAINEES:
        c.LocalAuthenticator.allowed_groups = {setting("PROTOCOL_TOOLS_HUB_UNIX_GROUP", "workbook")}

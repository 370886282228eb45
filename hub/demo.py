"""Try the class hub on this computer (``make hub``): only for trying it out.

Starts JupyterHub with hub/jupyterhub_config.py in demo mode on 127.0.0.1 only:
every member signs in with one shared demo password printed at start, and every
server runs as the user who ran ``make hub``, so members are not kept apart on this
computer. A class uses the school setup of README's "A class on JupyterHub".

The class record: ``PROTOCOL_TOOLS_HUB_DB`` (an admin URL of a PostgreSQL database)
if set; else a throwaway PostgreSQL cluster in a temporary folder, with password
(SCRAM) logins on a loopback port, deleted with everything in it when the hub stops.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HUB_DIR = Path(__file__).resolve().parent
CONFIG = HUB_DIR / "jupyterhub_config.py"
PROXY = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
POSTGRES_INSTALLS = Path("/usr/lib/postgresql")
DEMO_TRAINEES = ("trainee-a", "trainee-b")
DEMO_TRAINERS = ("trainer-t",)
CLASS_DATABASE = "workbook_class"
SUPERUSER = "postgres"


def free_port() -> int:
    """A TCP port nobody listens on at this moment, on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin_dir() -> Path:
    """The bin/ of the newest PostgreSQL Debian installed (SystemExit when none is)."""
    found = [initdb.parent for initdb in POSTGRES_INSTALLS.glob("*/bin/initdb")]
    if not found:
        raise SystemExit(
            "PostgreSQL is not installed (apt-get install postgresql), and "
            "PROTOCOL_TOOLS_HUB_DB names no database to use instead"
        )
    return max(found, key=lambda path: [int(n) for n in path.parent.name.split(".")])


def _owner() -> dict:
    """Popen's arguments running PostgreSQL as a user it accepts (never root)."""
    if os.geteuid() != 0:
        return {}
    account = pwd.getpwnam(SUPERUSER)
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _wait_for(url: dict, process: subprocess.Popen, log: Path, seconds: float) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"postgres exited early:\n{log.read_text()[-3000:]}")
        try:
            with psycopg.connect(**url, dbname="postgres", connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"postgres not ready:\n{log.read_text()[-3000:]}") from None
        time.sleep(0.1)


@contextlib.contextmanager
def throwaway_postgres(log: Path, seconds: float = 120) -> Iterator[str]:
    """A new PostgreSQL cluster that asks every login for its password (SCRAM), on a
    free loopback port, until the block ends; the admin URL of its class database."""
    import psycopg
    from psycopg import sql

    bin_dir, owner = postgres_bin_dir(), _owner()
    password = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="protocol-tools-hub-db-") as name:
        home = Path(name)
        (home / "socket").mkdir()
        (home / "password").write_text(password)
        for path in (home, home / "socket", home / "password"):
            if owner:
                os.chown(path, owner["user"], owner["group"])
        (home / "password").chmod(0o600)
        port = free_port()
        with log.open("w") as stream:
            subprocess.run(  # noqa: S603 (Debian's initdb, arguments ours)
                [bin_dir / "initdb", "-D", home / "data", "--auth=scram-sha-256",
                 f"-U{SUPERUSER}", f"--pwfile={home / 'password'}", "--encoding=UTF8",
                 "--locale=C.UTF-8", "--no-sync"],
                stdout=stream, stderr=stream, cwd=home, check=True, **owner,
            )  # fmt: skip
            (home / "password").unlink()
            settings = ["listen_addresses=127.0.0.1", f"port={port}",
                        f"unix_socket_directories={home / 'socket'}", "fsync=off",
                        "password_encryption=scram-sha-256", "max_connections=300"]  # fmt: skip
            process = subprocess.Popen(  # noqa: S603 (Debian's postgres, arguments ours)
                [bin_dir / "postgres", "-D", home / "data",
                 *(arg for s in settings for arg in ("-c", s))],
                stdout=stream, stderr=stream, cwd=home, **owner,
            )  # fmt: skip
        try:
            server = {"host": "127.0.0.1", "port": port, "user": SUPERUSER, "password": password}
            _wait_for(server, process, log, seconds)
            with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(CLASS_DATABASE)))
            yield (f"postgresql+psycopg://{SUPERUSER}:{password}@127.0.0.1:{port}/{CLASS_DATABASE}")
        finally:
            stop = [bin_dir / "pg_ctl", "stop", "-D", home / "data", "-m", "fast", "--silent"]
            if subprocess.run(stop, cwd=home, check=False, **owner).returncode != 0:  # noqa: S603
                process.kill()
            process.wait()


def hub_environment(
    admin_url: str,
    state: Path,
    password: str,
    *,
    port: int = 8000,
    trainees: tuple[str, ...] = DEMO_TRAINEES,
    trainers: tuple[str, ...] = DEMO_TRAINERS,
) -> dict[str, str]:
    """The environment hub/jupyterhub_config.py reads, for a demo hub on loopback."""
    environment = dict(os.environ)
    environment.update(
        {
            "PROTOCOL_TOOLS_HUB_DB": admin_url,
            "PROTOCOL_TOOLS_HUB_DEMO": "1",
            "PROTOCOL_TOOLS_HUB_DEMO_PASSWORD": password,
            "PROTOCOL_TOOLS_HUB_STATE": str(state),
            "PROTOCOL_TOOLS_HUB_IP": "127.0.0.1",
            "PROTOCOL_TOOLS_HUB_PORT": str(port),
            "PROTOCOL_TOOLS_HUB_INTERNAL_PORT": str(free_port()),
            "PROTOCOL_TOOLS_HUB_PROXY_API_PORT": str(free_port()),
            "PROTOCOL_TOOLS_HUB_TRAINEES": ",".join(trainees),
            "PROTOCOL_TOOLS_HUB_TRAINERS": ",".join(trainers),
            "PYTHONUNBUFFERED": "1",
        }
    )
    # The proxy's `node` comes from PATH; the hub's own Python and scripts come first.
    environment["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    return environment


def hub_command() -> list[str]:
    """The command that starts the hub with this folder's configuration."""
    return [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(CONFIG)]


def run(port: int) -> int:
    if not PROXY.exists():
        raise SystemExit(f"{PROXY} is missing: run `make proxy` (npm ci in hub/) first")
    password = os.environ.get("PROTOCOL_TOOLS_HUB_DEMO_PASSWORD") or secrets.token_urlsafe(9)
    with tempfile.TemporaryDirectory(prefix="protocol-tools-hub-") as name:
        state = Path(name)
        with contextlib.ExitStack() as stack:
            admin_url = os.environ.get("PROTOCOL_TOOLS_HUB_DB") or stack.enter_context(
                throwaway_postgres(state / "postgres.log")
            )
            environment = hub_environment(admin_url, state / "hub", password, port=port)
            print(
                f"\nThe class hub (a demo, on this computer only): http://127.0.0.1:{port}/\n"
                f"  trainees: {', '.join(DEMO_TRAINEES)}   trainer: {', '.join(DEMO_TRAINERS)}\n"
                f"  demo password for all of them: {password}\n"
                "Ctrl-C stops the hub; a throwaway database goes with it.\n",
                flush=True,
            )
            hub = subprocess.Popen(hub_command(), env=environment, cwd=state)  # noqa: S603
            try:
                return hub.wait()
            except KeyboardInterrupt:
                # The hub stops its proxy and every member's server, then we stop the
                # database and delete the temporary folders.
                hub.send_signal(signal.SIGTERM)
                return hub.wait(timeout=60)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signum)


def main() -> None:
    # Ctrl-C and a plain `kill` both end the demo the same tidy way.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000, help="where the hub listens")
    if shutil.which("node") is None:
        raise SystemExit("node is not installed (apt-get install npm)")
    sys.exit(run(parser.parse_args().port))


if __name__ == "__main__":
    main()

"""A class hub for the hub tests: PostgreSQL asking every login for its password,
JupyterHub with hub/jupyterhub_config.py in demo mode behind the real
configurable-http-proxy, on free loopback ports. A missing PostgreSQL, node or proxy
is a failure, never a skip (``make test`` installs the proxy; ``.ci/run`` the rest)."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import SERVER_START_SECONDS, free_port
from helpers import HUB_DIR, hub_module, stop_processes_under

TRAINEES = ("trainee-a", "trainee-b")
TRAINERS = ("trainer-t",)


@dataclass(frozen=True)
class ClassHub:
    """A running hub: its address, the record's admin URL, the demo password."""

    url: str
    admin_url: str = field(repr=False)
    password: str = field(repr=False)
    state: Path
    log: Path

    def workbook(self, user: str) -> Path:
        """The folder of ``user``'s workbook server (their copy of the notebooks)."""
        return self.state / "homes" / user / "workbook"


def _check_tools() -> None:
    proxy = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.exists():
        pytest.fail(f"{proxy} is missing: run `make proxy` (make test does); hub tests never skip")
    if shutil.which("node") is None:
        pytest.fail("node is missing: apt-get install npm (.ci/run does); hub tests never skip")
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.fail("PostgreSQL is missing: apt-get install postgresql; hub tests never skip")


def wait_for_hub(url: str, process: subprocess.Popen, log: Path) -> None:
    """Until the hub answers its API through the proxy (the proxy alone says 404)."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the hub exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/hub/api", timeout=2) as answer:
                if "version" in json.load(answer):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the hub was not ready in time:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def class_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClassHub]:
    """The hub, its proxy and a throwaway record, stopped (every process they started)
    when the module's tests are done."""
    _check_tools()
    demo = hub_module("demo")
    home = tmp_path_factory.mktemp("class-hub")
    log = home / "hub.log"
    password = secrets.token_urlsafe(12)
    port = free_port()
    with demo.throwaway_postgres(home / "postgres.log", SERVER_START_SECONDS) as admin_url:
        environment = demo.hub_environment(
            admin_url, home / "state", password, port=port, trainees=TRAINEES, trainers=TRAINERS
        )
        with log.open("w") as stream:
            process = subprocess.Popen(
                demo.hub_command(), env=environment, cwd=home, stdout=stream, stderr=stream
            )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for_hub(url, process, log)
            yield ClassHub(url, admin_url, password, home / "state", log)
        finally:
            # The hub stops its proxy and the servers it spawned; whatever is left
            # (after a crash) is stopped by its process id.
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
            stop_processes_under(home)

"""Shared fixtures: the project's paths, served notebooks and a real browser.

Browser tests drive Debian's chromium through Playwright against a notebook served
by Voilà (or JupyterLab). A missing browser is a failure, never a skip: install it
with ``apt-get install chromium`` (``.ci/run`` does).

Database tests get a PostgreSQL server of their own, started once per run from
Debian's binaries on a unix socket only; missing, it is a failure too: install it with
``apt-get install postgresql`` (``.ci/run`` does).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from helpers import PostgresServer
    from protocol_tools.records.store import RecordStore

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """Every test, notebook kernel and app server started by the tests keeps its client
    record (and the reference data's snapshots) in a throwaway folder, never in the
    tester's ``~/microcurrent-records`` or ``~/.cache``; a test that needs a record of
    its own sets ``PROTOCOL_TOOLS_DB`` again."""
    del config
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="protocol-tools-records-"))
    os.environ["PROTOCOL_TOOLS_DB"] = str(folder / "records.db")
    # The checked reference data's snapshots too: a run leaves nothing in ~/.cache.
    os.environ["PROTOCOL_TOOLS_CACHE"] = str(folder / "cache")
NOTEBOOKS = ROOT / "notebooks"
PROTOCOLS = ROOT / "protocols"
DATA = ROOT / "data"
CHROMIUM = Path(os.environ.get("PROTOCOL_TOOLS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Let audio start without a real user gesture only where a test clicks anyway.
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of ``data/`` the test may edit, in use through ``PROTOCOL_TOOLS_DATA``
    (for this process and the subprocesses it starts) until the test ends."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setenv("PROTOCOL_TOOLS_DATA", str(copy))
    return copy


# The zones the issue names; data/zones.yaml may add more.
REQUIRED_ZONES = frozenset(
    {
        "forehead",
        "brows",
        "under-eyes",
        "cheekbones",
        "nasolabial-folds",
        "upper-lip",
        "jawline",
        "neck",
    }
)
SESSION_DAY = dt.date(2026, 11, 23)


def intake_answers(**changes) -> dict:
    """A complete, synthetic intake with every answer "no", changed as asked."""
    data = {
        "client": "C-0042",
        "date": SESSION_DAY,
        "birth_date": dt.date(1988, 4, 2),
        "pregnant": False,
        "breastfeeding": False,
        "implanted_devices": [],
        "seizure_disorder": False,
        "conditions": [],
        "last_retinoid_use": None,
        "last_injectable": None,
        "skin_in_treatment_area": [],
        "metal_in_face": False,
        "sensitive_skin": False,
    }
    data.update(changes)
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_env(home: Path) -> dict[str, str]:
    """Environment for a Jupyter server that never touches the user's settings."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        path = home / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    settings = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    env["JUPYTERLAB_SETTINGS_DIR"] = str(home / "lab-settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(home / "workspaces")
    env["PYTHONUNBUFFERED"] = "1"
    return env


# One patience for every wait on a server or a page. A fresh machine is at its
# busiest exactly when the tests run: the first start of Jupyter compiles its
# caches, CI shares two cores with other work, and a page's first render loads
# every widget's JavaScript. A wait that runs out on such a machine reports a broken
# app that is only slow; a real hang still fails, just later.
BROWSER_TIMEOUT_MS = 120_000
SERVER_START_SECONDS = 180


def wait_for_http(
    url: str, process: subprocess.Popen, log: Path, seconds: float = SERVER_START_SECONDS
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the server is up
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"server at {url} not ready after {seconds} s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def serve(command: list[str], ready_url: str, home: Path, cwd: Path) -> Iterator[None]:
    log = home / "server.log"
    with log.open("w") as stream:
        process = subprocess.Popen(
            command, cwd=cwd, env=jupyter_env(home), stdout=stream, stderr=subprocess.STDOUT
        )
    try:
        wait_for_http(ready_url, process, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str | Path], str]]:
    """Serve a notebook with Voilà; returns a function giving its page URL.

    ``url = voila("02_guided_session.ipynb")`` (relative to notebooks/, or a path).
    """
    stack = contextlib.ExitStack()

    def start(notebook: str | Path) -> str:
        path = Path(notebook)
        if not path.is_absolute():
            path = NOTEBOOKS / path
        port = free_port()
        home = tmp_path_factory.mktemp("voila")
        command = [
            sys.executable,
            "-m",
            "voila",
            str(path),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--VoilaConfiguration.file_allowlist=['.*']",
        ]
        base = f"http://127.0.0.1:{port}"
        # Single-notebook Voilà has no /api; any answer from a static path means it is up.
        stack.enter_context(serve(command, f"{base}/voila/static/ready-probe", home, path.parent))
        return f"{base}/"

    with stack:
        yield start


@contextlib.contextmanager
def voila_on_folder(home: Path, *options: str) -> Iterator[str]:
    """Voilà serving every notebook in notebooks/; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "voila",
        str(NOTEBOOKS),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.file_allowlist=['.*']",
        *options,
    ]
    with serve(command, f"{base}/voila/static/ready-probe", home, NOTEBOOKS):
        yield base


@pytest.fixture(scope="session")
def app_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The protocol library of the shared Voilà's apps (``voila_tree``): a copy of
    protocols/, so nothing an app is made to do writes into the project. A test may
    add a protocol to it for a while; it removes it again when done."""
    from helpers import copy_library

    return copy_library(tmp_path_factory.mktemp("app-library") / "protocols")


@pytest.fixture(scope="session")
def voila_tree(tmp_path_factory: pytest.TempPathFactory, app_library: Path) -> Iterator[str]:
    """One Voilà for every app of every test file, told no template, like
    ``voila NAME.ipynb``: the workbook template must then come from each notebook's
    own metadata. Its apps read ``app_library``; yields the base URL
    (``{voila_tree}/voila/render/NAME.ipynb`` is an app)."""
    from protocol_tools.core.paths import LIBRARY_ENV

    with contextlib.ExitStack() as running:
        # The server (and the kernels it starts) gets the variable; this process not.
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(LIBRARY_ENV, str(app_library))
            base = running.enter_context(voila_on_folder(tmp_path_factory.mktemp("voila-tree")))
        yield base


@pytest.fixture
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[Path], str]]:
    """Serve a folder with JupyterLab; returns a function giving the lab URL."""
    stack = contextlib.ExitStack()

    def start(folder: Path) -> str:
        port = free_port()
        home = tmp_path_factory.mktemp("lab")
        command = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={folder}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        base = f"http://127.0.0.1:{port}"
        stack.enter_context(serve(command, f"{base}/api", home, folder))
        return f"{base}/lab"

    with stack:
        yield start


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; fails (never skips) when missing."""
    if not CHROMIUM.exists() and not shutil.which(str(CHROMIUM)):
        pytest.fail(
            f"chromium not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or set PROTOCOL_TOOLS_CHROMIUM; browser tests never skip"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# Messages Voilà 0.5's older JupyterLab components print that do not mean our page
# is broken (see shared/reference/jupyter-stack-notes.md).
ALLOWED_PAGE_ERRORS = ("r.setData is not a function", "Failed to fetch")


@pytest.fixture
def page(browser):
    """A fresh page that only reaches this machine; page errors collected."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # page.goto, every locator wait and every expect share one timeout (see above).
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    context.set_default_navigation_timeout(BROWSER_TIMEOUT_MS)
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)

    def only_loopback(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_loopback)
    new_page = context.new_page()
    new_page.errors = []  # type: ignore[attr-defined]
    new_page.on(
        "pageerror",
        lambda error: (
            None
            if any(text in str(error) for text in ALLOWED_PAGE_ERRORS)
            else new_page.errors.append(str(error))
        ),  # type: ignore[attr-defined]
    )
    yield new_page
    context.close()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole run, on a unix socket only; fails (never skips)
    when Debian's PostgreSQL is missing.

    ``postgres_server.url("name")`` is SQLAlchemy's URL for a database on it:
    ``postgresql+psycopg://postgres@/name?host=<socket folder>``.
    """
    # Imported here: helpers imports this module, so a top-level import would be a circle.
    from helpers import POSTGRES_INSTALLS, postgres_bin_dir, running_postgres

    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.fail(
            f"PostgreSQL not found (no {POSTGRES_INSTALLS}/*/bin/initdb): install it "
            "(apt-get install postgresql; .ci/run does); database tests never skip"
        )
    log = tmp_path_factory.mktemp("postgres") / "server.log"
    with running_postgres(bin_dir, log, SERVER_START_SECONDS) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A new, empty database on the run's server for this test alone, dropped after it;
    its SQLAlchemy URL (``postgresql+psycopg://postgres@/test_…?host=…``)."""
    from helpers import fresh_database

    with fresh_database(postgres_server) as url:
        yield url


# -- a new record on each backend ----------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new, empty record is: a file path not created yet, or a fresh database
    on the run's PostgreSQL server. A test that takes it (or ``store``) runs on both,
    so both backends are held to the same behaviour."""
    if request.param == "sqlite":
        return str(tmp_path / "records" / "records.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(location: str) -> Iterator[RecordStore]:
    """A new record at ``location``, closed after the test (before its database goes)."""
    from protocol_tools.records.store import RecordStore

    opened = RecordStore(location)
    yield opened
    opened.close()

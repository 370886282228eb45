"""The hub's pieces one at a time: its configuration file (demo and school), the hook
that gives each member's server its own database role, the script that starts a
member's server, and hub/provision.py (the Kubernetes hub's way to the same roles)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.engine import make_url
from traitlets.config import Config

from conftest import NOTEBOOKS, PROTOCOLS
from helpers import HUB_DIR, hub_module
from protocol_tools.core.paths import DB_ENV

CONFIG = HUB_DIR / "jupyterhub_config.py"
DEMO_PASSWORD = "a-demo-password"  # noqa: S105 (the demo's, in a test)
EVERYWHERE = "0.0.0.0"  # noqa: S104 (a setting the config must refuse or pass on)


def load_config(monkeypatch: pytest.MonkeyPatch, state: Path, **settings: str) -> dict:
    """Run hub/jupyterhub_config.py as JupyterHub would, with ``settings`` as its
    environment (``PROTOCOL_TOOLS_HUB_`` + the key in capitals); its namespace."""
    for key, value in settings.items():
        monkeypatch.setenv(f"PROTOCOL_TOOLS_HUB_{key.upper()}", value)
    monkeypatch.setenv("PROTOCOL_TOOLS_HUB_STATE", str(state))
    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(CONFIG)}
    exec(compile(CONFIG.read_text(), str(CONFIG), "exec"), namespace)  # noqa: S102
    return namespace


def run_hook(hook, started: SimpleNamespace) -> None:
    """Await the hub's pre-spawn ``hook`` for ``started`` as the hub would, in a thread
    of its own: a browser test of the same run may hold this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(hook(started))).result()


def spawner(name: str, groups: tuple[str, ...] = ()) -> SimpleNamespace:
    """What the hook reads of a spawner: its user (name, groups) and environment."""
    user = SimpleNamespace(name=name, groups=[SimpleNamespace(name=g) for g in groups])
    return SimpleNamespace(user=user, environment={"KEPT": "yes"})


def test_the_demo_hub_gives_each_member_a_role_of_their_own(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    namespace = load_config(
        monkeypatch,
        tmp_path / "state",
        db=postgres_url,
        demo="1",
        demo_password=DEMO_PASSWORD,
        trainers="trainer-t",
        trainees="trainee-a",
    )
    c = namespace["get_config"]()
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.JupyterHub.spawner_class == "simple"
    assert c.JupyterHub.bind_url == "http://127.0.0.1:8000"
    assert c.Authenticator.allowed_users == {"trainee-a", "trainer-t"}
    assert c.JupyterHub.load_groups == {"trainers": {"users": ["trainer-t"]}}
    assert "--VoilaConfiguration.template=workbook" in c.Spawner.args
    assert c.Spawner.cmd[-1] == str(HUB_DIR / "start_workbook.py")
    # The secrets left this process's environment: no child inherits them.
    assert "PROTOCOL_TOOLS_HUB_DB" not in os.environ
    assert "PROTOCOL_TOOLS_HUB_DEMO_PASSWORD" not in os.environ
    assert (tmp_path / "state").stat().st_mode & 0o077 == 0

    hook = c.Spawner.pre_spawn_hook
    for name, groups, role in (
        ("trainee-a", (), "workbook_trainee"),
        ("trainer-t", (), "workbook_trainer"),
        ("trainer-2", ("trainers",), "workbook_trainer"),
    ):
        started = spawner(name, groups)
        run_hook(hook, started)
        url = make_url(started.environment[DB_ENV])
        assert url.username == name
        assert url.password
        assert started.environment["KEPT"] == "yes"
        assert role in member_groups(postgres_url, name)
    # A hub user named like one of the server's own roles gets no server at all.
    with pytest.raises(Exception, match="not a member of this class"):
        run_hook(hook, spawner("postgres"))


def member_groups(postgres_url: str, name: str) -> list[str]:
    import psycopg

    url = make_url(postgres_url)
    with psycopg.connect(host=url.query["host"], user=url.username, dbname=url.database) as db:
        rows = db.execute(
            "SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = %s",
            (name,),
        )
        return [row[0] for row in rows]


def test_the_school_hub_signs_in_the_servers_accounts(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("PROTOCOL_TOOLS_HUB_DEMO", raising=False)
    monkeypatch.delenv("PROTOCOL_TOOLS_HUB_TRAINEES", raising=False)
    monkeypatch.delenv("PROTOCOL_TOOLS_HUB_TRAINERS", raising=False)
    path = tmp_path / "admin-url"
    path.write_text(postgres_url + "\n")
    monkeypatch.delenv("PROTOCOL_TOOLS_HUB_DB", raising=False)
    namespace = load_config(monkeypatch, tmp_path / "state", db_file=str(path), ip=EVERYWHERE)
    c = namespace["get_config"]()
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.JupyterHub.spawner_class == "localprocess"
    assert c.LocalAuthenticator.allowed_groups == {"workbook"}
    assert "--allow-root" not in c.Spawner.args


def test_the_demo_hub_listens_on_this_computer_only(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with pytest.raises(SystemExit, match="this computer only"):
        load_config(
            monkeypatch,
            tmp_path,
            db=postgres_url,
            demo="1",
            demo_password=DEMO_PASSWORD,
            ip=EVERYWHERE,
        )


def test_the_hub_will_not_start_without_its_record(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("PROTOCOL_TOOLS_HUB_DB", raising=False)
    monkeypatch.delenv("PROTOCOL_TOOLS_HUB_DB_FILE", raising=False)
    with pytest.raises(SystemExit, match="PROTOCOL_TOOLS_HUB_DB"):
        load_config(monkeypatch, tmp_path)
    with pytest.raises(SystemExit, match=r"cannot be used.*PostgreSQL"):
        load_config(monkeypatch, tmp_path, db=str(tmp_path / "records.db"))


def test_a_members_workbook_is_copied_once_and_never_replaced(tmp_path: Path):
    start = hub_module("start_workbook")
    source = tmp_path / "source"
    (source / "notebooks" / ".ipynb_checkpoints").mkdir(parents=True)
    (source / "notebooks" / "05_lessons.ipynb").write_text("v1")
    (source / "notebooks" / ".ipynb_checkpoints" / "05_lessons-checkpoint.ipynb").write_text("x")
    (source / "protocols").mkdir()
    (source / "protocols" / "express-10.yaml").write_text("id: express-10\n")
    target = tmp_path / "home" / "workbook"

    first = start.copy_workbook(source, target)
    assert sorted(p.relative_to(target).as_posix() for p in first) == [
        "05_lessons.ipynb",
        "protocols/express-10.yaml",
    ]
    # The member edits a notebook; an update brings a new one and a new version.
    (target / "05_lessons.ipynb").write_text("the member's own edits")
    (source / "notebooks" / "05_lessons.ipynb").write_text("v2")
    (source / "notebooks" / "08_class_dashboard.ipynb").write_text("new")
    again = start.copy_workbook(source, target)
    assert [p.name for p in again] == ["08_class_dashboard.ipynb"]
    assert (target / "05_lessons.ipynb").read_text() == "the member's own edits"


def test_the_start_script_copies_the_real_workbook_then_becomes_the_server(tmp_path: Path):
    fake = tmp_path / "bin"
    fake.mkdir()
    server = fake / "jupyterhub-singleuser"
    server.write_text('#!/bin/sh\necho "$PWD|$PROTOCOL_TOOLS_LIBRARY|$*"\n')
    server.chmod(0o755)
    environment = {
        "PATH": f"{fake}{os.pathsep}/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "PROTOCOL_TOOLS_HUB_WORKBOOK_SOURCE": str(NOTEBOOKS.parent),
    }
    # A Python not beside the fake server, so the script finds the one on PATH.
    python = sys.base_prefix + "/bin/python3"
    done = subprocess.run(
        [python, str(HUB_DIR / "start_workbook.py"), "--allow-root"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    workbook = tmp_path / "home" / "workbook"
    assert done.stdout.strip() == f"{workbook}|{workbook / 'protocols'}|--allow-root"
    assert sorted(p.name for p in workbook.glob("*.ipynb")) == sorted(
        p.name for p in NOTEBOOKS.glob("*.ipynb")
    )
    assert sorted(p.name for p in (workbook / "protocols").glob("*.yaml")) == sorted(
        p.name for p in PROTOCOLS.glob("*.yaml")
    )


def test_provision_script_prints_a_members_url_and_nothing_secret_on_errors(postgres_url: str):
    environment = {**os.environ, "PROTOCOL_TOOLS_HUB_DB": postgres_url}
    script = [sys.executable, str(HUB_DIR / "provision.py")]

    def run(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*script, *arguments], env=environment, capture_output=True, text=True, check=False
        )

    assert run("prepare").returncode == 0
    made = run("member", "trainee-p", "trainee")
    assert made.returncode == 0, made.stderr
    url = make_url(made.stdout.strip())
    assert url.username == "trainee-p"
    assert url.password
    refused = run("member", "postgres", "trainer")
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "not a member of this class" in refused.stderr
    assert "Traceback" not in refused.stderr

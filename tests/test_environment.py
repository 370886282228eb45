"""One environment everywhere: pyproject.toml's ranges, the lock's exact pins, conda.

`make lab` and `make test` install requirements.lock (exact versions, PyPI's hashes)
and then the project itself with nothing added; environment.yml pins the same
versions for conda users.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from protocol_tools.core.safe_yaml import read_yaml_file

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
LAB_OVERRIDES = ROOT / "src" / "protocol_tools" / "jupyter" / "lab_overrides.json"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
# What the project asks for; the rest of the lock is what these need in turn.
DIRECT = [Requirement(r) for r in PROJECT["dependencies"]]
TESTING = [Requirement(r) for r in PROJECT["optional-dependencies"]["test"]]
BUILD = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


@dataclass
class Pin:
    """One package in the lock: an exact version, where it applies, and its hashes."""

    requirement: Requirement
    hashes: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        (specifier,) = self.requirement.specifier
        return specifier.version

    def applies_here(self) -> bool:
        marker = self.requirement.marker
        return marker is None or marker.evaluate()


def read_lock() -> dict[str, list[Pin]]:
    """The lock's pins by package name (a package can have one pin per Python range)."""
    pins: dict[str, list[Pin]] = {}
    current: Pin | None = None
    for line in LOCK.read_text().splitlines():
        text = line.strip().removesuffix("\\").strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("--hash="):
            assert current is not None, f"a hash before any package: {line}"
            current.hashes.append(text.removeprefix("--hash="))
            continue
        assert not text.startswith("-"), f"the lock only lists packages, not options: {line}"
        current = Pin(Requirement(text))
        pins.setdefault(canonicalize_name(current.requirement.name), []).append(current)
    return pins


def environment_entries() -> tuple[list[str], list[str]]:
    """environment.yml's conda packages and its pip section, as written."""
    conda: list[str] = []
    pip: list[str] = []
    for entry in read_yaml_file(ROOT / "environment.yml").data["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(str(r) for r in entry["pip"])
        else:
            conda.append(str(entry))
    return conda, pip


def environment_packages() -> list[Requirement]:
    """Every package environment.yml names, less Python, pip and the project itself."""
    conda, pip = environment_entries()
    return [
        Requirement(entry)
        for entry in conda + pip
        if not entry.startswith("-") and _name(entry) not in {"python", "pip"}
    ]


def test_environment_and_pyproject_agree():
    pip_names = {_name(r) for r in PROJECT["dependencies"]}
    pip_names |= {_name(r) for r in PROJECT["optional-dependencies"]["test"]}
    pip_names |= {_name(r) for r in PYPROJECT["build-system"]["requires"]}
    environment = read_yaml_file(ROOT / "environment.yml").data
    conda, pip = environment_entries()
    conda_names = {_name(r) for r in conda}
    pip_section = {_name(r) for r in pip if not r.startswith("-e")}
    assert environment["channels"] == ["conda-forge"]
    assert pip_names == (conda_names | pip_section) - {"python", "pip"}
    assert any(r.startswith("-e .") for r in pip), "the project itself is installed"


def test_python_versions_agree():
    environment = read_yaml_file(ROOT / "environment.yml").data
    minimum = PROJECT["requires-python"].removeprefix(">=")
    assert f"python>={minimum}" in environment["dependencies"]


def test_every_pin_is_exact_and_hashed():
    pins = read_lock()
    assert len(pins) > len(DIRECT + TESTING), "the lock holds what they need in turn too"
    for name, versions in pins.items():
        for pin in versions:
            assert [s.operator for s in pin.requirement.specifier] == ["=="], name
            assert pin.hashes, f"{name} has no hash"
            assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in pin.hashes), name


def test_the_lock_names_no_local_index_or_file():
    # Hashes are the public registry's; a lock made against a folder of wheels on
    # one machine would not install anywhere else.
    text = LOCK.read_text()
    assert "file:" not in text
    assert not re.search(r"^\s*(-i|--index-url|--extra-index-url|-f|--find-links)\b", text, re.M)


@pytest.mark.parametrize(
    "requirement", DIRECT + TESTING + BUILD, ids=lambda r: canonicalize_name(r.name)
)
def test_every_requirement_is_locked_within_its_range(requirement: Requirement):
    pins = read_lock().get(canonicalize_name(requirement.name))
    assert pins, f"{requirement.name} is not in {LOCK.name}: run `make lock`"
    for pin in pins:
        assert requirement.specifier.contains(pin.version, prereleases=True), (
            f"{requirement.name} is locked at {pin.version}, outside {requirement}: run `make lock`"
        )


def test_every_package_in_environment_yml_is_locked_at_the_same_version():
    pins = read_lock()
    wrong = []
    for requirement in environment_packages():
        locked = pins.get(canonicalize_name(requirement.name))
        assert locked, f"{requirement.name} (environment.yml) is not in {LOCK.name}"
        (version,) = {pin.version for pin in locked}
        if str(requirement.specifier) != f"=={version}":
            wrong.append(f"{requirement} -> {requirement.name}=={version}")
    assert not wrong, "environment.yml pins the versions in the lock:\n" + "\n".join(wrong)


def test_the_lock_holds_what_hatchling_asks_for_an_editable_install(
    monkeypatch: pytest.MonkeyPatch,
):
    # The project is installed with --no-build-isolation: nothing is fetched for the
    # build, so the lock must already hold whatever the build backend asks for.
    from hatchling.build import get_requires_for_build_editable, get_requires_for_build_wheel

    monkeypatch.chdir(ROOT)
    pins = read_lock()
    wanted = [*get_requires_for_build_editable(), *get_requires_for_build_wheel()]
    for requirement in map(Requirement, wanted):
        versions = [pin.version for pin in pins.get(canonicalize_name(requirement.name), [])]
        assert versions, f"{requirement} (asked for by hatchling) is not in {LOCK.name}"
        assert all(requirement.specifier.contains(v) for v in versions), requirement


@pytest.mark.parametrize("requirement", DIRECT + TESTING, ids=lambda r: canonicalize_name(r.name))
def test_the_tests_run_with_the_locked_versions(requirement: Requirement):
    (pin,) = [p for p in read_lock()[canonicalize_name(requirement.name)] if p.applies_here()]
    installed = importlib.metadata.version(requirement.name)
    assert installed == pin.version, (
        f"{requirement.name} {installed} is installed, the lock says {pin.version}: "
        "run `make test` (it installs the lock) or `make clean test`"
    )


# -- the Makefile's bootstrap, dry-run in a copy of the inputs it watches -----------

INPUTS = [
    "pyproject.toml",
    "requirements.lock",
    "src/protocol_tools/jupyter/lab_overrides.json",
    "src/protocol_tools/voila/templates/workbook/conf.json",
]
STAMP = ".venv/.installed"


@pytest.fixture
def bootstrap_tree(tmp_path: Path) -> Path:
    """The Makefile's inputs with a stamp newer than all of them."""
    for name in [*INPUTS, STAMP]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
        os.utime(path, (1_000_000, 1_000_000))
    for folder in [p for p in tmp_path.rglob("*") if p.is_dir()]:
        os.utime(folder, (1_000_000, 1_000_000))
    os.utime(tmp_path / STAMP, (2_000_000, 2_000_000))
    return tmp_path


def dry_run(tree: Path, *targets: str) -> str:
    """What make would run in ``tree`` for ``targets``, without running it."""
    make = ["make", "--no-print-directory", "--dry-run", "-f", str(ROOT / "Makefile")]
    return subprocess.run(
        [*make, "-C", str(tree), *targets],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def installs(commands: str) -> list[str]:
    return [line.strip() for line in commands.splitlines() if "pip install" in line]


# Only pinned, hashed files go in; the project itself adds nothing and is built by
# the locked hatchling.
LOCKED_INSTALL = [
    ".venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock",
    ".venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .",
]


@pytest.mark.parametrize("changed", INPUTS)
def test_bootstrap_installs_the_lock_again_when_an_input_changes(
    bootstrap_tree: Path, changed: str
):
    assert installs(dry_run(bootstrap_tree, STAMP)) == [], "up to date: nothing to do"
    os.utime(bootstrap_tree / changed, (3_000_000, 3_000_000))
    commands = dry_run(bootstrap_tree, STAMP)
    assert installs(commands) == LOCKED_INSTALL


def test_the_install_gives_jupyterlab_the_offline_settings():
    # pyproject.toml's shared-data puts them where JupyterLab reads a package's defaults.
    installed = Path(sys.prefix) / "share/jupyter/lab/settings/overrides.d/protocol-tools.json"
    assert json.loads(installed.read_text()) == json.loads(LAB_OVERRIDES.read_text())


def test_a_file_added_to_the_voila_template_installs_again(bootstrap_tree: Path):
    added = bootstrap_tree / "src/protocol_tools/voila/templates/workbook/static/new.css"
    added.parent.mkdir()
    added.write_text("")
    assert installs(dry_run(bootstrap_tree, STAMP)) == LOCKED_INSTALL


def test_make_lock_resolves_for_the_oldest_python_the_project_supports(bootstrap_tree: Path):
    commands = dry_run(bootstrap_tree, "lock")
    minimum = PROJECT["requires-python"].removeprefix(">=")
    assert f"--python-version {minimum} " in commands
    assert "--universal" in commands
    assert "--generate-hashes" in commands


# -- make lab: JupyterLab calls nobody ----------------------------------------------


def test_make_lab_asks_for_no_news_and_no_update_check(bootstrap_tree: Path):
    commands = dry_run(bootstrap_tree, "lab")
    assert "--LabApp.news_url=None" in commands
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in commands


def test_lab_overrides_turn_off_news_and_update_checks_in_jupyterlabs_own_terms():
    overrides = json.loads(LAB_OVERRIDES.read_text())
    assert overrides == {
        "@jupyterlab/apputils-extension:notification": {
            "checkForUpdates": False,
            "fetchNews": "false",
        }
    }
    # Checked against the schema JupyterLab ships, so a renamed setting is noticed.
    schema_file = files("jupyterlab") / "schemas/@jupyterlab/apputils-extension/notification.json"
    schema = json.loads(schema_file.read_text())
    settings = overrides["@jupyterlab/apputils-extension:notification"]
    assert set(settings) <= set(schema["properties"])
    jsonschema.validate(settings, schema)

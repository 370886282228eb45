"""environment.yml (conda) and pyproject.toml (pip) give the same environment."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from protocol_tools._yaml import read_yaml_file

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_and_pyproject_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in project["dependencies"]}
    pip_names |= {_name(r) for r in project["optional-dependencies"]["test"]}
    environment = read_yaml_file(ROOT / "environment.yml").data
    conda_names: set[str] = set()
    pip_section: set[str] = set()
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            pip_section |= {_name(r) for r in entry["pip"] if not r.startswith("-e")}
        else:
            conda_names.add(_name(entry))
    assert environment["channels"] == ["conda-forge"]
    assert pip_names == (conda_names | pip_section) - {"python", "pip"}
    assert any(
        str(r).startswith("-e .")
        for e in environment["dependencies"]
        if isinstance(e, dict)
        for r in e["pip"]
    ), "the project itself is installed"


def test_python_versions_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    environment = read_yaml_file(ROOT / "environment.yml").data
    minimum = project["requires-python"].removeprefix(">=")
    assert f"python>={minimum}" in environment["dependencies"]

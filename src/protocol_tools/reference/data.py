"""Reference data: zones, techniques, limits and validation rules, read from ``data/``.

Safety limits and defaults live in those YAML files, each with its source, so a
clinic can change them without touching code. Set ``PROTOCOL_TOOLS_DATA`` to use
another folder.

    >>> ref = reference()
    >>> ref.zones["jawline"].name
    'Jawline'
    >>> ref.limits["microcurrent"]["max_current_uA"]
    1000
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..core.errors import ReferenceDataError
from ..core.safe_yaml import YamlProblem, read_yaml_file

# The installed package folder (src/protocol_tools in a checkout).
PACKAGE_DIR = Path(__file__).resolve().parents[1]

__all__ = [
    "ReferenceData",
    "Rule",
    "Technique",
    "Zone",
    "data_dir",
    "inside_repository",
    "load_data_file",
    "private_dir",
    "reference",
]

DATA_ENV = "PROTOCOL_TOOLS_DATA"


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


def load_data_file(name: str) -> Any:
    """Read ``data/<name>`` with the safe YAML reader; raise ReferenceDataError."""
    path = data_dir() / name
    try:
        return read_yaml_file(path).data
    except YamlProblem as problem:
        raise ReferenceDataError(f"{path}: {problem}") from None


@dataclass(frozen=True)
class Zone:
    """A facial zone, as ``data/zones.yaml`` describes it."""

    id: str
    name: str
    muscles: tuple[str, ...]
    direction: str
    max_current_uA: float
    current_source: str
    notes: str = ""


@dataclass(frozen=True)
class Technique:
    """A way of moving the probes, as ``data/techniques.yaml`` describes it."""

    id: str
    name: str
    description: str
    uses_hold: bool
    source: str = ""


@dataclass(frozen=True)
class Rule:
    """A validation rule, as ``data/rules.yaml`` describes it."""

    code: str
    severity: str
    explanation: str
    source: str


@dataclass(frozen=True)
class ReferenceData:
    """Everything the validator and the views read from ``data/``."""

    zones: dict[str, Zone]
    techniques: dict[str, Technique]
    limits: dict[str, Any]
    rules: dict[str, Rule]


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if not isinstance(entry, dict) or key not in entry:
        raise ReferenceDataError(f"{where}: missing {key!r}")
    return entry[key]


@cache
def _reference_at(folder: Path) -> ReferenceData:
    zones_doc = load_data_file("zones.yaml")
    zones = {}
    for index, entry in enumerate(_require(zones_doc, "zones", "zones.yaml")):
        where = f"{data_dir() / 'zones.yaml'} zones[{index}]"
        zone = Zone(
            id=_require(entry, "id", where),
            name=_require(entry, "name", where),
            muscles=tuple(entry.get("muscles") or ()),
            direction=_require(entry, "direction", where),
            max_current_uA=_require(entry, "max_current_uA", where),
            current_source=_require(entry, "current_source", where),
            notes=entry.get("notes") or "",
        )
        zones[zone.id] = zone
    techniques = {}
    techniques_doc = load_data_file("techniques.yaml")
    for index, entry in enumerate(_require(techniques_doc, "techniques", "techniques.yaml")):
        where = f"{data_dir() / 'techniques.yaml'} techniques[{index}]"
        technique = Technique(
            id=_require(entry, "id", where),
            name=_require(entry, "name", where),
            description=_require(entry, "description", where),
            uses_hold=bool(entry.get("uses_hold", False)),
            source=entry.get("source") or "",
        )
        techniques[technique.id] = technique
    rules = {}
    for index, entry in enumerate(_require(load_data_file("rules.yaml"), "rules", "rules.yaml")):
        where = f"{data_dir() / 'rules.yaml'} rules[{index}]"
        rule = Rule(
            code=_require(entry, "code", where),
            severity=_require(entry, "severity", where),
            explanation=_require(entry, "explanation", where),
            source=_require(entry, "source", where),
        )
        rules[rule.code] = rule
    limits = load_data_file("limits.yaml")
    if not isinstance(limits, dict):
        raise ReferenceDataError(f"{data_dir() / 'limits.yaml'}: expected a mapping")
    return ReferenceData(zones=zones, techniques=techniques, limits=limits, rules=rules)


def reference() -> ReferenceData:
    """The reference data, read once per data folder."""
    return _reference_at(data_dir())

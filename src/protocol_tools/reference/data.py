"""Reference data: zones, techniques, limits and validation rules, read from ``data/``.

Safety limits and defaults live in those YAML files, each with its source, so a
clinic can change them without touching code. Set ``PROTOCOL_TOOLS_DATA`` to use
another folder. Every file is checked whole by :mod:`.loader` when first read; a
mistake is a :class:`ReferenceDataError` naming file, line and field.

    >>> ref = reference()
    >>> ref.zones["jawline"].name
    'Jawline'
    >>> ref.limits["microcurrent"]["max_current_uA"]
    1000
    >>> session_care().next_visit.weeks.max, sheet_settings().paper
    (6, 'a4')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import ReferenceDataError
from ..core.paths import PACKAGE_DIR, data_dir, inside_repository, private_dir, repo_root
from .snapshot import (
    REFERENCE_FILES,
    clear_values,
    file_key,
    load_payload,
    same_values,
    save_payload,
    snapshot_key,
)

# The loader and its models (pydantic) are imported when a file is first checked, so
# a command that finds the checked data in its snapshot (see .snapshot) never loads them.
if TYPE_CHECKING:
    from .models import (
        ContraindicationsFile,
        CostsFile,
        LimitsFile,
        PlansFile,
        RulesFile,
        SessionCareFile,
        SheetFile,
        TechniquesFile,
        TrainingFile,
        ZonesFile,
    )

__all__ = [
    "PACKAGE_DIR",
    "ReferenceData",
    "Rule",
    "Technique",
    "Zone",
    "clear_cache",
    "contraindications",
    "costs",
    "data_dir",
    "file_key",
    "inside_repository",
    "load_data_file",
    "plans_file",
    "private_dir",
    "reference",
    "repo_root",
    "session_care",
    "sheet_settings",
    "training_file",
    "zones_file",
]

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


def reference() -> ReferenceData:
    """The reference data, read once per data folder and change of its files."""
    folder = data_dir()
    return _reference_at(folder, tuple(file_key(folder / name) for name in REFERENCE_FILES))


@cache
def _reference_at(folder: Path, keys: tuple[Any, ...]) -> ReferenceData:
    """The checked data of ``folder``: from the snapshot of these very files when a
    run before kept one (see .snapshot), else checked by the loader now (and kept)."""
    del keys  # the cache key only
    key = snapshot_key(folder)
    payload = load_payload(folder, key) if key is not None else None
    if payload is not None:
        return _from_payload(payload)
    # Read afresh, so that what is kept is what these very bytes hold (the loader's own
    # cache knows a file by its size and times only).
    from . import loader

    loader.clear_cache()
    checked = _checked_reference()
    payload = _payload_of(checked)
    if (
        key is not None
        and key == snapshot_key(folder)  # unchanged while they were checked
        and same_values(_from_payload(payload), checked)
    ):
        save_payload(folder, key, payload)
    return checked


def _payload_of(ref: ReferenceData) -> dict[str, Any]:
    """What a snapshot keeps of ``ref``: its records' fields and the limits, plain data."""
    return {
        "zones": [{**asdict(zone), "muscles": list(zone.muscles)} for zone in ref.zones.values()],
        "techniques": [asdict(technique) for technique in ref.techniques.values()],
        "rules": [asdict(rule) for rule in ref.rules.values()],
        "limits": ref.limits,
    }


def _from_payload(payload: dict[str, Any]) -> ReferenceData:
    zones = (Zone(**{**item, "muscles": tuple(item["muscles"])}) for item in payload["zones"])
    return ReferenceData(
        zones={zone.id: zone for zone in zones},
        techniques={item["id"]: Technique(**item) for item in payload["techniques"]},
        limits=payload["limits"],
        rules={item["code"]: Rule(**item) for item in payload["rules"]},
    )


def _checked_reference() -> ReferenceData:
    from .loader import data_model, load_data_file

    zones_doc: ZonesFile = data_model("zones.yaml")
    techniques_doc: TechniquesFile = data_model("techniques.yaml")
    rules_doc: RulesFile = data_model("rules.yaml")
    limits_doc: LimitsFile = data_model("limits.yaml")
    known = {zone.id for zone in zones_doc.zones}
    for index, zone in enumerate(limits_doc.core_zones.zones):
        if zone not in known:
            raise _limits_problem(
                ("core_zones", "zones", index), f"{zone!r} is not a zone of zones.yaml"
            )
    zones = {
        z.id: Zone(
            id=z.id,
            name=z.name,
            muscles=tuple(z.muscles or ()),
            direction=z.direction,
            max_current_uA=z.max_current_uA,
            current_source=z.current_source,
            notes=z.notes or "",
        )
        for z in zones_doc.zones
    }
    techniques = {
        t.id: Technique(t.id, t.name, t.description, t.uses_hold, t.source or "")
        for t in techniques_doc.techniques
    }
    rules = {r.code: Rule(r.code, r.severity, r.explanation, r.source) for r in rules_doc.rules}
    return ReferenceData(
        zones=zones, techniques=techniques, limits=load_data_file("limits.yaml"), rules=rules
    )


def clear_cache() -> None:
    """Forget every data file read (a test that rewrites one within one clock tick)."""
    from . import loader

    loader.clear_cache()
    _reference_at.cache_clear()
    clear_values()


def _limits_problem(path: tuple[Any, ...], message: str) -> ReferenceDataError:
    from .loader import data_document
    from .problems import problem_error

    return problem_error(data_document("limits.yaml"), [(path, message)])


def load_data_file(name: str) -> Any:
    """``data/<name>`` as plain data (a fresh copy), checked in full against its model
    (see :func:`.loader.load_data_file`)."""
    from . import loader

    return loader.load_data_file(name)


def data_model(name: str) -> Any:
    """``data/<name>`` as its checked model (see :func:`.loader.data_model`)."""
    from .loader import data_model as checked_model

    return checked_model(name)


# -- typed accessors: features may read these instead of plain dicts ---------------


def zones_file() -> ZonesFile:
    """``data/zones.yaml`` checked: canvas, face drawing and zones with their shapes."""
    return data_model("zones.yaml")


def session_care() -> SessionCareFile:
    """``data/session_care.yaml`` checked: prep checklist, aftercare, next visit."""
    return data_model("session_care.yaml")


def sheet_settings() -> SheetFile:
    """``data/sheet.yaml`` checked: paper, clinic, practitioner and fonts."""
    return data_model("sheet.yaml")


def contraindications() -> ContraindicationsFile:
    """``data/contraindications.yaml`` checked: outcomes, rules and list questions."""
    return data_model("contraindications.yaml")


def plans_file() -> PlansFile:
    """``data/plans.yaml`` checked: treatment series and home routines, with bounds."""
    return data_model("plans.yaml")


def costs() -> CostsFile:
    """``data/costs.yaml`` checked: clinic and home prices and what each gives."""
    return data_model("costs.yaml")


def training_file() -> TrainingFile:
    """``data/training.yaml`` checked: pass mark, readiness, qualification, checklist."""
    return data_model("training.yaml")

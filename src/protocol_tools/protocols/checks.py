"""Check a protocol against the format's meaning and the limits in ``data/``.

Every rule has a code in ``data/rules.yaml``; every number comes from
``data/limits.yaml`` or ``data/zones.yaml``.

    >>> from protocol_tools import load_protocol, validate
    >>> findings = validate(load_protocol("protocols/express-10.yaml"))  # doctest: +SKIP
    >>> [f.code for f in findings if f.is_error]  # doctest: +SKIP
    []

A file that does not fit the format still gets these checks, field by field, for
every value the format check did not already refuse (see :func:`field_findings`),
so one run names every independent mistake of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import ProtocolFileError
from ..core.findings import Finding
from ..core.safe_yaml import YamlDocument
from ..core.text import number
from ..reference.data import reference
from ..reference.rules import make_finding
from .loading import duplicate_id_finding, load_protocol, protocol_files, suggest
from .model import Protocol, Step

__all__ = ["check_files", "field_findings", "validate"]

_TREATMENT_ONLY = (
    "zone",
    "side",
    "technique",
    "passes",
    "hold_seconds",
    "current_uA",
    "frequency_hz",
    "direction",
)

FieldPath = tuple[Hashable, ...]
Locate = Callable[[FieldPath], tuple[int | None, int | None]]


class _Unusable:
    """The value of a field the format check already reported."""

    def __repr__(self) -> str:
        return "UNUSABLE"


# Checks skip a field holding this: its mistake has been reported once already.
UNUSABLE: Any = _Unusable()


def _usable(value: Any) -> bool:
    return value is not None and value is not UNUSABLE


@dataclass(frozen=True)
class _Fields:
    """What the field checks read: each value as the file holds it, None when it is
    left out, or UNUSABLE when the format check already refused it."""

    protocol_id: Any
    setting: Any
    default_current: Any
    default_frequency: Any
    steps: tuple[Mapping[str, Any], ...]

    @classmethod
    def of_protocol(cls, protocol: Protocol) -> _Fields:
        return cls(
            protocol_id=protocol.id,
            setting=protocol.setting,
            default_current=protocol.defaults.current_uA,
            default_frequency=protocol.defaults.frequency_hz,
            steps=tuple(
                {name: getattr(step, name) for name in Step.model_fields} for step in protocol.steps
            ),
        )

    @classmethod
    def of_data(cls, data: Mapping[Any, Any], reported: Iterable[FieldPath]) -> _Fields:
        """The fields of raw file data, given the paths the format check reported."""
        refused = {tuple(path) for path in reported}

        def container(value: Any, path: FieldPath, kind: type) -> Any:
            broken = any(path[: len(r)] == r for r in refused) or not isinstance(value, kind)
            return UNUSABLE if broken else value

        def leaf(mapping: Any, name: str, path: FieldPath, default: Any = None) -> Any:
            if mapping is UNUSABLE:
                return UNUSABLE
            if any(_overlap(path, r) for r in refused):
                return UNUSABLE
            return mapping.get(name, default)

        defaults = data.get("defaults", {})
        defaults = container(defaults, ("defaults",), dict)
        steps = container(data.get("steps"), ("steps",), list)
        views = []
        for index, raw in enumerate(steps if steps is not UNUSABLE else ()):
            step = container(raw, ("steps", index), dict)
            views.append(
                {
                    name: leaf(step, name, ("steps", index, name), _default(name))
                    for name in Step.model_fields
                }
            )
        return cls(
            protocol_id=leaf(data, "id", ("id",)),
            setting=leaf(data, "setting", ("setting",)),
            default_current=leaf(defaults, "current_uA", ("defaults", "current_uA")),
            default_frequency=leaf(defaults, "frequency_hz", ("defaults", "frequency_hz")),
            steps=tuple(views),
        )


def _overlap(path: FieldPath, other: FieldPath) -> bool:
    """Whether one path lies inside the other (or they are the same)."""
    shorter = min(len(path), len(other))
    return path[:shorter] == other[:shorter]


def _default(name: str) -> Any:
    info = Step.model_fields[name]
    return None if info.is_required() else info.default


class _FieldChecks:
    """The checks of one field or one step at a time, against the limits in data/.

    They read values through :class:`_Fields`, so they run on a loaded protocol
    and on a file the format check refused alike; UNUSABLE values are skipped.
    """

    def __init__(
        self, fields: _Fields, *, source: str | None, path: str | None, locate: Locate
    ) -> None:
        self.fields = fields
        self.source = source
        self.path = path
        self.locate = locate
        self.ref = reference()
        self.findings: list[Finding] = []

    def add(self, code: str, message: str, path: Sequence[Hashable] = ()) -> None:
        line, column = self.locate(tuple(path))
        self.findings.append(
            make_finding(code, message, path, file=self.source, line=line, column=column)
        )

    def run_field_checks(self) -> None:
        self.check_id_matches_file()
        self.check_defaults()
        for index, step in enumerate(self.fields.steps):
            if step["kind"] == "treatment":
                self.check_treatment_step(index, step)
            elif _usable(step["kind"]):
                self.check_action_step(index, step)

    def check_id_matches_file(self) -> None:
        protocol_id = self.fields.protocol_id
        if self.path and _usable(protocol_id) and Path(self.path).stem != protocol_id:
            self.add(
                "id-mismatch",
                f"the id {protocol_id!r} differs from the file name {Path(self.path).name!r}; "
                f"rename the file to {protocol_id}.yaml or change the id",
                ("id",),
            )

    def check_defaults(self) -> None:
        if _usable(self.fields.default_current):
            self.check_current(self.fields.default_current, ("defaults", "current_uA"), zone=None)
        if _usable(self.fields.default_frequency):
            self.check_frequency(self.fields.default_frequency, ("defaults", "frequency_hz"))

    def check_treatment_step(self, index: int, step: Mapping[str, Any]) -> None:
        here = ("steps", index)
        for name in ("zone", "side", "technique"):
            if step[name] is None:
                self.add("missing-field", f"a treatment step needs a {name}", (*here, name))
        zone = None
        if _usable(step["zone"]):
            zone = self.ref.zones.get(step["zone"])
            if zone is None:
                self.add_unknown(step["zone"], self.ref.zones, "zone", (*here, "zone"))
        technique = None
        if _usable(step["technique"]):
            technique = self.ref.techniques.get(step["technique"])
            if technique is None:
                self.add_unknown(
                    step["technique"], self.ref.techniques, "technique", (*here, "technique")
                )
        self.check_hold(index, step, technique)
        self.check_step_current(index, step, zone)
        if _usable(step["frequency_hz"]):
            self.check_frequency(step["frequency_hz"], (*here, "frequency_hz"))

    def check_hold(self, index: int, step: Mapping[str, Any], technique: Any) -> None:
        here = ("steps", index)
        hold, seconds = step["hold_seconds"], step["seconds"]
        if technique is not None and technique.uses_hold and hold is None:
            default = self.ref.limits["step_defaults"]["hold_seconds"]
            self.add(
                "hold-without-time",
                f"{technique.name} needs hold_seconds (assuming {number(default)} s)",
                (*here, "technique"),
            )
        if _usable(hold) and _usable(seconds) and hold > seconds:
            self.add(
                "hold-too-long",
                f"a hold of {number(hold)} s does not fit in a {number(seconds)} s step",
                (*here, "hold_seconds"),
            )

    def check_step_current(self, index: int, step: Mapping[str, Any], zone: Any) -> None:
        path = ("steps", index, "current_uA")
        own, inherited = step["current_uA"], self.fields.default_current
        if own is UNUSABLE:
            return
        if own is not None:
            self.check_current(own, path, zone=zone)
        elif inherited is None:
            self.add(
                "missing-field",
                "no current: set defaults.current_uA or this step's current_uA",
                path,
            )
        elif inherited is not UNUSABLE:
            self.check_current(inherited, path, zone=zone, inherited=True)

    def check_action_step(self, index: int, step: Mapping[str, Any]) -> None:
        here = ("steps", index)
        kind = step["kind"]
        if step["action"] is None:
            self.add("missing-field", f"a {kind} step needs an action", (*here, "action"))
        extra = [name for name in _TREATMENT_ONLY if _usable(step[name])]
        if extra:
            self.add(
                "step-shape",
                f"a {kind} step has no device work, so it takes no {', '.join(extra)} "
                "(make it a treatment step, or remove them)",
                (*here, extra[0]),
            )

    def add_unknown(
        self, value: str, known: Iterable[str], what: str, path: Sequence[Hashable]
    ) -> None:
        known = list(known)
        message = f"unknown {what} {value!r}"
        hint = suggest(value, known)
        message += f"; did you mean {hint!r}?" if hint else f"; known: {', '.join(known)}"
        self.add("unknown-choice", message, path)

    def check_current(
        self, current: float, path: Sequence[Hashable], *, zone, inherited: bool = False
    ) -> None:
        limits = self.ref.limits
        origin = " (from defaults.current_uA)" if inherited else ""
        ceiling = limits["microcurrent"]["max_current_uA"]
        if current >= ceiling:
            self.add(
                "not-microcurrent",
                f"{number(current)} µA{origin} is not microcurrent "
                f"(it must stay below {number(ceiling)} µA)",
                path,
            )
            return
        if zone is not None and current > zone.max_current_uA:
            self.add(
                "above-zone-limit",
                f"{number(current)} µA{origin} is above the {zone.name.lower()} limit of "
                f"{number(zone.max_current_uA)} µA",
                path,
            )
        setting = self.fields.setting
        if not _usable(setting):
            return
        setting_max = limits["settings"][setting]["max_current_uA"]
        if current > setting_max:
            self.add(
                "above-setting-limit",
                f"{number(current)} µA{origin} is above the {setting} limit of "
                f"{number(setting_max)} µA",
                path,
            )

    def check_frequency(self, frequency: float, path: Sequence[Hashable]) -> None:
        bounds = self.ref.limits["frequency_hz"]
        if not bounds["min"] <= frequency <= bounds["max"]:
            self.add(
                "frequency-range",
                f"{number(frequency)} Hz is outside {number(bounds['min'])}–"
                f"{number(bounds['max'])} Hz",
                path,
            )


class _Checker(_FieldChecks):
    """Every check of a loaded protocol: field by field, then the whole session."""

    def __init__(self, protocol: Protocol) -> None:
        super().__init__(
            _Fields.of_protocol(protocol),
            source=protocol.source_name,
            path=protocol.path,
            locate=protocol.locate,
        )
        self.protocol = protocol

    def run(self) -> list[Finding]:
        self.run_field_checks()
        if not any(step.kind == "treatment" for step in self.protocol.steps):
            self.add("no-treatment", "the protocol has no treatment step", ("steps",))
        else:
            self.check_device_time()
            self.check_target()
            self.check_balance()
            self.check_core_zones()
        return self.findings

    # -- whole protocol ---------------------------------------------------------
    def check_device_time(self) -> None:
        setting = self.protocol.setting
        limits = self.ref.limits["settings"][setting]["device_minutes"]
        minutes = self.protocol.device_seconds / 60
        if not limits["min"] <= minutes <= limits["max"]:
            code = "clinic-duration" if setting == "clinic" else "home-duration"
            place = "a clinic session" if setting == "clinic" else "a home routine"
            self.add(
                code,
                f"device time is {minutes:.1f} min; {place} runs "
                f"{number(limits['min'])}–{number(limits['max'])} min",
                ("steps",),
            )

    def check_target(self) -> None:
        target = self.protocol.target_minutes
        if target is None:
            return
        tolerance = self.ref.limits["target_tolerance"]["fraction"]
        minutes = self.protocol.device_seconds / 60
        if abs(minutes - target) > tolerance * target:
            self.add(
                "target-mismatch",
                f"claims {number(target)} min but the treatment steps add up to "
                f"{minutes:.1f} min (more than {tolerance:.0%} apart)",
                ("target_minutes",),
            )

    def check_balance(self) -> None:
        totals: dict[str, dict[str, float]] = {}
        first_step: dict[str, int] = {}
        for index, step in enumerate(self.protocol.steps):
            if step.kind != "treatment" or step.zone not in self.ref.zones:
                continue
            if step.side in ("left", "right"):
                sides = totals.setdefault(step.zone, {"left": 0.0, "right": 0.0})
                sides[step.side] += step.seconds
                first_step.setdefault(step.zone, index)
        for zone, sides in totals.items():
            if sides["left"] != sides["right"]:
                self.add(
                    "side-imbalance",
                    f"{self.ref.zones[zone].name}: left {number(sides['left'])} s, "
                    f"right {number(sides['right'])} s",
                    ("steps", first_step[zone]),
                )

    def check_core_zones(self) -> None:
        if self.protocol.setting != "clinic" or self.protocol.scope != "full-face":
            return
        covered = {step.zone for step in self.protocol.steps if step.kind == "treatment"}
        missing = [z for z in self.ref.limits["core_zones"]["zones"] if z not in covered]
        if missing:
            self.add(
                "missing-core-zone",
                f"a full-face clinic protocol leaves out {', '.join(missing)} "
                "(set scope: targeted if that is intended)",
                ("steps",),
            )


def field_findings(
    document: YamlDocument, reported: Iterable[FieldPath], *, path: str | None = None
) -> list[Finding]:
    """The errors the field checks find in a file the format check refused.

    ``reported`` holds the paths the format check named: their values are not
    checked again, and no finding lands on one of them twice. ``path`` is the
    file, for the id check. Warnings wait until the file fits the format.
    """
    if not isinstance(document.data, dict):
        return []
    refused = {tuple(item) for item in reported}
    checks = _FieldChecks(
        _Fields.of_data(document.data, refused),
        source=document.source,
        path=path,
        locate=lambda where: document.position(where) or (None, None),
    )
    checks.run_field_checks()
    return [f for f in checks.findings if f.is_error and f.path not in refused]


def validate(protocol: Protocol) -> list[Finding]:
    """Findings (errors and warnings) for a loaded protocol, in file order."""
    return _Checker(protocol).run()


def check_files(paths: Iterable[str | Path]) -> dict[str, list[Finding]]:
    """Read and validate files and folders; also flags ids shared by two files.

    Returns the findings of every file, keyed by path (an empty list: clean).
    Never raises for a bad file: unreadable files get their findings too.
    """
    results: dict[str, list[Finding]] = {}
    owners: dict[str, str] = {}
    for path in protocol_files(paths):
        key = str(path)
        try:
            protocol = load_protocol(path)
        except ProtocolFileError as error:
            results[key] = error.findings
            continue
        findings = validate(protocol)
        owner = owners.setdefault(protocol.id, key)
        if owner != key:
            findings.insert(0, duplicate_id_finding(protocol, owner, key))
        results[key] = findings
    return results

"""Check a protocol against the format's meaning and the limits in ``data/``.

Every rule has a code in ``data/rules.yaml``; every number comes from
``data/limits.yaml`` or ``data/zones.yaml``.

    >>> from protocol_tools import load_protocol, validate
    >>> findings = validate(load_protocol("protocols/express-10.yaml"))  # doctest: +SKIP
    >>> [f.code for f in findings if f.is_error]  # doctest: +SKIP
    []
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from pathlib import Path

from ._data import reference
from ._errors import ProtocolFileError
from ._findings import Finding, make_finding
from ._loading import duplicate_id_finding, load_protocol, protocol_files, suggest
from ._model import Protocol
from ._text import number

__all__ = ["check_files", "validate"]

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


class _Checker:
    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self.ref = reference()
        self.findings: list[Finding] = []

    def add(self, code: str, message: str, path: Sequence[Hashable] = ()) -> None:
        line, column = self.protocol.locate(tuple(path))
        self.findings.append(
            make_finding(
                code, message, path, file=self.protocol.source_name, line=line, column=column
            )
        )

    def run(self) -> list[Finding]:
        self.check_id_matches_file()
        self.check_defaults()
        for index, step in enumerate(self.protocol.steps):
            if step.kind == "treatment":
                self.check_treatment_step(index)
            else:
                self.check_action_step(index)
        if not any(step.kind == "treatment" for step in self.protocol.steps):
            self.add("no-treatment", "the protocol has no treatment step", ("steps",))
        else:
            self.check_device_time()
            self.check_target()
            self.check_balance()
            self.check_core_zones()
        return self.findings

    # -- whole protocol ---------------------------------------------------------
    def check_id_matches_file(self) -> None:
        path = self.protocol.path
        if path and Path(path).stem != self.protocol.id:
            self.add(
                "id-mismatch",
                f"the id {self.protocol.id!r} differs from the file name {Path(path).name!r}; "
                f"rename the file to {self.protocol.id}.yaml or change the id",
                ("id",),
            )

    def check_defaults(self) -> None:
        defaults = self.protocol.defaults
        if defaults.current_uA is not None:
            self.check_current(defaults.current_uA, ("defaults", "current_uA"), zone=None)
        if defaults.frequency_hz is not None:
            self.check_frequency(defaults.frequency_hz, ("defaults", "frequency_hz"))

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

    # -- one step ---------------------------------------------------------------
    def check_treatment_step(self, index: int) -> None:
        step = self.protocol.steps[index]
        here = ("steps", index)
        for name in ("zone", "side", "technique"):
            if getattr(step, name) is None:
                self.add("missing-field", f"a treatment step needs a {name}", (*here, name))
        zone = None
        if step.zone is not None:
            zone = self.ref.zones.get(step.zone)
            if zone is None:
                self.add_unknown(step.zone, self.ref.zones, "zone", (*here, "zone"))
        technique = None
        if step.technique is not None:
            technique = self.ref.techniques.get(step.technique)
            if technique is None:
                self.add_unknown(
                    step.technique, self.ref.techniques, "technique", (*here, "technique")
                )
        if technique is not None and technique.uses_hold and step.hold_seconds is None:
            default = self.ref.limits["step_defaults"]["hold_seconds"]
            self.add(
                "hold-without-time",
                f"{technique.name} needs hold_seconds (assuming {number(default)} s)",
                (*here, "technique"),
            )
        if step.hold_seconds is not None and step.hold_seconds > step.seconds:
            self.add(
                "hold-too-long",
                f"a hold of {number(step.hold_seconds)} s does not fit in a "
                f"{number(step.seconds)} s step",
                (*here, "hold_seconds"),
            )
        if step.current_uA is not None:
            self.check_current(step.current_uA, (*here, "current_uA"), zone=zone)
        elif self.protocol.defaults.current_uA is not None:
            self.check_current(
                self.protocol.defaults.current_uA, (*here, "current_uA"), zone=zone, inherited=True
            )
        else:
            self.add(
                "missing-field",
                "no current: set defaults.current_uA or this step's current_uA",
                (*here, "current_uA"),
            )
        if step.frequency_hz is not None:
            self.check_frequency(step.frequency_hz, (*here, "frequency_hz"))

    def check_action_step(self, index: int) -> None:
        step = self.protocol.steps[index]
        here = ("steps", index)
        if step.action is None:
            self.add("missing-field", f"a {step.kind} step needs an action", (*here, "action"))
        extra = [name for name in _TREATMENT_ONLY if getattr(step, name) is not None]
        if extra:
            self.add(
                "step-shape",
                f"a {step.kind} step has no device work, so it takes no {', '.join(extra)} "
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
        setting = self.protocol.setting
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

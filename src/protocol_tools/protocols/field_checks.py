"""The checks of one field or one step at a time, against the limits in ``data/``.

They read a protocol through :class:`Fields`: plain views of its values, made from a
loaded :class:`~.model.Protocol`, from data that fits the format (:mod:`.plain_format`)
or from a file the format check refused (its refused values marked UNUSABLE), so the
same checks run on all three. No pydantic here: ``protocol-tools validate`` starts
without it.

    >>> from protocol_tools import reference
    >>> fields = Fields.of_data({"id": "x", "steps": [{"zone": "jaw", "seconds": 5}]}, ())
    >>> checks = FieldChecks(fields, source="x.yaml", path=None,
    ...                      locate=lambda where: (None, None), ref=reference())
    >>> checks.run_field_checks()
    >>> [finding.code for finding in checks.findings]
    ['missing-field', 'missing-field', 'unknown-choice', 'missing-field']
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.text import number, suggest
from ..reference.rules import make_finding
from .format_table import TABLE

if TYPE_CHECKING:
    from ..core.findings import Finding
    from ..reference.data import ReferenceData
    from .model import Protocol

__all__ = [
    "UNUSABLE",
    "FieldChecks",
    "FieldPath",
    "Fields",
    "Locate",
    "device_seconds",
    "usable",
]

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

# A step's fields and what each is when left out, from the format (the model's table).
_STEP_DEFAULTS = {
    name: None if default is None else default["value"]
    for name, _, default in TABLE["models"]["Step"]
}
_STEP_FIELDS = tuple(_STEP_DEFAULTS)


class _Unusable:
    """The value of a field the format check already reported."""

    def __repr__(self) -> str:
        return "UNUSABLE"


# Checks skip a field holding this: its mistake has been reported once already.
UNUSABLE: Any = _Unusable()


def usable(value: Any) -> bool:
    return value is not None and value is not UNUSABLE


class Fields:
    """What the field checks read: each value as the file holds it, None when it is
    left out, or UNUSABLE when the format check already refused it. (A plain class:
    a dataclass costs a command's start more than it gives here.)"""

    __slots__ = (
        "default_current",
        "default_frequency",
        "protocol_id",
        "scope",
        "setting",
        "steps",
        "target_minutes",
    )

    def __init__(
        self,
        *,
        protocol_id: Any,
        setting: Any,
        default_current: Any,
        default_frequency: Any,
        steps: tuple[Mapping[str, Any], ...],
        scope: Any = None,
        target_minutes: Any = None,
    ) -> None:
        self.protocol_id = protocol_id
        self.setting = setting
        self.default_current = default_current
        self.default_frequency = default_frequency
        self.steps = steps
        # Read by the whole-protocol checks, which run on a protocol that fits the format.
        self.scope = scope
        self.target_minutes = target_minutes

    @classmethod
    def of_protocol(cls, protocol: Protocol) -> Fields:
        """The fields of a loaded protocol."""
        return cls(
            protocol_id=protocol.id,
            setting=protocol.setting,
            default_current=protocol.defaults.current_uA,
            default_frequency=protocol.defaults.frequency_hz,
            steps=tuple(
                {name: getattr(step, name) for name in _STEP_FIELDS} for step in protocol.steps
            ),
            scope=protocol.scope,
            target_minutes=protocol.target_minutes,
        )

    @classmethod
    def of_fitted(cls, data: Mapping[str, Any]) -> Fields:
        """The fields of data as :func:`.plain_format.fitted` gives it: the values a
        loaded protocol would hold, every field present."""
        return cls(
            protocol_id=data["id"],
            setting=data["setting"],
            default_current=data["defaults"]["current_uA"],
            default_frequency=data["defaults"]["frequency_hz"],
            steps=tuple(data["steps"]),
            scope=data["scope"],
            target_minutes=data["target_minutes"],
        )

    @classmethod
    def of_data(cls, data: Mapping[Any, Any], reported: Iterable[FieldPath]) -> Fields:
        """The fields of raw file data, given the paths the format check reported.

        A value is UNUSABLE when a reported path is its own, holds it or lies inside it.
        """
        refused = {tuple(path) for path in reported}
        inside = {path[:size] for path in refused for size in range(len(path) + 1)}

        def held(path: FieldPath) -> bool:  # a reported path is this one or holds it
            return any(path[:size] in refused for size in range(len(path) + 1))

        def container(value: Any, path: FieldPath, kind: type) -> Any:
            return UNUSABLE if held(path) or not isinstance(value, kind) else value

        def leaf(mapping: Any, name: str, path: FieldPath, default: Any = None) -> Any:
            if mapping is UNUSABLE or path in inside or held(path):
                return UNUSABLE
            return mapping.get(name, default)

        defaults = data.get("defaults", {})
        defaults = container(defaults, ("defaults",), dict)
        steps = container(data.get("steps"), ("steps",), list)
        # The steps some reported path reaches into; every other step the format
        # check took whole, its every field a field of the format.
        reported_steps = {path[1] for path in inside if len(path) > 1 and path[0] == "steps"}
        whole = () in refused  # the file as a whole was refused: nothing is taken whole
        views: list[Mapping[str, Any]] = []
        for index, raw in enumerate(steps if steps is not UNUSABLE else ()):
            if not whole and index not in reported_steps and isinstance(raw, dict):
                views.append({**_STEP_DEFAULTS, **raw})
                continue
            step = container(raw, ("steps", index), dict)
            if step is UNUSABLE:
                views.append(dict.fromkeys(_STEP_DEFAULTS, UNUSABLE))
                continue
            # The step itself is not held by a reported path, so a field is UNUSABLE
            # only when a reported path is the field's own or lies inside it.
            views.append(
                {
                    name: UNUSABLE if ("steps", index, name) in inside else step.get(name, default)
                    for name, default in _STEP_DEFAULTS.items()
                }
            )
        return cls(
            protocol_id=leaf(data, "id", ("id",)),
            setting=leaf(data, "setting", ("setting",)),
            default_current=leaf(defaults, "current_uA", ("defaults", "current_uA")),
            default_frequency=leaf(defaults, "frequency_hz", ("defaults", "frequency_hz")),
            steps=tuple(views),
        )


class FieldChecks:
    """The checks of one field or one step at a time, against the limits in data/.

    They read values through :class:`Fields`, so they run on a loaded protocol
    and on a file the format check refused alike; UNUSABLE values are skipped.
    """

    def __init__(
        self,
        fields: Fields,
        *,
        source: str | None,
        path: str | None,
        locate: Locate,
        ref: ReferenceData,
    ) -> None:
        self.fields = fields
        self.source = source
        self.path = path
        self.locate = locate
        self.ref = ref
        self.findings: list[Finding] = []

    def add(self, code: str, message: str, path: Sequence[Hashable] = ()) -> None:
        line, column = self.locate(tuple(path))
        self.findings.append(
            make_finding(
                code, message, path, file=self.source, line=line, column=column, ref=self.ref
            )
        )

    def run_field_checks(self) -> None:
        self.check_id_matches_file()
        self.check_defaults()
        for index, step in enumerate(self.fields.steps):
            if step["kind"] == "treatment":
                self.check_treatment_step(index, step)
            elif usable(step["kind"]):
                self.check_action_step(index, step)

    def check_id_matches_file(self) -> None:
        protocol_id = self.fields.protocol_id
        if self.path and usable(protocol_id) and Path(self.path).stem != protocol_id:
            self.add(
                "id-mismatch",
                f"the id {protocol_id!r} differs from the file name {Path(self.path).name!r}; "
                f"rename the file to {protocol_id}.yaml or change the id",
                ("id",),
            )

    def check_defaults(self) -> None:
        if usable(self.fields.default_current):
            self.check_current(self.fields.default_current, ("defaults", "current_uA"), zone=None)
        if usable(self.fields.default_frequency):
            self.check_frequency(self.fields.default_frequency, ("defaults", "frequency_hz"))

    def check_treatment_step(self, index: int, step: Mapping[str, Any]) -> None:
        here = ("steps", index)
        for name in ("zone", "side", "technique"):
            if step[name] is None:
                self.add("missing-field", f"a treatment step needs a {name}", (*here, name))
        zone = None
        if usable(step["zone"]):
            zone = self.ref.zones.get(step["zone"])
            if zone is None:
                self.add_unknown(step["zone"], self.ref.zones, "zone", (*here, "zone"))
        technique = None
        if usable(step["technique"]):
            technique = self.ref.techniques.get(step["technique"])
            if technique is None:
                self.add_unknown(
                    step["technique"], self.ref.techniques, "technique", (*here, "technique")
                )
        self.check_hold(index, step, technique)
        self.check_step_current(index, step, zone)
        if usable(step["frequency_hz"]):
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
        if usable(hold) and usable(seconds) and hold > seconds:
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
        extra = [name for name in _TREATMENT_ONLY if usable(step[name])]
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
        if not usable(setting):
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


def device_seconds(steps: Iterable[Mapping[str, Any]]) -> float:
    """Seconds of device work in step views: the treatment steps only (as
    :attr:`.model.Protocol.device_seconds` counts them)."""
    return sum(step["seconds"] for step in steps if step["kind"] == "treatment")

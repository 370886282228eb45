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

:func:`check_files` reads a file that plainly fits the format without the model
(:mod:`.plain_format` says so, from the model's own table) and runs the same checks on
the same values; any other file is loaded by the model, as :func:`.loading.load_protocol`
loads it. The findings are the same either way (``tests/protocols/test_check_files.py``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import ProtocolFileError
from ..core.safe_yaml import YamlDocument, YamlProblem, read_yaml_file
from ..core.text import number
from ..reference.snapshot import checked_values
from .field_checks import FieldChecks, FieldPath, Fields, Locate, device_seconds
from .plain_format import fitted
from .reading import id_taken_finding, protocol_files, protocol_from_document, unreadable_error

if TYPE_CHECKING:
    from ..core.findings import Finding
    from ..reference.data import ReferenceData
    from .model import Protocol

__all__ = ["Checker", "check_files", "field_findings", "validate"]


class Checker(FieldChecks):
    """Every check of a protocol that fits the format: field by field, then the whole
    session. It reads the protocol's :class:`.field_checks.Fields` only."""

    def run(self) -> list[Finding]:
        self.run_field_checks()
        if not any(step["kind"] == "treatment" for step in self.fields.steps):
            self.add("no-treatment", "the protocol has no treatment step", ("steps",))
        else:
            self.check_device_time()
            self.check_target()
            self.check_balance()
            self.check_core_zones()
        return self.findings

    # -- whole protocol ---------------------------------------------------------
    def check_device_time(self) -> None:
        setting = self.fields.setting
        limits = self.ref.limits["settings"][setting]["device_minutes"]
        minutes = device_seconds(self.fields.steps) / 60
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
        target = self.fields.target_minutes
        if target is None:
            return
        tolerance = self.ref.limits["target_tolerance"]["fraction"]
        minutes = device_seconds(self.fields.steps) / 60
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
        for index, step in enumerate(self.fields.steps):
            if step["kind"] != "treatment" or step["zone"] not in self.ref.zones:
                continue
            if step["side"] in ("left", "right"):
                sides = totals.setdefault(step["zone"], {"left": 0.0, "right": 0.0})
                sides[step["side"]] += step["seconds"]
                first_step.setdefault(step["zone"], index)
        for zone, sides in totals.items():
            if sides["left"] != sides["right"]:
                self.add(
                    "side-imbalance",
                    f"{self.ref.zones[zone].name}: left {number(sides['left'])} s, "
                    f"right {number(sides['right'])} s",
                    ("steps", first_step[zone]),
                )

    def check_core_zones(self) -> None:
        if self.fields.setting != "clinic" or self.fields.scope != "full-face":
            return
        covered = {step["zone"] for step in self.fields.steps if step["kind"] == "treatment"}
        missing = [z for z in self.ref.limits["core_zones"]["zones"] if z not in covered]
        if missing:
            self.add(
                "missing-core-zone",
                f"a full-face clinic protocol leaves out {', '.join(missing)} "
                "(set scope: targeted if that is intended)",
                ("steps",),
            )


def field_findings(
    document: YamlDocument,
    reported: Iterable[FieldPath],
    *,
    path: str | None = None,
    ref: ReferenceData | None = None,
) -> list[Finding]:
    """The errors the field checks find in a file the format check refused.

    ``reported`` holds the paths the format check named: their values are not
    checked again, and no finding lands on one of them twice. ``path`` is the
    file, for the id check. Warnings wait until the file fits the format.
    """
    if not isinstance(document.data, dict):
        return []
    refused = {tuple(item) for item in reported}
    checks = FieldChecks(
        Fields.of_data(document.data, refused),
        source=document.source,
        path=path,
        locate=_locator(document),
        ref=ref or _reference(),
    )
    checks.run_field_checks()
    return [f for f in checks.findings if f.is_error and f.path not in refused]


def validate(protocol: Protocol) -> list[Finding]:
    """Findings (errors and warnings) for a loaded protocol, in file order."""
    return _validate(protocol, _reference())


def _validate(protocol: Protocol, ref: ReferenceData) -> list[Finding]:
    return Checker(
        Fields.of_protocol(protocol),
        source=protocol.source_name,
        path=protocol.path,
        locate=protocol.locate,
        ref=ref,
    ).run()


def check_files(paths: Iterable[str | Path]) -> dict[str, list[Finding]]:
    """Read and validate files and folders; also flags ids shared by two files.

    Returns the findings of every file, keyed by path (an empty list: clean).
    Never raises for a bad file: unreadable files get their findings too.
    """
    ref = checked_values()  # once for the whole run, as the files are checked against it
    results: dict[str, list[Finding]] = {}
    owners: dict[str, str] = {}
    with _collector_paused():
        for path in protocol_files(paths):
            key = str(path)
            findings, protocol_id, locate = _check_file(key, ref)
            if protocol_id is not None:
                owner = owners.setdefault(protocol_id, key)
                if owner != key:
                    findings.insert(0, id_taken_finding(protocol_id, locate(("id",)), owner, key))
            results[key] = findings
    return results


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused for a run: each file's node tree is thousands of
    short-lived objects that reference counting frees at once, yet they set the
    collector off again and again (a quarter of a big library's time). What a run
    leaves in cycles is collected when the collector resumes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_file(source: str, ref: ReferenceData) -> tuple[list[Finding], str | None, Locate]:
    """One file's findings, and its id and positions when it was read as a protocol."""
    try:
        document = read_yaml_file(source)
    except YamlProblem as problem:
        return unreadable_error(source, problem, ref=ref).findings, None, _nowhere
    data = fitted(document.data)
    if data is None:  # the model reads it and words every error
        try:
            protocol = protocol_from_document(document, path=source, ref=ref)
        except ProtocolFileError as error:
            return error.findings, None, _nowhere
        return _validate(protocol, ref), protocol.id, protocol.locate
    locate = _locator(document)
    checker = Checker(Fields.of_fitted(data), source=source, path=source, locate=locate, ref=ref)
    return checker.run(), data["id"], locate


def _reference() -> ReferenceData:
    # Imported here: check_files reads the checked values without reference.data's classes.
    from ..reference.data import reference

    return reference()


def _locator(document: YamlDocument) -> Locate:
    return lambda where: document.position(where) or (None, None)


def _nowhere(where: FieldPath) -> tuple[None, None]:
    return None, None

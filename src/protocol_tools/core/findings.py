"""What the validator reports: a finding names a rule, a place and what is wrong.

>>> finding = Finding("not-positive", "error", "must be more than 0 (got -30)",
...                   ("steps", 3, "seconds"), file="protocols/lift-20.yaml", line=14, column=5)
>>> print(finding)
protocols/lift-20.yaml:14:5 steps[3].seconds: must be more than 0 (got -30) [error: not-positive]

A leaf: it imports nothing of the package, so every layer may use it. Findings
for a rule of ``data/rules.yaml`` (severity and explanation filled in) come from
:func:`protocol_tools.reference.rules.make_finding`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Finding", "field_path", "field_words", "name_words", "step_of", "summarize"]


def field_path(path: Sequence[Hashable]) -> str:
    """``("steps", 3, "seconds")`` -> ``"steps[3].seconds"``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class Finding:
    """One thing the validator found, with the rule behind it and where it stands."""

    code: str
    severity: str
    message: str
    path: tuple[Hashable, ...] = ()
    file: str | None = None
    line: int | None = None
    column: int | None = None
    explanation: str = field(default="", compare=False)
    source: str = field(default="", compare=False)

    @property
    def field(self) -> str:
        return field_path(self.path)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def where(self) -> str:
        """``file:line:column`` as far as it is known."""
        parts = [self.file or "<protocol>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        subject = f" {self.field}:" if self.path else ""
        return f"{self.where()}{subject} {self.message} [{self.severity}: {self.code}]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "field": self.field,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "explanation": self.explanation,
            "source": self.source,
        }


def step_of(finding: Finding) -> int | None:
    """The 0-based step a finding concerns, or None for the whole protocol."""
    path = finding.path
    if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int):
        return path[1]
    return None


# A unit at the end of a field's name, as people write it ("current_uA": "current µA").
_UNIT_WORDS = {"uA": "µA", "hz": "Hz"}


def name_words(name: str) -> str:
    """A field's name in people's words, for the apps: no underscores, units as written.

    >>> name_words("target_minutes"), name_words("current_uA"), name_words("defaults.frequency_hz")
    ('target minutes', 'current µA', 'default frequency Hz')
    """
    words = []
    for part in name.split("."):
        if part == "defaults":
            words.append("default")
        else:
            words.extend(_UNIT_WORDS.get(word, word) for word in part.split("_") if word)
    return " ".join(words)


def _path_words(path: Sequence[Hashable]) -> str:
    """``("steps", 2, "hold_seconds")`` -> "step 3 hold seconds" (items counted from 1)."""
    words: list[str] = []
    for index, part in enumerate(path):
        if isinstance(part, int):
            words.append(str(part + 1))
            continue
        text = name_words(str(part))
        follows = index + 1 < len(path) and isinstance(path[index + 1], int)
        words.append(text.removesuffix("s") if follows else text)  # "steps" 2: "step 3"
    return " ".join(word for word in words if word)


def field_words(finding: Finding, *, within_step: bool = False) -> str:
    """Where a finding points, for people: "step 3 zone" (steps counted from 1), the
    field's name without underscores ("step 3 hold seconds", "target minutes").

    ``within_step``: under the step's own row the step goes without saying, so only
    the field is named ("zone"; "" for the step as a whole).

    >>> where = Finding("not-positive", "error", "must be more than 0", ("steps", 2, "seconds"))
    >>> field_words(where), field_words(where, within_step=True)
    ('step 3 seconds', 'seconds')
    >>> field_words(Finding("target-mismatch", "warning", "claims 15 min", ("target_minutes",)))
    'target minutes'
    >>> field_words(Finding("missing-field", "error", "is required", ()))
    'the protocol'
    """
    step = step_of(finding)
    if step is not None and within_step:
        return _path_words(finding.path[2:])
    return _path_words(finding.path) or "the protocol"


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    """Count errors and warnings."""
    counts = {"error": 0, "warning": 0}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return counts

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

__all__ = ["Finding", "field_path", "summarize"]  # make_finding: see __getattr__


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


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    """Count errors and warnings."""
    counts = {"error": 0, "warning": 0}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return counts

"""Findings for the validator's rules: severity and explanation from ``data/rules.yaml``.

>>> finding = make_finding("not-positive", "must be more than 0 (got -30)",
...                        ("steps", 3, "seconds"), file="protocols/lift-20.yaml",
...                        line=14, column=5)
>>> print(finding)
protocols/lift-20.yaml:14:5 steps[3].seconds: must be more than 0 (got -30) [error: not-positive]
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.findings import Finding
    from .data import ReferenceData

__all__ = ["make_finding"]


def make_finding(
    code: str,
    message: str,
    path: Sequence[Hashable] = (),
    *,
    file: str | None = None,
    line: int | None = None,
    column: int | None = None,
    ref: ReferenceData | None = None,
) -> Finding:
    """A finding for rule ``code``; its severity and explanation come from data/rules.yaml
    (``ref``: the reference data a run already holds, else :func:`.data.reference`).

    The loader refuses a rules.yaml lacking any code the package reports
    (consistency.REQUIRED_RULE_CODES), so only a code missing from that list too
    reaches the KeyError: a programming error.
    """
    # Imported here: a run that holds its reference data passes it, and a file with no
    # finding never needs the Finding class (a dataclass: its module costs a start).
    from ..core.findings import Finding

    if ref is None:
        from .data import reference

        ref = reference()
    rule = ref.rules.get(code)
    if rule is None:
        raise KeyError(f"rule {code!r} is not in data/rules.yaml")
    return Finding(
        code=code,
        severity=rule.severity,
        message=message,
        path=tuple(path),
        file=file,
        line=line,
        column=column,
        explanation=rule.explanation,
        source=rule.source,
    )

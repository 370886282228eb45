"""The intake's fields: one dataclass says each field and the kind of answer it holds.

The rules in ``data/contraindications.yaml`` name these fields; the intake reader,
the form and the guided session read their kinds from :data:`FIELD_KINDS`, which
comes from :class:`Intake` itself, so a field is declared once.

    >>> FIELD_KINDS["pregnant"], FIELD_KINDS["last_retinoid_use"]
    ('yes-no', 'date-or-never')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["ANSWER_KINDS", "FIELD_KINDS", "PLAIN_NAMES", "Intake", "age_on"]

# The kinds of answer an intake field may hold; the reader has one check per kind.
ANSWER_KINDS = ("code", "date", "date-or-never", "yes-no", "list")


@dataclass(frozen=True)
class Intake:
    """A client's answers before a session. Build it with ``parse_intake``.

    ``client`` is a client code such as ``C-0042``, never a name. ``date`` is the
    session date: every wait is counted from it. ``last_retinoid_use`` and
    ``last_injectable`` are ``None`` for never (or not in the last month).
    """

    # Each field's metadata "kind" is one of ANSWER_KINDS: how its answer is read.
    client: str = field(metadata={"kind": "code"})
    date: dt.date = field(metadata={"kind": "date"})
    birth_date: dt.date = field(metadata={"kind": "date"})
    pregnant: bool = field(metadata={"kind": "yes-no"})
    breastfeeding: bool = field(metadata={"kind": "yes-no"})
    implanted_devices: tuple[str, ...] = field(metadata={"kind": "list"})
    seizure_disorder: bool = field(metadata={"kind": "yes-no"})
    conditions: tuple[str, ...] = field(metadata={"kind": "list"})
    last_retinoid_use: dt.date | None = field(metadata={"kind": "date-or-never"})
    last_injectable: dt.date | None = field(metadata={"kind": "date-or-never"})
    skin_in_treatment_area: tuple[str, ...] = field(metadata={"kind": "list"})
    metal_in_face: bool = field(metadata={"kind": "yes-no"})
    sensitive_skin: bool = field(metadata={"kind": "yes-no"})
    jewelry: bool = field(default=False, metadata={"kind": "yes-no"})
    braces: bool = field(default=False, metadata={"kind": "yes-no"})

    def to_dict(self) -> dict[str, Any]:
        """The intake as JSON-able data (dates as ISO text), the shape files use."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[item.name] = value
        return out


# What kind of answer each intake field holds, in the intake's order.
FIELD_KINDS: dict[str, str] = {item.name: item.metadata["kind"] for item in fields(Intake)}

# How a field with no question of its own is named (when it is missing, on the form).
PLAIN_NAMES = {
    "client": "the client code",
    "date": "the session date",
    "birth_date": "the client's date of birth",
}


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years on ``day``: someone born 2008-11-23 is 18 on 2026-11-23.

    >>> age_on(dt.date(2008, 11, 23), dt.date(2026, 11, 23))
    18
    """
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))

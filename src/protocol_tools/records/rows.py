"""Rows of the client record as the store writes them: a client found or added, the
planned steps of a visit and what each came to, values made fit for their columns
(JSON for screening and intake, text cut to a column's length, a known comfort level).

    >>> comfort_id("tingling")
    'tingling'
    >>> comfort_id("") is None  # not asked
    True
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core.errors import RecordError, UnknownClientError
from ..core.privacy import shown_value
from ..reference.data import session_care
from .schema import Client, VisitStep

__all__ = [
    "EVENT_FIELDS",
    "TEXT_LIMIT",
    "apply_step_result",
    "client_row",
    "comfort_id",
    "comfort_levels",
    "ensure_client",
    "fitted",
    "now",
    "plain_data",
    "planned_step",
    "words",
]

# Event columns taken from a session-log row (session.record.LOG_COLUMNS).
EVENT_FIELDS = (
    "seq",
    "event",
    "step",
    "kind",
    "zone",
    "side",
    "browser_ms",
    "planned_s",
    "actual_s",
    "current_uA",
    "reason",
    "source",
    "logged_at",
)
# Free text (an override's reason, a step's note) is kept up to this many characters.
TEXT_LIMIT = 1000


def now() -> dt.datetime:
    """The moment, in UTC (every time the record keeps)."""
    return dt.datetime.now(dt.UTC)


def comfort_levels() -> dict[str, str]:
    """The comfort answers the record keeps, ``{id: words}``, mildest first."""
    return {level.id: level.text for level in session_care().comfort}


def client_row(session: Session, code: str, *, missing_ok: bool = False) -> Client | None:
    """The client row with ``code`` (UnknownClientError, or None if ``missing_ok``)."""
    client = session.scalar(select(Client).where(Client.code == code))
    if client is None and not missing_ok:
        raise UnknownClientError(f"no client with the code {code} is in the record")
    return client


def ensure_client(session: Session, code: str, display_name: str | None = None) -> Client:
    """The client row with ``code``, added in this transaction if new: a visit and the
    client it adds land together or not at all. Another app adding the same code at
    the same moment is no error: its row is the one used."""
    client = client_row(session, code, missing_ok=True)
    if client is None:
        try:
            with session.begin_nested():
                client = Client(code=code, display_name=display_name, created_at=now())
                session.add(client)
        except IntegrityError:  # the other app's row is committed now
            client = client_row(session, code)
    elif display_name and client.display_name != display_name:
        client.display_name = display_name
    assert client is not None  # client_row raised otherwise
    return client


def plain_data(value: Mapping[str, Any] | None, what: str) -> dict[str, Any] | None:
    """``value`` as the JSON a record column keeps: dates as ISO text (an intake's
    answers hold dates), anything else JSON cannot hold refused with RecordError.

    >>> plain_data({"date": dt.date(2026, 11, 23), "conditions": ("none",)}, "an intake")
    {'date': '2026-11-23', 'conditions': ['none']}
    """
    if value is None:
        return None

    def iso(item: Any) -> str:
        if isinstance(item, dt.date):  # a datetime is a date too
            return item.isoformat()
        raise TypeError(type(item).__name__)

    try:
        return json.loads(json.dumps(dict(value), default=iso, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise RecordError(f"{what} holds a value the record cannot keep ({error})") from None


def fitted(model: type[Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with each text cut to its column's length: PostgreSQL refuses a longer
    one, and a browser or a log file may send anything."""
    columns = model.__table__.columns
    result = dict(values)
    for name, value in values.items():
        kind = columns[name].type
        if isinstance(value, str) and isinstance(kind, String) and kind.length:
            result[name] = value[: kind.length]
    return result


def words(value: Any, what: str, limit: int = TEXT_LIMIT) -> str:
    """``value`` stripped and cut to ``limit``; RecordError unless it is words."""
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{what} must be given in words, not {shown_value(value)}")
    return value.strip()[:limit]


def comfort_id(level: Any) -> str | None:
    if level is None or level == "":
        return None
    levels = comfort_levels()
    if level not in levels:
        raise RecordError(f"comfort must be one of {', '.join(levels)}, not {shown_value(level)}")
    return level


def planned_step(visit_id: int, entry: Mapping[str, Any]) -> VisitStep:
    planned = entry.get("current_uA")
    return VisitStep(
        visit_id=visit_id,
        step=entry["step"],
        kind=entry["kind"],
        zone=entry.get("zone"),
        side=entry.get("side"),
        planned_s=float(entry["seconds"]),
        planned_uA=planned,
        current_uA=planned,
        outcome="not reached",
        skipped=False,
    )


def apply_step_result(stored: VisitStep, change: Mapping[str, Any]) -> None:
    if "actual_s" in change:
        stored.actual_s = change["actual_s"]
    if change.get("current_uA") is not None:
        stored.current_uA = float(change["current_uA"])
    if "skipped" in change:
        stored.skipped = bool(change["skipped"])
    if change.get("outcome"):
        stored.outcome = str(change["outcome"])
    if "comfort" in change:
        stored.comfort = comfort_id(change["comfort"])
    if change.get("note"):
        stored.note = str(change["note"])[:TEXT_LIMIT]

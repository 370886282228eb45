"""Reading the client record back: the client list, one client's visits, and the
settings the next visit starts from (carried forward from the last real session).

Everything comes out as plain data (dicts, lists, ISO dates), the same for the
command line's ``--format json``, the export file and the client page.

    >>> import tempfile, pathlib
    >>> from protocol_tools.records.store import RecordStore
    >>> store = RecordStore(pathlib.Path(tempfile.mkdtemp()) / "records.db")
    >>> _ = store.add_client("C-0042")
    >>> [row["client"] for row in client_list(store)]
    ['C-0042']
    >>> client_record(store, "C-0042")["carry_forward"]
    {}
    >>> store.close()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.errors import RecordError
from ..core.privacy import check_client_code
from ..core.text import add_days
from ..reference.data import session_care
from .schema import Client, Sheet, Visit
from .store import EVENT_FIELDS, RecordStore, client_row, now

__all__ = [
    "EXPORTED_EVENT_FIELDS",
    "RAN",
    "carry_forward",
    "client_list",
    "client_record",
    "export_record",
    "moment",
    "next_due",
]

_DAYS_A_WEEK = 7
# An event as the export gives it: the log's columns and the clock that sent it.
EXPORTED_EVENT_FIELDS = ("clock_id", *EVENT_FIELDS)
# Visits whose session ran: the only ones whose settings can be carried forward.
RAN = ("finished", "interrupted")


def next_due(last_visit: dt.date | None) -> dict[str, str] | None:
    """When the next visit falls due after ``last_visit``: ``{"from", "by"}`` (ISO dates),
    the repeat interval of ``data/session_care.yaml``.

    >>> next_due(dt.date(2026, 11, 2))
    {'from': '2026-11-30', 'by': '2026-12-14'}
    """
    if last_visit is None:
        return None
    weeks = session_care().next_visit.weeks
    try:
        return {
            "from": add_days(last_visit, weeks.min * _DAYS_A_WEEK, "next visit").isoformat(),
            "by": add_days(last_visit, weeks.max * _DAYS_A_WEEK, "next visit").isoformat(),
        }
    except ValueError:  # a last visit near the calendar's end has no next one to name
        return None


def client_list(store: RecordStore) -> list[dict[str, Any]]:
    """Every client: code, number of client visits, the last one and when the next is due.

    Practice runs (rehearsals, synthetic clients) are not visits and are not counted.
    """
    real = (Visit.practice.is_(False)) & (Visit.status.in_(RAN))
    query = (
        select(Client.code, func.count(Visit.id), func.max(Visit.day))
        .outerjoin(Visit, (Visit.client_id == Client.id) & real)
        .group_by(Client.id, Client.code)
        .order_by(Client.code)
    )
    with store.reading() as session:
        rows = session.execute(query).all()
    return [
        {
            "client": code,
            "visits": count,
            "last_visit": last.isoformat() if last else None,
            "next_due": next_due(last),
        }
        for code, count, last in rows
    ]


def _load_client(
    store: RecordStore, code: str, *, events: bool = False
) -> tuple[Client, list[Visit], list[Sheet]]:
    """The client, their visits newest first (with steps, and events if asked) and
    sheets, read in one transaction so they agree with each other."""
    code = check_client_code(code, RecordError)
    loads = [selectinload(Visit.steps)] + ([selectinload(Visit.events)] if events else [])
    with store.reading() as session:
        client = client_row(session, code)
        assert client is not None  # client_row raised otherwise
        visits = session.scalars(
            select(Visit)
            .where(Visit.client_id == client.id)
            .options(*loads)
            .order_by(Visit.day.desc(), Visit.id.desc())
        ).all()
        sheets = session.scalars(
            select(Sheet)
            .where(Sheet.client_id == client.id)
            .order_by(Sheet.printed_at.desc(), Sheet.id.desc())
        ).all()
        return client, list(visits), list(sheets)


def moment(value: dt.datetime | None) -> str | None:
    """A time the record kept, as ISO text in UTC. SQLite hands times back without
    their zone (they were stored in UTC), PostgreSQL with it: both read alike.

    >>> moment(dt.datetime(2026, 11, 23, 9, 30))
    '2026-11-23T09:30:00+00:00'
    """
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def _visit_data(visit: Visit) -> dict[str, Any]:
    steps = [
        {
            "step": step.step,
            "kind": step.kind,
            "zone": step.zone,
            "side": step.side,
            "planned_s": step.planned_s,
            "actual_s": step.actual_s,
            "planned_uA": step.planned_uA,
            "current_uA": step.current_uA,
            "comfort": step.comfort,
            "skipped": step.skipped,
            "outcome": step.outcome,
            "note": step.note,
        }
        for step in visit.steps
    ]
    adjustments = [
        {
            "step": step["step"],
            "current_uA": step["current_uA"],
            "skipped": step["skipped"],
            "note": step["note"],
        }
        for step in steps
        if step["skipped"]
        or (step["current_uA"] is not None and step["current_uA"] != step["planned_uA"])
    ]
    return {
        "date": visit.day.isoformat(),
        "protocol": visit.protocol_id,
        "protocol_version": visit.protocol_version,
        "status": visit.status,
        "outcome": visit.outcome,
        "practice": visit.practice,
        "speed": visit.speed,
        "override_reason": visit.override_reason,
        "doctor_note_on_file": visit.doctor_note_on_file,
        "steps": steps,
        "adjustments": adjustments,
        "comfort": [s["comfort"] for s in steps if s["comfort"]],
    }


def carry_forward(visits: list[Visit] | list[dict[str, Any]]) -> dict[str, Any]:
    """The settings the next visit starts from: those of the newest real session
    (not practice), per step: the current used, whether the zone was skipped, the
    comfort and the note. ``{}`` when the client has no session yet."""
    data = [v if isinstance(v, Mapping) else _visit_data(v) for v in visits]
    for visit in data:  # newest first
        if visit["practice"] or visit["status"] not in RAN or not visit["protocol"]:
            continue
        return {
            "from_visit": visit["date"],
            "protocol": visit["protocol"],
            "protocol_version": visit["protocol_version"],
            "steps": [
                {
                    key: step[key]
                    for key in (
                        "step",
                        "zone",
                        "side",
                        "planned_uA",
                        "current_uA",
                        "skipped",
                        "comfort",
                        "note",
                    )
                }
                for step in visit["steps"]
                if step["kind"] == "treatment"
            ],
        }
    return {}


def client_record(store: RecordStore, code: str) -> dict[str, Any]:
    """One client's whole record, newest visit first, with what carries forward."""
    return _record_of(*_load_client(store, code))


def _record_of(client: Client, visits: list[Visit], sheets: list[Sheet]) -> dict[str, Any]:
    data = [_visit_data(visit) for visit in visits]
    return {
        "client": client.code,
        "display_name": client.display_name,
        "visits": data,
        "sheets": [
            {
                "file": sheet.file_name,
                "protocol": sheet.protocol_id,
                "printed_at": moment(sheet.printed_at),
            }
            for sheet in sheets
        ],
        "carry_forward": carry_forward(data),
    }


def export_record(store: RecordStore, code: str) -> dict[str, Any]:
    """Everything held on one client, for the client or another clinic: the record of
    :func:`client_record`, plus each visit's intake answers, screening and events."""
    client, visits, sheets = _load_client(store, code, events=True)
    record = _record_of(client, visits, sheets)
    for visit, data in zip(visits, record["visits"], strict=True):
        data["intake"] = visit.intake
        data["screening"] = visit.screening
        data["started_at"], data["ended_at"] = moment(visit.started_at), moment(visit.ended_at)
        data["events"] = [
            {column: getattr(event, column) for column in EXPORTED_EVENT_FIELDS}
            for event in visit.events
        ]
    record["created_at"] = moment(client.created_at)
    record["exported_at"] = moment(now())
    return record

"""Each client's treatment plans and home sessions in the record (issue 12).

A client follows at most one clinic plan and one home plan at a time; choosing a
new one ends the old one on the new one's start, and the old one stays for the
history. Home sessions are what the client reports doing with their own device.
The reads here serve a whole front desk at once: one query each, for every client.

    >>> import datetime as dt, pathlib, tempfile
    >>> store = RecordStore(pathlib.Path(tempfile.mkdtemp()) / "records.db")
    >>> choose_plan(store, "C-0042", "starter-course", dt.date(2027, 1, 4))
    {'plan': 'starter-course', 'kind': 'clinic', 'start': '2027-01-04'}
    >>> current_plans(store)["C-0042"]["clinic"]["plan"]
    'starter-course'
    >>> store.close()
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from ..core.errors import RecordError
from ..core.privacy import check_client_code
from ..series.schedule import find_plan, plan_slots
from .history import RAN
from .rows import client_row, ensure_client, now, words
from .schema import Client, ClientPlan, HomeSession, Visit
from .store import RecordStore

__all__ = [
    "RAN",
    "choose_plan",
    "current_plans",
    "home_session_days",
    "last_protocols",
    "log_home_session",
    "visit_days",
]

_NOTE_LIMIT = 300


def choose_plan(store: RecordStore, code: str, plan_id: str, start: dt.date) -> dict[str, str]:
    """Put client ``code`` (added if new) on plan ``plan_id`` from ``start``.

    The plan must exist and its dates must fit the calendar (PlanError otherwise;
    nothing is stored). The client's current plan of the same kind ends on ``start``.
    """
    code = check_client_code(code, RecordError)
    entry = find_plan(plan_id)
    plan_slots(entry, start, today=start)  # refuses a start whose dates cannot be counted
    with store.transaction() as session:
        client = ensure_client(session, code)
        current = session.scalars(
            select(ClientPlan).where(
                ClientPlan.client_id == client.id,
                ClientPlan.kind == entry.kind,
                ClientPlan.ended_on.is_(None),
            )
        ).all()
        for plan in current:
            plan.ended_on = start
        session.add(
            ClientPlan(
                client_id=client.id,
                plan_id=entry.id,
                kind=entry.kind,
                start=start,
                created_at=now(),
            )
        )
    return {"plan": entry.id, "kind": entry.kind, "start": start.isoformat()}


def current_plans(store: RecordStore, code: str | None = None) -> dict[str, dict[str, Any]]:
    """``{client code: {kind: {"plan", "start"}}}`` of the plans followed now (one
    client's with ``code``, else every client's)."""
    query = (
        select(Client.code, ClientPlan.kind, ClientPlan.plan_id, ClientPlan.start)
        .join(ClientPlan, ClientPlan.client_id == Client.id)
        .where(ClientPlan.ended_on.is_(None))
        .order_by(ClientPlan.id)
    )
    if code is not None:
        query = query.where(Client.code == check_client_code(code, RecordError))
    plans: dict[str, dict[str, Any]] = defaultdict(dict)
    with store.reading() as session:
        for client, kind, plan_id, start in session.execute(query):
            plans[client][kind] = {"plan": plan_id, "start": start}
    return dict(plans)


def visit_days(store: RecordStore, code: str | None = None) -> dict[str, list[dt.date]]:
    """``{client code: [days of client visits made]}``, oldest first; practice runs and
    visits whose session never ran are not visits."""
    query = (
        select(Client.code, Visit.day)
        .join(Visit, Visit.client_id == Client.id)
        .where(Visit.practice.is_(False), Visit.status.in_(RAN))
        .order_by(Client.code, Visit.day)
    )
    if code is not None:
        query = query.where(Client.code == check_client_code(code, RecordError))
    days: dict[str, list[dt.date]] = defaultdict(list)
    with store.reading() as session:
        for client, day in session.execute(query):
            days[client].append(day)
    return dict(days)


def last_protocols(store: RecordStore) -> dict[str, str]:
    """``{client code: "protocol-id version"}`` of each client's last visit made: the
    protocol the front desk gets ready for the next one (one query for everyone)."""
    query = (
        select(Client.code, Visit.protocol_id, Visit.protocol_version)
        .join(Visit, Visit.client_id == Client.id)
        .where(Visit.practice.is_(False), Visit.status.in_(RAN), Visit.protocol_id.is_not(None))
        .order_by(Visit.day, Visit.id)
    )
    with store.reading() as session:
        return {
            code: f"{protocol} {version}" if version else protocol
            for code, protocol, version in session.execute(query)
        }


def log_home_session(
    store: RecordStore,
    code: str,
    day: dt.date,
    *,
    minutes: float | None = None,
    note: str | None = None,
) -> None:
    """Note a session the client did at home on ``day`` (as they report it)."""
    code = check_client_code(code, RecordError)
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int | float) or not 0 < minutes < 600
    ):
        raise RecordError(f"minutes must be a number of minutes above 0, not {minutes!r}")
    if day > dt.date.today():
        raise RecordError(f"a home session on {day.isoformat()} has not happened yet")
    with store.transaction() as session:
        client = client_row(session, code)
        assert client is not None
        session.add(
            HomeSession(
                client_id=client.id,
                day=day,
                minutes=minutes,
                note=words(note, "a note", _NOTE_LIMIT) if note else None,
                created_at=now(),
            )
        )


def home_session_days(store: RecordStore, code: str) -> list[dt.date]:
    """The days client ``code`` reported a home session, oldest first."""
    code = check_client_code(code, RecordError)
    with store.reading() as session:
        client = client_row(session, code)
        assert client is not None
        return list(
            session.scalars(
                select(HomeSession.day)
                .where(HomeSession.client_id == client.id)
                .order_by(HomeSession.day)
            )
        )

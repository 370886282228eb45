"""The client record's tables: clients, their visits, each visit's steps, events and sheets.

One definition for SQLite and PostgreSQL (SQLAlchemy 2's typed declarative models);
the migrations in ``migrations/versions`` create and upgrade exactly these tables.
Deleting a client deletes everything below it (``ON DELETE CASCADE``), so erasure
cannot leave a visit, event or sheet behind.

    >>> sorted(Base.metadata.tables)
    ['client_plans', 'clients', 'events', 'home_sessions', 'sheets', 'visit_steps', 'visits']
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "Base",
    "Client",
    "ClientPlan",
    "Event",
    "HomeSession",
    "Sheet",
    "Visit",
    "VisitStep",
]

# Lengths: a client code is short by rule (core.privacy); the rest are generous caps.
_CODE = 64
_NAME = 200
_WORD = 40


class Base(DeclarativeBase):
    """Every table of the record."""


class Client(Base):
    """A client, known by the clinic's code; a display name only if the clinic keeps one."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(_CODE), unique=True, index=True)
    display_name: Mapped[str | None] = mapped_column(String(_NAME))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    visits: Mapped[list[Visit]] = relationship(
        back_populates="client", cascade="all, delete-orphan", passive_deletes=True
    )


class Visit(Base):
    """One visit: the day's screening, then (if treated) one session of one protocol.

    ``status``: ``screened`` (no session yet), ``open`` (running), ``finished`` or
    ``interrupted``. ``practice`` marks a rehearsal or a synthetic client: never a
    client visit, whatever else it holds.
    """

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(_WORD))
    practice: Mapped[bool] = mapped_column(Boolean, default=False)
    speed: Mapped[float] = mapped_column(Float, default=1.0)
    protocol_id: Mapped[str | None] = mapped_column(String(_NAME))
    protocol_version: Mapped[str | None] = mapped_column(String(_WORD))
    outcome: Mapped[str | None] = mapped_column(String(_WORD))
    screening: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    intake: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    override_reason: Mapped[str | None] = mapped_column(Text)
    doctor_note_on_file: Mapped[bool] = mapped_column(Boolean, default=False)
    session_id: Mapped[str | None] = mapped_column(String(_CODE), unique=True)
    # A fingerprint of an imported session log: the same file imported twice is one visit.
    import_key: Mapped[str | None] = mapped_column(String(_CODE), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    client: Mapped[Client] = relationship(back_populates="visits")
    steps: Mapped[list[VisitStep]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="VisitStep.step"
    )
    events: Mapped[list[Event]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="Event.id"
    )


class VisitStep(Base):
    """One step of a visit's session: planned against actual, the current used, comfort."""

    __tablename__ = "visit_steps"
    __table_args__ = (UniqueConstraint("visit_id", "step"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(_WORD))
    zone: Mapped[str | None] = mapped_column(String(_WORD))
    side: Mapped[str | None] = mapped_column(String(_WORD))
    planned_s: Mapped[float] = mapped_column(Float)
    actual_s: Mapped[float | None] = mapped_column(Float)
    planned_uA: Mapped[float | None] = mapped_column(Float)
    current_uA: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(_WORD))
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    comfort: Mapped[str | None] = mapped_column(String(_WORD))
    note: Mapped[str | None] = mapped_column(Text)


class Event(Base):
    """One event of a session, written as it happens (the columns of a session log).

    A browser event is identified by its clock's id and number, so one sent twice is
    stored once (``UniqueConstraint``); kernel notes have neither.
    """

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("visit_id", "clock_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    clock_id: Mapped[str | None] = mapped_column(String(_CODE))
    seq: Mapped[int | None] = mapped_column(BigInteger)
    event: Mapped[str] = mapped_column(String(_WORD))
    step: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(_WORD))
    zone: Mapped[str | None] = mapped_column(String(_WORD))
    side: Mapped[str | None] = mapped_column(String(_WORD))
    browser_ms: Mapped[float | None] = mapped_column(Float)
    planned_s: Mapped[float | None] = mapped_column(Float)
    actual_s: Mapped[float | None] = mapped_column(Float)
    current_uA: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(_WORD))
    logged_at: Mapped[str | None] = mapped_column(String(_WORD))


class Sheet(Base):
    """A session sheet printed or filed for a client (its file name, never its content)."""

    __tablename__ = "sheets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id", ondelete="SET NULL"))
    protocol_id: Mapped[str | None] = mapped_column(String(_NAME))
    file_name: Mapped[str] = mapped_column(String(_NAME * 2))
    printed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ClientPlan(Base):
    """A plan of ``data/plans.yaml`` a client follows from ``start`` (issue 12).

    A client has at most one current plan of each kind (clinic, home): choosing a new
    one ends the old one (``ended_on``), which stays for the adherence history.
    """

    __tablename__ = "client_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[str] = mapped_column(String(_NAME))
    kind: Mapped[str] = mapped_column(String(_WORD))
    start: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class HomeSession(Base):
    """A session the client did at home with their own device, as they reported it."""

    __tablename__ = "home_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

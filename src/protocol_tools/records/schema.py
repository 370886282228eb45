"""The client record's tables: clients, their visits, each visit's steps, events and sheets.

One definition for SQLite and PostgreSQL (SQLAlchemy 2's typed declarative models);
the migrations in ``migrations/versions`` create and upgrade exactly these tables.
Deleting a client deletes everything below it (``ON DELETE CASCADE``), so erasure
cannot leave a visit, event or sheet behind.

Trainees' work (issue 13) lives in the same database, in tables of its own that
never point at a client: quiz attempts, screening practice, rehearsals and observed
treatments, each below a trainee and deleted with them.

    >>> sorted(Base.metadata.tables)  # doctest: +NORMALIZE_WHITESPACE
    ['client_plans', 'clients', 'events', 'home_sessions', 'observations',
     'quiz_attempts', 'rehearsals', 'screening_attempts', 'sheets', 'trainees',
     'visit_steps', 'visits']
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
    "Observation",
    "QuizAttempt",
    "Rehearsal",
    "ScreeningAttempt",
    "Sheet",
    "Trainee",
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


# -- training: a class's work ---------------------------------------------------------


class Trainee(Base):
    """A trainee, known by a trainee code (on a hub: the hub user name)."""

    __tablename__ = "trainees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(_CODE), unique=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


def _trainee_id() -> Mapped[int]:
    return mapped_column(ForeignKey("trainees.id", ondelete="CASCADE"), index=True)


class QuizAttempt(Base):
    """One quiz attempt: how many right of how many, per topic, and the questions missed.

    ``topic`` is None for an attempt over every topic. ``by_topic`` maps a topic to
    ``[right, asked]``; ``missed`` lists question ids. ``pass_mark`` is the one in force
    when the attempt was scored, so a later change of mark does not rewrite history.
    """

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = _trainee_id()
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    topic: Mapped[str | None] = mapped_column(String(_NAME))
    asked: Mapped[int] = mapped_column(Integer)
    right: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    by_topic: Mapped[dict[str, Any]] = mapped_column(JSON)
    missed: Mapped[list[Any]] = mapped_column(JSON)


class ScreeningAttempt(Base):
    """One screening-practice case: the outcome the trainee chose and the right one."""

    __tablename__ = "screening_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = _trainee_id()
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    case_id: Mapped[str] = mapped_column(String(_NAME))
    chosen: Mapped[str] = mapped_column(String(_WORD))
    expected: Mapped[str] = mapped_column(String(_WORD))
    correct: Mapped[bool] = mapped_column(Boolean)


class Rehearsal(Base):
    """A rehearsal run in the guided session: protocol, speed and time per step.

    ``steps`` lists ``{"zone", "planned_seconds", "seconds"}`` in the protocol's order.
    """

    __tablename__ = "rehearsals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = _trainee_id()
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    protocol_id: Mapped[str] = mapped_column(String(_NAME))
    speed: Mapped[float] = mapped_column(Float)
    finished: Mapped[bool] = mapped_column(Boolean)
    steps: Mapped[list[Any]] = mapped_column(JSON)


class Observation(Base):
    """An observed treatment: the assessor's tick per checklist criterion, with comments.

    ``criteria`` maps a criterion id of ``data/training.yaml`` to true (met) or false.
    """

    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = _trainee_id()
    observed_on: Mapped[dt.date] = mapped_column(Date)
    assessor: Mapped[str] = mapped_column(String(_CODE))
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

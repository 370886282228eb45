"""A class on one shared PostgreSQL record: who may read and write whose work (issue 13).

On a hub every member of the class gets a login role of their own, named exactly as
their hub user (the trainee code), in one of two group roles:

- ``workbook_trainee``: reads and adds only their own work (the ``trainees`` row whose
  code is their role, and the quiz attempts, screening practice and rehearsals below
  it); never changes or deletes a score; reads, never writes, the observations made
  of them.
- ``workbook_trainer``: reads the whole class, adds observations signed with their own
  name (and changes or withdraws only those), enrols trainees and erases them.

Neither group has any right on a client table. The database enforces all of this
with row-level security, forced even on the tables' owner, so it holds whatever code
a trainee runs in their notebook. Policies compare with ``session_user`` (the role
that logged in), so ``SET ROLE workbook_trainee`` gives a trainee nobody else's rows.

:func:`prepare_class_database` sets a record up (at every hub start: it is idempotent);
:func:`provision_member` makes or refreshes a member's role and returns the URL their
server opens the record with. Role names go into SQL as quoted identifiers
(``psycopg.sql.Identifier``), values as bound parameters; a password never reaches the
server in clear text (only its SCRAM verifier), and nothing here logs one.

    >>> member_role("trainee-07")
    'trainee-07'
    >>> member_role("pg_admin")
    Traceback (most recent call last):
    ...
    protocol_tools.core.errors.RecordError: ...
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from psycopg import Cursor, sql
from psycopg import Error as DriverError
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from ..core.errors import RecordError
from .database import database_url, shown_location
from .schema import Base
from .store import RecordStore
from .training import check_trainee_code

__all__ = [
    "CLASS_TABLES",
    "CLIENT_TABLES",
    "GROUPS",
    "MEMBER_SETTINGS",
    "TRAINEE_GROUP",
    "TRAINER_GROUP",
    "member_role",
    "prepare_class_database",
    "provision_member",
]

TRAINEE_GROUP = "workbook_trainee"
TRAINER_GROUP = "workbook_trainer"
GROUPS = {"trainee": TRAINEE_GROUP, "trainer": TRAINER_GROUP}
# The trainees' own tables; every other table of the record is about clients.
CLASS_TABLES = ("trainees", "quiz_attempts", "screening_attempts", "rehearsals", "observations")
CLIENT_TABLES = tuple(sorted(set(Base.metadata.tables) - set(CLASS_TABLES)))
_WORK_TABLES = ("quiz_attempts", "screening_attempts", "rehearsals")
_VERSION_TABLE = "alembic_version"
# Every policy this module makes starts so; the others on a table are left alone.
_POLICY_PREFIX = "workbook_"
# Preparing and provisioning run one at a time per database (an arbitrary key).
_CLASS_LOCK_KEY = 7_311_043
# A trainee's notebook may open a few apps, each with a small pool; a runaway query
# is stopped rather than left to slow the whole class.
MEMBER_SETTINGS = {
    "statement_timeout": "30s",
    "idle_in_transaction_session_timeout": "10min",
}
_CONNECTION_LIMIT = 10
# PostgreSQL's own names, and names a role cannot take (pg_* is reserved for it).
_RESERVED = {"public", "none", "current_user", "current_role", "session_user", "user", "all"}
_MAX_ROLE_BYTES = 63  # NAMEDATALEN - 1: a longer name would be cut, silently

# Which of a member's rows a policy matches: "mine" is a row of the trainee whose code
# is the role that logged in.
_MINE = sql.SQL("trainee_id IN (SELECT id FROM trainees WHERE code = session_user)")
_OWN_CODE = sql.SQL("code = session_user")
_SIGNED = sql.SQL("assessor = session_user")
_ANY = sql.SQL("true")
_TRAINEE = sql.Identifier(TRAINEE_GROUP)
_TRAINER = sql.Identifier(TRAINER_GROUP)


def member_role(username: str) -> str:
    """The role a hub user logs in as: the name itself, once it is a trainee code that
    PostgreSQL keeps whole and that is none of its own (RecordError otherwise)."""
    name = check_trainee_code(username)
    if len(name.encode()) > _MAX_ROLE_BYTES:
        raise RecordError(f"the user name {name!r} is longer than a database role may be")
    if name.lower() in _RESERVED or name.lower().startswith("pg_") or name in GROUPS.values():
        raise RecordError(
            f"the user name {name!r} is reserved in the database; give this member another name"
        )
    return name


# -- the policies ----------------------------------------------------------------------

# (table, policy name, command, group, USING, WITH CHECK); None: the clause is left out.
_POLICIES: tuple[tuple[str, str, str, sql.Identifier, sql.SQL | None, sql.SQL | None], ...] = (
    ("trainees", "trainee_read", "SELECT", _TRAINEE, _OWN_CODE, None),
    ("trainees", "trainee_join", "INSERT", _TRAINEE, None, _OWN_CODE),
    ("trainees", "trainer_read", "SELECT", _TRAINER, _ANY, None),
    ("trainees", "trainer_enrol", "INSERT", _TRAINER, None, _ANY),
    ("trainees", "trainer_erase", "DELETE", _TRAINER, _ANY, None),
    *(
        policy
        for table in _WORK_TABLES
        for policy in (
            (table, "trainee_read", "SELECT", _TRAINEE, _MINE, None),
            (table, "trainee_add", "INSERT", _TRAINEE, None, _MINE),
            (table, "trainer_read", "SELECT", _TRAINER, _ANY, None),
        )
    ),
    ("observations", "trainee_read", "SELECT", _TRAINEE, _MINE, None),
    ("observations", "trainer_read", "SELECT", _TRAINER, _ANY, None),
    ("observations", "trainer_add", "INSERT", _TRAINER, None, _SIGNED),
    ("observations", "trainer_change", "UPDATE", _TRAINER, _SIGNED, _SIGNED),
    ("observations", "trainer_withdraw", "DELETE", _TRAINER, _SIGNED, None),
)

# Table rights of each group (the policies then pick the rows).
_GRANTS: dict[str, dict[str, tuple[str, ...]]] = {
    TRAINEE_GROUP: {
        "trainees": ("SELECT", "INSERT"),
        **dict.fromkeys(_WORK_TABLES, ("SELECT", "INSERT")),
        "observations": ("SELECT",),
    },
    TRAINER_GROUP: {
        "trainees": ("SELECT", "INSERT", "DELETE"),
        **dict.fromkeys(_WORK_TABLES, ("SELECT",)),
        "observations": ("SELECT", "INSERT", "UPDATE", "DELETE"),
    },
}


def prepare_class_database(admin_url: str) -> None:
    """Make the record at ``admin_url`` (a PostgreSQL URL of a role that owns the tables
    and may create roles) ready for a class: the schema at its newest, the two group
    roles, row-level security with this module's policies, and the groups' rights.
    Safe to run again (and at the same time from two hubs)."""
    _check_postgres(admin_url)
    RecordStore(admin_url).close()  # brings the schema to the head, like any opening
    with _admin_cursor(admin_url) as cursor:
        for group in GROUPS.values():
            if not _role_exists(cursor, group):
                cursor.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
        for table in CLASS_TABLES:
            _secure_table(cursor, table)
        _grant_rights(cursor)


def _secure_table(cursor: Cursor, table: str) -> None:
    """Row-level security on ``table``, forced, with this module's policies made anew."""
    name = sql.Identifier(table)
    cursor.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(name))
    cursor.execute(sql.SQL("ALTER TABLE {} FORCE ROW LEVEL SECURITY").format(name))
    cursor.execute(
        "SELECT policyname FROM pg_policies WHERE schemaname = current_schema() "
        "AND tablename = %s AND starts_with(policyname, %s)",
        (table, _POLICY_PREFIX),
    )
    for (old,) in cursor.fetchall():
        cursor.execute(sql.SQL("DROP POLICY {} ON {}").format(sql.Identifier(old), name))
    # Forced security holds the owner too: the owner (the hub's admin role, which
    # migrates and erases) keeps every row.
    cursor.execute(
        "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = %s",
        (table,),
    )
    (owner,) = cursor.fetchone() or (None,)
    if owner is None:
        raise RecordError(f"the record has no table {table}; is it a client record?")
    _create_policy(cursor, table, "owner", "ALL", sql.Identifier(owner), _ANY, _ANY)
    for policy in _POLICIES:
        if policy[0] == table:
            _create_policy(cursor, *policy)


def _create_policy(
    cursor: Cursor,
    table: str,
    name: str,
    command: str,
    role: sql.Identifier,
    using: sql.SQL | None,
    check: sql.SQL | None,
) -> None:
    statement = sql.SQL("CREATE POLICY {} ON {} AS PERMISSIVE FOR {} TO {}").format(
        sql.Identifier(_POLICY_PREFIX + name), sql.Identifier(table), sql.SQL(command), role
    )
    if using is not None:
        statement += sql.SQL(" USING ({})").format(using)
    if check is not None:
        statement += sql.SQL(" WITH CHECK ({})").format(check)
    cursor.execute(statement)


def _grant_rights(cursor: Cursor) -> None:
    """Exactly the rights :data:`_GRANTS` lists: everything else is taken back first,
    so a record prepared by an older version ends with today's rights."""
    groups = sql.SQL(", ").join([_TRAINEE, _TRAINER])
    every = [*CLASS_TABLES, *CLIENT_TABLES, _VERSION_TABLE]
    tables = sql.SQL(", ").join(sql.Identifier(table) for table in every)
    cursor.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(tables, groups))
    cursor.execute(
        sql.SQL("GRANT SELECT ON TABLE {} TO {}").format(sql.Identifier(_VERSION_TABLE), groups)
    )
    # Nobody but the owner creates objects in the record's schema (PostgreSQL 15's
    # default, made sure of on older servers too).
    cursor.execute("SELECT current_schema()")
    (schema,) = cursor.fetchone() or ("public",)
    cursor.execute(sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(sql.Identifier(schema)))
    for group, rights in _GRANTS.items():
        for table, privileges in rights.items():
            words = sql.SQL(", ").join(sql.SQL(p) for p in privileges)
            cursor.execute(
                sql.SQL("GRANT {} ON TABLE {} TO {}").format(
                    words, sql.Identifier(table), sql.Identifier(group)
                )
            )
            if "INSERT" in privileges:
                _grant_sequence(cursor, table, group)


def _grant_sequence(cursor: Cursor, table: str, group: str) -> None:
    """USAGE on the sequence numbering ``table``'s ids, so ``group`` may add rows."""
    cursor.execute(
        "SELECT s.relname, n.nspname FROM pg_class s "
        "JOIN pg_namespace n ON n.oid = s.relnamespace "
        "WHERE s.oid = pg_get_serial_sequence(%s, 'id')::regclass",
        (table,),
    )
    found = cursor.fetchone()
    if found is None:
        raise RecordError(f"the record's table {table} numbers its rows in no sequence")
    sequence, namespace = found
    cursor.execute(
        sql.SQL("REVOKE ALL ON SEQUENCE {} FROM {}").format(
            sql.Identifier(namespace, sequence), sql.Identifier(group)
        )
    )
    cursor.execute(
        sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(
            sql.Identifier(namespace, sequence), sql.Identifier(group)
        )
    )


# -- members ---------------------------------------------------------------------------


def provision_member(admin_url: str, username: str, role: Literal["trainee", "trainer"]) -> str:
    """Create (or refresh) the login role of hub user ``username`` in the group of
    ``role`` with a fresh random password; return the SQLAlchemy URL their server
    opens the record with (``admin_url``'s server and database, their name and
    password). A name that is a role this module did not make (``postgres``, the
    hub's own admin…) is refused with RecordError, never taken over."""
    if role not in GROUPS:
        raise RecordError(f"a member of the class is a trainee or a trainer, not {role!r}")
    _check_postgres(admin_url)
    name = member_role(username)
    password = secrets.token_urlsafe(32)
    with _admin_cursor(admin_url) as cursor:
        if not _prepared(cursor):
            raise RecordError(
                "this record is not prepared for a class yet: run prepare_class_database "
                "first (the hub does at its start)"
            )
        member = sql.Identifier(name)
        verifier = cursor.connection.pgconn.encrypt_password(
            password.encode(), name.encode(), b"scram-sha-256"
        ).decode()
        if _role_exists(cursor, name):
            _check_ours(cursor, name)
            verb = sql.SQL("ALTER")
        else:
            verb = sql.SQL("CREATE")
        cursor.execute(
            sql.SQL(
                "{} ROLE {} WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE "
                "NOREPLICATION NOBYPASSRLS CONNECTION LIMIT {} PASSWORD {}"
            ).format(verb, member, sql.Literal(_CONNECTION_LIMIT), sql.Literal(verifier))
        )
        for setting, value in MEMBER_SETTINGS.items():
            cursor.execute(
                sql.SQL("ALTER ROLE {} SET {} = {}").format(
                    member, sql.Identifier(setting), sql.Literal(value)
                )
            )
        wanted, other = GROUPS[role], GROUPS["trainer" if role == "trainee" else "trainee"]
        cursor.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(other), member))
        cursor.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(wanted), member))
    url = make_url(admin_url).set(username=name, password=password)
    return url.render_as_string(hide_password=False)


def _check_ours(cursor: Cursor, name: str) -> None:
    """RecordError unless role ``name`` is one :func:`provision_member` made: in our
    groups only, with no power of its own."""
    cursor.execute(
        "SELECT r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication "
        "OR r.rolbypassrls, coalesce(array_agg(g.rolname) FILTER (WHERE g.rolname IS NOT NULL),"
        " '{}') FROM pg_roles r LEFT JOIN pg_auth_members m ON m.member = r.oid "
        "LEFT JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = %s GROUP BY r.rolsuper, "
        "r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls",
        (name,),
    )
    powerful, groups = cursor.fetchone() or (False, [])
    owns = _owns_anything(cursor, name)
    if powerful or owns or not groups or not set(groups) <= set(GROUPS.values()):
        raise RecordError(
            f"the database already has a role {name!r} that is not a member of this class "
            f"({TRAINEE_GROUP} or {TRAINER_GROUP}); it is left as it is. Give this hub user "
            "another name, or drop that role if it is a leftover"
        )


def _owns_anything(cursor: Cursor, name: str) -> bool:
    """Whether role ``name`` owns a database or an object of this one."""
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba "
        "WHERE r.rolname = %s) OR EXISTS (SELECT 1 FROM pg_class c JOIN pg_roles r "
        "ON r.oid = c.relowner WHERE r.rolname = %s)",
        (name, name),
    )
    row = cursor.fetchone()
    return bool(row and row[0])


def _prepared(cursor: Cursor) -> bool:
    """Whether :func:`prepare_class_database` has run on this database: the groups
    exist and every class table has forced row-level security."""
    if not all(_role_exists(cursor, group) for group in GROUPS.values()):
        return False
    cursor.execute(
        "SELECT count(*) FROM pg_class WHERE relname = ANY(%s) AND relrowsecurity "
        "AND relforcerowsecurity AND relnamespace = current_schema()::regnamespace",
        (list(CLASS_TABLES),),
    )
    row = cursor.fetchone()
    return bool(row and row[0] == len(CLASS_TABLES))


def _role_exists(cursor: Cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    return cursor.fetchone() is not None


# -- the admin's connection ------------------------------------------------------------


def _check_postgres(admin_url: str) -> None:
    url = database_url(admin_url)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = None
    if backend != "postgresql":
        raise RecordError(
            "a class shares one PostgreSQL record (postgresql+psycopg://…); "
            f"{shown_location(url)} is not one"
        )


@contextmanager
def _admin_cursor(admin_url: str) -> Iterator[Cursor]:
    """A psycopg cursor in one transaction of the admin's, holding the class's lock:
    committed on leaving the block, rolled back (RecordError) on a database error."""
    engine = create_engine(admin_url)
    try:
        with engine.begin() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None  # an open connection has its driver's connection
            with raw.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_CLASS_LOCK_KEY,))
                yield cursor
    except (DBAPIError, DriverError) as error:
        reason = error.orig if isinstance(error, DBAPIError) else error
        raise RecordError(
            f"cannot set up the class in {shown_location(admin_url)}: {reason}"
        ) from None
    finally:
        engine.dispose()

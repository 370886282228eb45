"""A class on one PostgreSQL record: each member's own role, and the database deciding
who sees and changes what (records.classroom), on a real server.

The test server trusts its unix socket (no password asked), which is all a policy
test needs; tests/hub/test_hub_browser.py logs in with the passwords for real.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from protocol_tools.core.errors import RecordError, UnknownTraineeError
from protocol_tools.records.classroom import (
    CLASS_TABLES,
    CLIENT_TABLES,
    TRAINEE_GROUP,
    TRAINER_GROUP,
    member_role,
    prepare_class_database,
    provision_member,
)
from protocol_tools.records.store import RecordStore
from protocol_tools.records.training import (
    class_work,
    forget_trainee,
    record_observation,
    record_quiz_attempt,
    record_rehearsal,
    record_screening_attempt,
    sign_in,
    trainee_codes,
    trainee_work,
)

REFUSED = "permission denied|row-level security"
DAY = dt.date(2026, 12, 1)


def quiz(store: RecordStore, code: str, right: int = 3) -> int:
    return record_quiz_attempt(
        store,
        code,
        topic=None,
        asked=5,
        right=right,
        pass_mark=0.8,
        by_topic={"gel": [right, 5]},
        missed=[],
    )


class Class:
    """A prepared class record with two trainees and a trainer, each with their own
    store opened through the URL provisioning gave them."""

    def __init__(self, admin_url: str) -> None:
        suffix = uuid.uuid4().hex[:8]  # roles belong to the whole server, shared by the run
        self.admin_url = admin_url
        self.a, self.b, self.t = (
            f"{who}-{suffix}" for who in ("trainee-a", "trainee-b", "trainer")
        )
        prepare_class_database(admin_url)
        self.urls = {
            self.a: provision_member(admin_url, self.a, "trainee"),
            self.b: provision_member(admin_url, self.b, "trainee"),
            self.t: provision_member(admin_url, self.t, "trainer"),
        }
        self.stores = {name: RecordStore(url) for name, url in self.urls.items()}

    def store(self, name: str) -> RecordStore:
        return self.stores[name]

    def close(self) -> None:
        for store in self.stores.values():
            store.close()


@pytest.fixture
def school(postgres_url: str) -> Iterator[Class]:
    opened = Class(postgres_url)
    yield opened
    opened.close()


def run(store: RecordStore, *statements: str, **values) -> list:
    """The rows of the last of ``statements``, run in one transaction of ``store``'s role."""
    with store.transaction() as session:
        for statement in statements:
            result = session.execute(text(statement), values)
        return list(result) if result.returns_rows else []


def test_a_trainee_sees_and_adds_only_their_own_work(school: Class):
    a, b = school.store(school.a), school.store(school.b)
    sign_in(a, school.a)
    quiz(a, school.a, right=4)
    record_screening_attempt(a, school.a, case_id="case-1", chosen="treat", expected="treat")
    record_rehearsal(
        a, school.a, protocol_id="express-10", speed=4, finished=True, steps=[{"zone": "neck"}]
    )
    quiz(b, school.b, right=2)

    work = class_work(a)
    assert [w.code for w in work] == [school.a]
    assert [row.right for row in work[0].quiz] == [4]
    assert len(work[0].screening) == len(work[0].rehearsals) == 1
    assert trainee_codes(a) == [school.a]
    with pytest.raises(UnknownTraineeError):
        trainee_work(a, school.b)
    # Straight SQL is held to the same rows: B's attempt is not there for A.
    assert run(a, "SELECT count(*) FROM quiz_attempts") == [(1,)]
    assert run(a, "SELECT count(*) FROM trainees") == [(1,)]
    assert [w.code for w in class_work(b)] == [school.b]


def test_a_trainee_cannot_change_or_delete_a_score(school: Class):
    a = school.store(school.a)
    attempt = quiz(a, school.a, right=1)
    for statement in (
        'UPDATE quiz_attempts SET "right" = asked, passed = true WHERE id = :id',
        "DELETE FROM quiz_attempts WHERE id = :id",
        "UPDATE trainees SET code = 'someone-else'",
        "DELETE FROM trainees",
        "UPDATE screening_attempts SET correct = true",
        "DELETE FROM rehearsals",
    ):
        with pytest.raises(DBAPIError, match=REFUSED):
            run(a, statement, id=attempt)
    assert [row.right for row in trainee_work(a, school.a).quiz] == [1]


def test_a_trainee_cannot_write_as_another_trainee(school: Class):
    a, b = school.store(school.a), school.store(school.b)
    sign_in(b, school.b)
    (b_id,) = run(school.store(school.t), "SELECT id FROM trainees WHERE code = :c", c=school.b)[0]
    with pytest.raises(DBAPIError, match=REFUSED):
        quiz(a, school.b)  # signing B in from A's role is refused
    with pytest.raises(DBAPIError, match=REFUSED):
        run(
            a,
            'INSERT INTO quiz_attempts (trainee_id, taken_at, asked, "right", pass_mark, '
            "passed, by_topic, missed) VALUES (:id, now(), 1, 1, 0.5, true, '{}', '[]')",
            id=b_id,
        )
    # Becoming the group itself gives nobody else's rows: the policies ask who logged in.
    with pytest.raises(DBAPIError, match=REFUSED):
        run(
            a,
            f"SET LOCAL ROLE {TRAINEE_GROUP}",
            "INSERT INTO trainees (code, created_at) VALUES ('workbook_trainee', now())",
        )
    assert run(a, f"SET LOCAL ROLE {TRAINEE_GROUP}", "SELECT count(*) FROM trainees") == [(0,)]
    with pytest.raises(DBAPIError, match="permission denied"):
        run(a, f"SET LOCAL ROLE {TRAINER_GROUP}")
    assert [w.code for w in class_work(school.store(school.t))] == [school.b]


@pytest.mark.parametrize("who", ["a", "t"])
def test_no_member_of_the_class_reads_or_writes_client_tables(school: Class, who: str):
    store = school.store(getattr(school, who))
    assert "clients" in CLIENT_TABLES
    assert not set(CLIENT_TABLES) & set(CLASS_TABLES)
    for table in CLIENT_TABLES:
        with pytest.raises(DBAPIError, match="permission denied"):
            run(store, f"SELECT * FROM {table}")  # noqa: S608 (our own table names)
    with pytest.raises(DBAPIError, match="permission denied"):
        store.add_client("C-0042")
    with pytest.raises(DBAPIError, match="permission denied"):
        run(store, "CREATE TABLE notes (line text)")


def test_the_trainer_sees_the_class_and_observes(school: Class):
    a, b, t = (school.store(name) for name in (school.a, school.b, school.t))
    quiz(a, school.a, right=5)
    quiz(b, school.b, right=3)
    assert [(w.code, [q.right for q in w.quiz]) for w in class_work(t)] == [
        (school.a, [5]),
        (school.b, [3]),
    ]
    observed = record_observation(
        t, school.a, observed_on=DAY, assessor=school.t, criteria={"gel": True}, comment="Good"
    )
    assert [o.id for o in trainee_work(a, school.a).observations] == [observed]
    assert trainee_work(b, school.b).observations == ()
    # An observation is signed by the trainer who made it, and only they change it.
    with pytest.raises(DBAPIError, match=REFUSED):
        record_observation(t, school.a, observed_on=DAY, assessor=school.b, criteria={})
    assert run(t, "UPDATE observations SET comment = 'Better' RETURNING id") == [(observed,)]
    # The trainer never changes a score.
    with pytest.raises(DBAPIError, match=REFUSED):
        run(t, 'UPDATE quiz_attempts SET "right" = 0')
    with pytest.raises(DBAPIError, match=REFUSED):
        quiz(t, school.a)
    # Erasure: the trainer forgets a trainee, and all their work goes with them.
    assert forget_trainee(t, school.b)
    assert [w.code for w in class_work(t)] == [school.a]


def test_a_trainee_cannot_observe_or_erase(school: Class):
    a = school.store(school.a)
    sign_in(a, school.a)
    with pytest.raises(DBAPIError, match=REFUSED):
        record_observation(a, school.a, observed_on=DAY, assessor=school.a, criteria={"gel": True})
    with pytest.raises(DBAPIError, match=REFUSED):
        forget_trainee(a, school.a)
    with pytest.raises(DBAPIError, match=REFUSED):
        run(a, "UPDATE observations SET comment = 'mine now'")


def roles_of(postgres_url: str, name: str) -> tuple[bool, list[str], str]:
    """Whether ``name`` may log in, its groups, and how its password is kept."""
    url = make_url(postgres_url)
    with psycopg.connect(host=url.query["host"], user=url.username, dbname=url.database) as conn:
        return conn.execute(
            "SELECT r.rolcanlogin, array(SELECT g.rolname::text FROM pg_auth_members m "
            "JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid ORDER BY 1), "
            "split_part(a.rolpassword, '$', 1) FROM pg_roles r JOIN pg_authid a ON "
            "a.oid = r.oid WHERE r.rolname = %s",
            (name,),
        ).fetchone()


def test_provisioning_is_idempotent_and_takes_over_no_other_role(postgres_url: str):
    name = f"trainee-{uuid.uuid4().hex[:8]}"
    with pytest.raises(RecordError, match="not prepared"):
        provision_member(postgres_url, name, "trainee")
    prepare_class_database(postgres_url)
    prepare_class_database(postgres_url)  # at every hub start: harmless

    first = make_url(provision_member(postgres_url, name, "trainee"))
    second = make_url(provision_member(postgres_url, name, "trainee"))
    assert first.username == second.username == name
    assert first.password != second.password
    assert len(second.password) >= 32
    admin = make_url(postgres_url)
    assert (second.host, second.port, second.database, second.query) == (
        admin.host,
        admin.port,
        admin.database,
        admin.query,
    )
    # The server keeps a SCRAM verifier, never the password itself.
    assert roles_of(postgres_url, name) == (True, [TRAINEE_GROUP], "SCRAM-SHA-256")
    provision_member(postgres_url, name, "trainer")  # promoted: one group, the new one
    assert roles_of(postgres_url, name)[1] == [TRAINER_GROUP]

    # The server's own roles, and any role of somebody else's, are never taken over.
    url = make_url(postgres_url)
    with psycopg.connect(
        host=url.query["host"], user=url.username, dbname=url.database, autocommit=True
    ) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(f"clinic-{name}")))
    for taken in ("postgres", f"clinic-{name}", TRAINER_GROUP, "pg_monitor", "public"):
        with pytest.raises(RecordError, match=r"not a member of this class|reserved"):
            provision_member(postgres_url, taken, "trainee")
    assert roles_of(postgres_url, f"clinic-{name}")[1] == []
    for bad in ("", "a b", "x" * 64, "'; DROP TABLE trainees; --"):
        with pytest.raises(RecordError):
            provision_member(postgres_url, bad, "trainee")
    with pytest.raises(RecordError, match="trainee or a trainer"):
        provision_member(postgres_url, name, "admin")  # type: ignore[arg-type]


def test_a_class_needs_postgresql(tmp_path):
    location = str(tmp_path / "records.db")
    with pytest.raises(RecordError, match="PostgreSQL"):
        prepare_class_database(location)
    with pytest.raises(RecordError, match="PostgreSQL"):
        provision_member(f"sqlite:///{location}", "trainee-a", "trainee")


def test_role_names_are_the_hub_names():
    assert member_role(" ana.k@school ") == "ana.k@school"
    for name in ("PG_x", "Public", "workbook_trainee", "é"):
        with pytest.raises(RecordError):
            member_role(name)


def test_a_school_admin_needs_no_superuser(postgres_server):
    """The hub's admin may be a plain role that owns the class database and may create
    roles (what the README tells a school to make); it keeps every row, though the
    tables' security is forced."""
    suffix = uuid.uuid4().hex[:8]
    admin, database = f"class-admin-{suffix}", f"class_{suffix}"
    with postgres_server.admin() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEROLE").format(sql.Identifier(admin)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(database), sql.Identifier(admin)
            )
        )
    admin_url = make_url(postgres_server.url(database)).set(username=admin)
    url = admin_url.render_as_string(hide_password=False)
    try:
        school = Class(url)
        try:
            quiz(school.store(school.a), school.a)
            record_observation(
                school.store(school.t), school.a, observed_on=DAY, assessor=school.t, criteria={}
            )
            with RecordStore(url) as owner:
                assert [w.code for w in class_work(owner)] == [school.a]
                assert forget_trainee(owner, school.a)
            assert class_work(school.store(school.t)) == []
        finally:
            school.close()
    finally:
        with postgres_server.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(database)))

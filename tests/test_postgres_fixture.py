"""The PostgreSQL server the database tests share, and the fresh database each one gets."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, make_url, text

from helpers import fresh_database, postgres_version


def test_the_server_is_debians_newest_postgresql_on_a_private_socket_only(postgres_server):
    engine = create_engine(postgres_server.url())
    try:
        with engine.connect() as connection:

            def show(setting: str) -> str:
                return connection.execute(text(f"show {setting}")).scalar_one()

            version = connection.execute(text("select version()")).scalar_one()
            major = int(show("server_version_num")) // 10_000
            assert version.startswith("PostgreSQL ")
            assert [major] == postgres_version(postgres_server.bin_dir)[:1]
            # No TCP at all: nothing else on the machine can reach the test server.
            assert show("listen_addresses") == ""
            assert show("unix_socket_directories") == str(postgres_server.socket_dir)
            assert show("fsync") == "off"
            assert show("server_encoding") == "UTF8"
            # Client names are not all ASCII; a C locale would leave these letters alone.
            assert connection.execute(text("select upper('éøß')")).scalar_one() == "ÉØß"
    finally:
        engine.dispose()


def test_a_test_gets_an_empty_database_of_its_own(postgres_url):
    url = make_url(postgres_url)
    assert url.drivername == "postgresql+psycopg"
    engine = create_engine(postgres_url)
    try:
        assert inspect(engine).get_table_names() == []
        with engine.begin() as connection:
            assert connection.execute(text("select current_database()")).scalar_one() == (
                url.database
            )
            connection.execute(text("create table visit (code text primary key)"))
            connection.execute(text("insert into visit values ('C-0042')"))
        with engine.connect() as connection:
            assert connection.execute(text("select code from visit")).scalars().all() == ["C-0042"]
    finally:
        engine.dispose()


def test_two_databases_are_distinct_empty_and_dropped_afterwards(postgres_server):
    # The same context manager the postgres_url fixture yields from, twice at once.
    with fresh_database(postgres_server) as first, fresh_database(postgres_server) as second:
        names = [make_url(first).database, make_url(second).database]
        assert names[0] != names[1]
        one, two = create_engine(first), create_engine(second)
        try:
            with one.begin() as connection:
                connection.execute(text("create table visit (code text)"))
            assert inspect(one).get_table_names() == ["visit"]
            assert inspect(two).get_table_names() == []
        finally:
            # Left pooled on purpose in `two`: the drop must end its connection itself.
            one.dispose()
    with postgres_server.admin() as admin:
        left = admin.execute("select datname from pg_database where datname = any(%s)", [names])
        assert left.fetchall() == []
    two.dispose()

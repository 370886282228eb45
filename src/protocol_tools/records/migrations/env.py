"""Alembic's entry point: migrations run on the connection the record opened.

The record (``records.database``) always passes its own connection in
``config.attributes["connection"]``; nothing here reads a URL or a config file, so
a migration can never run against another database by accident.
"""

from alembic import context

from protocol_tools.records.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot alter a column in place: batch mode copies the table instead.
    render_as_batch=True,
    transaction_per_migration=True,
)
with context.begin_transaction():
    context.run_migrations()

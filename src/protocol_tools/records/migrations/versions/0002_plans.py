"""Treatment plans and home sessions

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 00:17:09.425461
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("client_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_plans_client_id"), ["client_id"], unique=False)

    op.create_table(
        "home_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("home_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_home_sessions_client_id"), ["client_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("home_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_home_sessions_client_id"))

    op.drop_table("home_sessions")
    with op.batch_alter_table("client_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_plans_client_id"))

    op.drop_table("client_plans")

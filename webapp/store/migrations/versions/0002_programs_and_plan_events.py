"""programs and plan events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "planevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("planevent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_planevent_user_id"), ["user_id"], unique=False)

    op.create_table(
        "programversion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("goal", AutoString(length=16), nullable=False),
        sa.Column("session_days", AutoString(length=20), nullable=False),
        sa.Column("experience", AutoString(length=16), nullable=False),
        sa.Column("equipment", AutoString(length=80), nullable=False),
        sa.Column("deload_every", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("programversion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programversion_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_token", AutoString(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_user_calendar_token", ["calendar_token"])


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint("uq_user_calendar_token", type_="unique")
        batch_op.drop_column("calendar_token")

    with op.batch_alter_table("programversion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programversion_user_id"))

    op.drop_table("programversion")
    with op.batch_alter_table("planevent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_planevent_user_id"))

    op.drop_table("planevent")

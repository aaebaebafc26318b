"""exercises done per session, and whether the time zone follows the phone

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "completion_exercise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("completion_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise_slug", AutoString(length=80), nullable=False),
        sa.Column("kind", AutoString(length=8), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("per_side", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["completion_id"], ["completion.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("completion_exercise", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_completion_exercise_completion_id"), ["completion_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_completion_exercise_exercise_slug"), ["exercise_slug"], unique=False
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_zone_auto", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("time_zone_auto")

    with op.batch_alter_table("completion_exercise", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_completion_exercise_exercise_slug"))
        batch_op.drop_index(batch_op.f("ix_completion_exercise_completion_id"))

    op.drop_table("completion_exercise")

"""hip checks: each side's rotation, balance and side plank, stored once per phone's check id

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ROTATIONS = ("right_outward", "right_inward", "left_outward", "left_inward")


def upgrade() -> None:
    op.create_table(
        "hip_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_id", AutoString(length=64), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in ROTATIONS),
        *(sa.Column(f"{name}_estimated", sa.Boolean(), nullable=False) for name in ROTATIONS),
        *(sa.Column(f"{name}_pain_free", sa.Boolean(), nullable=True) for name in ROTATIONS),
        sa.Column("balance_right", sa.Integer(), nullable=True),
        sa.Column("balance_left", sa.Integer(), nullable=True),
        sa.Column("plank_right", sa.Integer(), nullable=True),
        sa.Column("plank_left", sa.Integer(), nullable=True),
        sa.Column("plank_on_knees", sa.Boolean(), nullable=False),
        sa.Column("pelvis_level", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "client_id", name="uq_hip_check_user_client"),
    )
    with op.batch_alter_table("hip_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hip_check_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hip_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hip_check_user_id"))
    op.drop_table("hip_check")

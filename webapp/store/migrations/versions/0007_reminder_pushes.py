"""reminder pushes: how each device's push of a delivery went, written as soon as it is known

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_push",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("outcome", AutoString(length=8), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["reminder_delivery.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subscription_id"], ["push_subscription.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("delivery_id", "subscription_id", name="uq_reminder_push_device"),
    )
    with op.batch_alter_table("reminder_push", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_push_subscription_id"), ["subscription_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_push", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_push_subscription_id"))
    op.drop_table("reminder_push")

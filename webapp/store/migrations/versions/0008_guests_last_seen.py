"""guests last seen: the day a device last opened each account, so idle guests can be pruned

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_user_last_seen_on"), ["last_seen_on"], unique=False)
    # Accounts already here count as seen on the day of the upgrade: none is pruned for idling
    # before the column could tell.
    user = sa.table("user", sa.column("last_seen_on", sa.Date()))
    op.execute(user.update().values(last_seen_on=datetime.now(UTC).date()))


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_last_seen_on"))
        batch_op.drop_column("last_seen_on")

"""kept pages: each user's rendered pages, shared by every web process

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keptpage",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("page", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("html", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "page"),
    )
    op.create_index("ix_keptpage_day", "keptpage", ["day"])


def downgrade() -> None:
    op.drop_index("ix_keptpage_day", table_name="keptpage")
    op.drop_table("keptpage")

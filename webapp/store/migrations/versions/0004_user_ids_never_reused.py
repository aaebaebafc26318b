"""user ids are never reused: a deleted account's old cookie must not open a newer account

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite hands out the highest id again after its row is deleted unless the table says
    # AUTOINCREMENT; PostgreSQL sequences never go back, so there this changes nothing.
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "user", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "user", recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ):
            pass

"""data version: one number per user, bumped by triggers on every change pages derive from

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: The tables whose rows belong to a user (`user_id`) and feed the plan, the streak and Progress.
HISTORY = ("completion", "planevent", "programversion", "hip_check")
BUMP = "UPDATE dataversion SET version = version + 1 WHERE user_id"


def upgrade() -> None:
    op.create_table(
        "dataversion",
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.execute('INSERT INTO dataversion (user_id, version) SELECT id, 0 FROM "user"')
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()


def _sqlite_triggers() -> None:
    """Row triggers: SQLite has no statement triggers, and a bump is one indexed update."""
    op.execute(
        'CREATE TRIGGER dataversion_user_insert AFTER INSERT ON "user" BEGIN'
        " INSERT INTO dataversion (user_id, version) VALUES (NEW.id, 0); END"
    )
    op.execute(
        'CREATE TRIGGER dataversion_user_delete AFTER DELETE ON "user" BEGIN'
        " DELETE FROM dataversion WHERE user_id = OLD.id; END"
    )
    op.execute(
        'CREATE TRIGGER dataversion_user_update AFTER UPDATE OF precautions, time_zone ON "user"'
        " WHEN OLD.precautions IS NOT NEW.precautions OR OLD.time_zone IS NOT NEW.time_zone"
        f" BEGIN {BUMP} = NEW.id; END"
    )
    for table in HISTORY:
        op.execute(
            f"CREATE TRIGGER dataversion_{table}_insert AFTER INSERT ON {table}"
            f" BEGIN {BUMP} = NEW.user_id; END"
        )
        op.execute(
            f"CREATE TRIGGER dataversion_{table}_update AFTER UPDATE ON {table}"
            f" BEGIN {BUMP} IN (OLD.user_id, NEW.user_id); END"
        )
        op.execute(
            f"CREATE TRIGGER dataversion_{table}_delete AFTER DELETE ON {table}"
            f" BEGIN {BUMP} = OLD.user_id; END"
        )


def _postgres_triggers() -> None:
    """Statement triggers with transition tables: an import of thousands of rows bumps once."""
    _postgres_user_triggers()
    for rows in ("new_rows", "old_rows"):
        op.execute(
            f"CREATE FUNCTION dataversion_bump_{rows}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {BUMP} IN (SELECT DISTINCT user_id FROM {rows}); RETURN NULL; END $$"
        )
    for table in HISTORY:
        for event, rows, transition in (
            ("insert", "new_rows", "NEW TABLE AS new_rows"),
            ("update", "new_rows", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("delete", "old_rows", "OLD TABLE AS old_rows"),
        ):
            op.execute(
                f"CREATE TRIGGER dataversion_{table}_{event} AFTER {event.upper()} ON {table}"
                f" REFERENCING {transition} FOR EACH STATEMENT"
                f" EXECUTE FUNCTION dataversion_bump_{rows}()"
            )


def _postgres_user_triggers() -> None:
    """A user's row comes and goes with the user; their precautions or time zone bump it."""
    op.execute(
        "CREATE FUNCTION dataversion_user_insert() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN INSERT INTO dataversion (user_id, version) VALUES (NEW.id, 0); RETURN NULL; END $$"
    )
    op.execute(
        'CREATE TRIGGER dataversion_user_insert AFTER INSERT ON "user"'
        " FOR EACH ROW EXECUTE FUNCTION dataversion_user_insert()"
    )
    op.execute(
        "CREATE FUNCTION dataversion_user_delete() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN DELETE FROM dataversion WHERE user_id = OLD.id; RETURN NULL; END $$"
    )
    op.execute(
        'CREATE TRIGGER dataversion_user_delete AFTER DELETE ON "user"'
        " FOR EACH ROW EXECUTE FUNCTION dataversion_user_delete()"
    )
    op.execute(
        "CREATE FUNCTION dataversion_user_update() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {BUMP} = NEW.id; RETURN NULL; END $$"
    )
    op.execute(
        'CREATE TRIGGER dataversion_user_update AFTER UPDATE OF precautions, time_zone ON "user"'
        " FOR EACH ROW WHEN (OLD.precautions IS DISTINCT FROM NEW.precautions"
        " OR OLD.time_zone IS DISTINCT FROM NEW.time_zone)"
        " EXECUTE FUNCTION dataversion_user_update()"
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    names = [f"dataversion_user_{event}" for event in ("insert", "delete", "update")]
    names += [f"dataversion_{t}_{e}" for t in HISTORY for e in ("insert", "update", "delete")]
    for name in names:
        table = name.removeprefix("dataversion_").rsplit("_", 1)[0]
        on = f' ON "{table}"' if postgres else ""
        op.execute(f"DROP TRIGGER IF EXISTS {name}{on}")
    if postgres:
        for function in (*names[:3], "dataversion_bump_new_rows", "dataversion_bump_old_rows"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.drop_table("dataversion")

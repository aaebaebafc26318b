"""The migrations: they build exactly the tables the models describe, and keep every row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from webapp.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from webapp.store.db import make_engine, migrate

ROWS = {
    "user": "INSERT INTO user (public_id, time_zone, created_at) VALUES ('u1', 'UTC', '2026-01-01')",
    "completion": (
        "INSERT INTO completion (public_id, user_id, op_id, routine_slug, started_at, ended_at,"
        " local_date, time_zone, steps_done, steps_total, note, created_at) VALUES"
        " ('c1', 1, 'op-00001', 'desk-reset', '2026-01-01 07:00', '2026-01-01 07:04',"
        " '2026-01-01', 'UTC', 9, 9, '', '2026-01-01')"
    ),
    "programversion": (
        "INSERT INTO programversion (user_id, effective_from, start, goal, session_days,"
        " experience, equipment, deload_every, created_at) VALUES"
        " (1, '2026-01-01', '2026-01-01', 'running', '0,2,4', 'new', '', 4, '2026-01-01')"
    ),
    "planevent": (
        "INSERT INTO planevent (user_id, kind, day, created_at) VALUES"
        " (1, 'skip', '2026-01-05', '2026-01-01')"
    ),
}


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        found: int = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        return found


def test_the_migrated_schema_is_the_one_the_models_describe(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'hipday.sqlite3'}")
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_upgrading_a_database_with_data_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "hipday.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine, "0002")
    with sqlite3.connect(path) as connection:
        for statement in ROWS.values():
            connection.execute(statement)
    migrate(engine)  # 0004 rebuilds the user table, which every other table points at
    engine.dispose()
    assert {table: count(path, table) for table in ROWS} == dict.fromkeys(ROWS, 1)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_deleted_users_id_is_never_given_to_a_new_user(tmp_path: Path) -> None:
    path = tmp_path / "hipday.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute(ROWS["user"])
        connection.execute("DELETE FROM user WHERE id = 1")
        connection.execute(ROWS["user"].replace("'u1'", "'u2'"))
        assert connection.execute("SELECT id FROM user").fetchall() == [(2,)]

"""What PostgreSQL shows that SQLite hides: the migrations, races, and column lengths.

`make test-postgres` runs the whole suite on PostgreSQL. The migration tests here need it
(tests/integration/test_migrations.py checks the migrations on SQLite files); the others run
on both databases.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, SQLModel, func, select

from tests.conftest import ON_POSTGRES, empty_database_url
from tests.integration.conftest import Visitor
from tests.integration.reminder_forms import subscribe, token_of
from tests.push.push_crypto import Receiver
from webapp.store import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from webapp.store.db import MIGRATIONS, make_engine, migrate
from webapp.store.models import Completion
from webapp.store.training import TrainingStore

postgres_only = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="needs DATABASE_URL=postgresql+psycopg://...: `make test-postgres` runs it",
)

#: One row of each of the first tables, written when the schema was at revision 0002.
ROWS = {
    "user": (
        """INSERT INTO "user" (public_id, time_zone, created_at)"""
        " VALUES ('u1', 'UTC', '2026-01-01T00:00:00Z')"
    ),
    "completion": (
        "INSERT INTO completion (public_id, user_id, op_id, routine_slug, started_at, ended_at,"
        " local_date, time_zone, steps_done, steps_total, note, created_at) VALUES"
        " ('c1', 1, 'op-00001', 'desk-reset', '2026-01-01T07:00:00Z', '2026-01-01T07:04:00Z',"
        " '2026-01-01', 'UTC', 9, 9, '', '2026-01-01T00:00:00Z')"
    ),
    "programversion": (
        "INSERT INTO programversion (user_id, effective_from, start, goal, session_days,"
        " experience, equipment, deload_every, created_at) VALUES"
        " (1, '2026-01-01', '2026-01-01', 'running', '0,2,4', 'new', '', 4,"
        " '2026-01-01T00:00:00Z')"
    ),
    "planevent": (
        "INSERT INTO planevent (user_id, kind, day, created_at) VALUES"
        " (1, 'skip', '2026-01-05', '2026-01-01T00:00:00Z')"
    ),
}


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new database without any table."""
    engine = make_engine(empty_database_url(tmp_path))
    yield engine
    engine.dispose()


def alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def revisions() -> list[str]:
    """Every migration, the oldest first."""
    walked = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    return [script.revision for script in reversed(list(walked))]


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` ("base": no table at all)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def schema_differences(engine: Engine) -> list[object]:
    """How the database's tables differ from what the models describe."""
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        found: int = connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
        return found


@postgres_only
def test_the_migrated_schema_is_the_one_the_models_describe(empty_engine: Engine) -> None:
    migrate(empty_engine)
    assert schema_differences(empty_engine) == []


@postgres_only
def test_every_migration_goes_down_and_up_again(empty_engine: Engine) -> None:
    previous = "base"
    for revision in revisions():
        migrate(empty_engine, revision)
        before = tables(empty_engine)
        downgrade(empty_engine, previous)
        migrate(empty_engine, revision)
        assert tables(empty_engine) == before, f"{revision} down and up again"
        previous = revision
    assert schema_differences(empty_engine) == []
    downgrade(empty_engine, "base")
    assert tables(empty_engine) == {"alembic_version"}


@postgres_only
def test_upgrading_a_database_with_data_keeps_every_row(empty_engine: Engine) -> None:
    migrate(empty_engine, "0002")
    with empty_engine.begin() as connection:
        for statement in ROWS.values():
            connection.execute(text(statement))
    migrate(empty_engine)
    assert {table: count(empty_engine, table) for table in ROWS} == dict.fromkeys(ROWS, 1)


def test_a_deleted_users_id_is_never_given_to_a_new_user(store: TrainingStore) -> None:
    first = store.create_guest()
    assert store.delete_user(first.id or 0)
    second = store.create_guest()
    assert second.id != first.id
    assert store.user(first.id or 0) is None


def a_session(user_id: int, op_id: str, effort: int) -> Completion:
    return Completion(
        user_id=user_id,
        op_id=op_id,
        routine_slug="desk-reset",
        started_at=datetime(2026, 11, 20, 7, 0, tzinfo=UTC),
        ended_at=datetime(2026, 11, 20, 7, 4, tzinfo=UTC),
        local_date=date(2026, 11, 20),
        time_zone="Europe/Berlin",
        steps_done=9,
        steps_total=9,
        effort=effort,
    )


def test_one_session_sent_over_many_connections_at_once_is_stored_once(
    store: TrainingStore,
) -> None:
    """A phone's outbox and a retried request race with the same Idempotency-Key."""
    user = store.create_guest()
    senders = 8
    start = threading.Barrier(senders, timeout=30)
    results: list[tuple[str, bool]] = []
    errors: list[BaseException] = []

    def send(effort: int) -> None:
        try:
            start.wait()
            stored, new = store.add_completion(a_session(user.id or 0, "same-key-0001", effort))
            results.append((stored.public_id, new))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(effort,)) for effort in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len({public_id for public_id, _ in results}) == 1, "every sender got the same session"
    assert sorted(new for _, new in results) == [False] * (senders - 1) + [True]
    with Session(store.engine) as session:
        stored = session.exec(select(func.count()).select_from(Completion)).one()
    assert stored == 1
    assert len(store.completions(user.id or 0)) == 1


def test_a_subscription_whose_keys_carry_junk_is_refused_with_a_400(visitor: Visitor) -> None:
    subscription = Receiver().subscription("http://127.0.0.1:9/push/junk-keys")
    keys = subscription["keys"]
    keys["p256dh"] += "!" * 200
    keys["auth"] += "!" * 200
    response = subscribe(visitor, subscription, token=token_of(visitor))
    assert response.status_code == 400

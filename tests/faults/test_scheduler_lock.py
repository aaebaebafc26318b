"""The scheduler lock itself: which lock a database gets, waiting for it, and losing it.

The processes of test_scheduler_killed.py show the whole story; these look at the lock alone,
in this process (flock and advisory locks both exclude a second holder in the same process).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from tests.conftest import ON_POSTGRES
from tests.faults.conftest import wait_until
from webapp.scheduler.locks import (
    ADVISORY_KEY,
    AdvisoryLock,
    FileLock,
    NoLock,
    SchedulerLock,
    scheduler_lock,
)
from webapp.store.db import make_engine

WAITING = "this one waits until it stops"
TAKING_OVER = "this one takes over"


def test_each_database_gets_its_lock(tmp_path: Path) -> None:
    sqlite = make_engine(f"sqlite:///{tmp_path / 'hipday.sqlite3'}?timeout=1")
    memory = make_engine("sqlite://")
    try:
        on_file = scheduler_lock(sqlite)
        assert isinstance(on_file, FileLock)
        assert on_file.path == tmp_path / "hipday.sqlite3.scheduler-lock"
        assert scheduler_lock(memory) == NoLock(exclusive=True)
    finally:
        sqlite.dispose()
        memory.dispose()


def second_waits_then_takes_over(
    first: SchedulerLock, second: SchedulerLock, caplog: pytest.LogCaptureFixture
) -> None:
    """`second` says it waits while `first` holds the lock, and has it once `first` lets go."""
    caplog.set_level(logging.INFO, logger="webapp.scheduler.locks")
    first.acquire()
    waiter = threading.Thread(target=second.acquire, daemon=True)
    waiter.start()
    wait_until(lambda: WAITING in caplog.text, "the second to say it waits", 10)
    assert waiter.is_alive() and not second.held()
    first.release()
    waiter.join(10)
    assert not waiter.is_alive(), "the second never took the lock"
    assert second.held()
    assert TAKING_OVER in caplog.text
    second.release()


def test_a_second_scheduler_on_sqlite_waits_for_the_file_lock(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "hipday.sqlite3.scheduler-lock"
    second_waits_then_takes_over(FileLock(path), FileLock(path), caplog)
    assert path.exists(), "the lock file stays, so no one locks a different file"


def test_a_lock_file_replaced_while_waiting_is_locked_afresh(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Deleting the lock file can't let two schedulers hold two different files."""
    caplog.set_level(logging.INFO, logger="webapp.scheduler.locks")
    path = tmp_path / "hipday.sqlite3.scheduler-lock"
    first, second, third = FileLock(path), FileLock(path), FileLock(path)
    first.acquire()
    waiter = threading.Thread(target=second.acquire, daemon=True)
    waiter.start()
    wait_until(lambda: WAITING in caplog.text, "the second to wait on the first's file", 10)
    path.unlink()  # someone tidies up while the first runs
    newcomer = threading.Thread(target=third.acquire, daemon=True)
    newcomer.start()
    newcomer.join(10)
    assert third.held(), "a third scheduler locks the new file"
    first.release()
    waiter.join(0.5)
    assert waiter.is_alive() and not second.held(), "the waiter must wait for the new file"
    third.release()
    waiter.join(10)
    assert second.held()
    second.release()


@pytest.fixture
def postgres_app(app: Flask) -> Flask:
    if not ON_POSTGRES:
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (make test-postgres)")
    return app


def test_a_second_scheduler_on_postgresql_waits_for_the_advisory_lock(
    postgres_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    engine = postgres_app.extensions["hipday"].store.engine
    first, second = AdvisoryLock(engine), AdvisoryLock(engine)
    assert isinstance(scheduler_lock(engine), AdvisoryLock)
    second_waits_then_takes_over(first, second, caplog)


def test_the_server_frees_the_lock_of_a_vanished_scheduler_within_a_minute(
    postgres_app: Flask,
) -> None:
    """Keepalives on the lock's connection: 30 s idle, then 3 probes 10 s apart."""
    lock = AdvisoryLock(postgres_app.extensions["hipday"].store.engine)
    lock.acquire()
    try:
        assert lock.connection is not None
        settings = {
            name: lock.connection.execute(text(f"SHOW tcp_keepalives_{name}")).scalar()
            for name in ("idle", "interval", "count")
        }
    finally:
        lock.release()
    assert settings == {"idle": "30", "interval": "10", "count": "3"}


def test_a_scheduler_whose_lock_connection_dropped_knows_it_lost_the_lock(
    postgres_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    engine = postgres_app.extensions["hipday"].store.engine
    lock, other = AdvisoryLock(engine), AdvisoryLock(engine)
    lock.acquire()
    with engine.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks"
                " WHERE locktype = 'advisory' AND objid = :low AND classid = :high"
            ),
            {"low": ADVISORY_KEY & 0xFFFFFFFF, "high": ADVISORY_KEY >> 32},
        ).all()
    assert ended == [(True,)]
    other.acquire()  # free at once: the dropped connection took the lock with it
    assert not lock.held()
    assert "lock connection dropped" in caplog.text
    other.release()


def test_schedulers_sharing_the_sweep_on_postgresql_all_hold_the_lock_and_know_they_share(
    postgres_app: Flask,
) -> None:
    engine = postgres_app.extensions["hipday"].store.engine
    first, second = AdvisoryLock(engine, shared=True), AdvisoryLock(engine, shared=True)
    first.acquire()
    assert first.exclusive, "alone until a second one starts"
    second.acquire()  # does not wait
    try:
        assert first.held() and second.held()
        assert not first.exclusive and not second.exclusive
    finally:
        second.release()
    # The server lets go of a closed connection's locks a moment after it closes.
    wait_until(lambda: first.exclusive, "the first to be alone again", 10)
    first.release()


def test_a_scheduler_that_runs_alone_waits_for_those_sharing_the_sweep(
    postgres_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    engine = postgres_app.extensions["hipday"].store.engine
    sharing, alone = AdvisoryLock(engine, shared=True), AdvisoryLock(engine)
    second_waits_then_takes_over(sharing, alone, caplog)
    alone.release()


def test_sharing_the_sweep_on_sqlite_keeps_one_scheduler(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sqlite = make_engine(f"sqlite:///{tmp_path / 'hipday.sqlite3'}?timeout=1")
    try:
        assert isinstance(scheduler_lock(sqlite, shared=True), FileLock)
    finally:
        sqlite.dispose()
    assert "only on PostgreSQL" in caplog.text

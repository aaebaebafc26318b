"""The database engine, its migrations, and the unit of work every store is built on."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import manager_of_class
from sqlmodel import Session, SQLModel, create_engine

MIGRATIONS = Path(__file__).parent / "migrations"
#: The session every read of an engine shares while `Queries.reading` is open, in this thread.
SHARED: ContextVar[tuple[Engine, Session] | None] = ContextVar("shared_reads", default=None)
SQLITE_BUSY_TIMEOUT_MS = 5000
#: Seconds a pooled connection may lie idle before it is pinged when handed out again.
IDLE_BEFORE_PING = 1.0
POSTGRES_CONNECT = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 30}
Model = TypeVar("Model", bound=SQLModel)


def make_engine(url: str, *, autocommit: bool = False) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and foreign keys on every connection.

    SQLite waits up to 5 s for a lock held by another writer; `?timeout=<seconds>` in the URL
    sets another wait. `autocommit`: an engine for reads of one statement (`reader_for`), whose
    connections never open a transaction, with a small pool.
    """
    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    if not url.startswith("sqlite"):
        # A database that doesn't answer (packets dropped, not refused) fails in seconds, so the
        # user gets the 503 "try again" page instead of a request hanging on TCP's timeout.
        connect = POSTGRES_CONNECT if url.startswith("postgresql") else {}
        if autocommit:
            options |= {"pool_size": 2, "max_overflow": 8}
        return _pinged_when_idle(create_engine(url, connect_args=connect, **options))
    timeout = make_url(url).query.get("timeout")
    busy_timeout_ms = SQLITE_BUSY_TIMEOUT_MS if timeout is None else int(float(str(timeout)) * 1000)
    engine = create_engine(url, connect_args={"check_same_thread": False}, **options)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def reader_for(engine: Engine) -> Engine:
    """An engine on `engine`'s database for reads of one statement (`Queries.reader`), whose
    connections stay in autocommit: switching a pooled connection to autocommit and back for
    each read cost about a third of the read on PostgreSQL. `engine.dispose()` disposes it too.
    A database in memory has no second engine (it would open another database): its reads
    switch `engine`'s connections.
    """
    if engine.url.get_backend_name() == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    reader = make_engine(engine.url.render_as_string(hide_password=False), autocommit=True)
    event.listen(engine, "engine_disposed", lambda _engine: reader.dispose())
    return reader


def _pinged_when_idle(engine: Engine) -> Engine:
    """`engine`, whose pool pings a connection before handing it out again only when it has lain
    idle for `IDLE_BEFORE_PING` seconds, and replaces it when the ping fails.

    A connection the database dropped (a restart, a firewall's idle timeout) has lain idle
    for longer than that, so the app comes back from it without a restart. A busy app hands
    its connections out again within milliseconds, and a ping on every hand-out (the pool's
    own `pool_pre_ping`) is a round trip that costs a known visitor's page a fifth of its time.
    Should a connection break in the gap anyway, its request gets the "try again" page and
    the pool drops every connection made before the break.
    """

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _idle_from_now(_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_when_idle(connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since < IDLE_BEFORE_PING:
            return
        try:
            engine.dialect.do_ping(connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the database dropped this connection") from error

    return engine


def detached(model: type[Model], row: Mapping[Any, Any]) -> Model:
    """`model`'s row from a Core result, as a session leaves an ORM read once it closes:
    detached, with every column loaded. It costs about half an ORM read of the row, so the
    read each request of a known visitor starts with (`TrainingStore.user_and_version`)
    takes it. `row` must hold every column of the table."""
    instance: Model = manager_of_class(model).new_instance()
    values = instance.__dict__
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        values[column.key] = row[column.key]
    make_transient_to_detached(instance)
    return instance


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (the newest by default).

    On SQLite, foreign keys are off while migrating: a migration that rebuilds a table drops
    the old one, and with foreign keys on that drop would cascade to every row that refers to it.
    The keys are checked before the change is committed.
    """
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("the migration left rows pointing at nothing")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


class Queries:
    """Unit of work over one engine; each method runs in its own short transaction."""

    def __init__(self, engine: Engine, reader: Engine | None = None) -> None:
        self.engine = engine
        #: The engine for a read of one statement, which needs no transaction around it: it
        #: saves PostgreSQL the BEGIN and ROLLBACK round trips (a statement sees one snapshot).
        #: Such reads take a Core connection, not a session, which costs about half as much.
        #: The app gives the store whose requests read this way an engine of its own
        #: (`reader_for`); without one, each read switches a connection to autocommit and back.
        self.reader = reader or engine.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def _session(self) -> Iterator[Session]:
        shared = SHARED.get()
        if shared is not None and shared[0] is self.engine:
            yield shared[1]
            return
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Let the reads in the block share one session and transaction: one snapshot of the
        database and one connection for them all (on PostgreSQL, one BEGIN and ROLLBACK
        instead of one pair per read). For reads only: nothing in the block may commit."""
        if SHARED.get() is not None:
            yield
            return
        with Session(self.engine, expire_on_commit=False) as session:
            token = SHARED.set((self.engine, session))
            try:
                yield
            finally:
                SHARED.reset(token)

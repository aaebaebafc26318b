"""Fixtures shared by every test folder: an app on a fresh temporary database.

Tests run on SQLite, each app on a file in its own temporary folder. With `DATABASE_URL` set to
a PostgreSQL URL (`make test-postgres`), every app gets a database of its own on that server
instead: a copy of a template migrated once per run, dropped when the test is over.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, settings
from sqlalchemy import Connection, Engine, MetaData, create_engine, make_url, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from webapp import create_app
from webapp.clock import fixed_clock
from webapp.push.sender import new_private_key
from webapp.store.db import make_engine, migrate

#: The moment every test app lives in (a Wednesday morning in March, nothing special about it),
#: so no test depends on the date, weekday or time zone it runs in. A test that needs another
#: moment passes its own: `make_app(folder, CLOCK=fixed_clock(...))`.
TEST_NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
#: The pinned day, in UTC (a guest's zone until they change it).
TEST_TODAY = TEST_NOW.date()
#: `make test-dates` runs the suites several at once under faketime: every run draws the same
#: examples, and a loaded machine's slow example is no failure (`--hypothesis-profile=dates`).
settings.register_profile(
    "dates", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
#: One Web Push key for the whole run, so no test writes a key file into instance/.
TEST_VAPID_KEY = new_private_key()
#: Tests push to a local mock push service over plain http, and don't wait long to retry.
PUSH_TEST_CONFIG = {
    "VAPID_PRIVATE_KEY": TEST_VAPID_KEY,
    "VAPID_SUBJECT": "mailto:tests@hipday.app",
    "PUSH_INSECURE_ENDPOINTS": True,
    "PUSH_TIMEOUT": 2.0,
    "PUSH_BACKOFF": 0.05,
}
#: The PostgreSQL server the tests run on, when the environment names one.
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")
#: Test databases are named hipday_test_<unix time>_<pid>_<n>; a run's leftovers (after a
#: crash) are dropped by a later run once they are this old.
LEFTOVER_SECONDS = 6 * 3600
TEST_DATABASE = re.compile(r"hipday_test_(\d+)_\d+_\w+")
#: The application name of the connections that empty test databases for reuse.
CLEANER = "hipday-test-cleanup"
#: How often a drop is tried while the database is still in use (our own connections closing).
DROP_TRIES = 10


def drop_database(admin: Engine, name: str) -> None:
    """Drop the database `name` once the connections of this role to it are gone.

    This ends this role's own connections, then drops without `FORCE`. `FORCE` would also have
    to end the server's autovacuum workers, which only a privileged role may signal: on a plain
    role it fails whenever autovacuum happens to be working in the database. A plain drop asks
    autovacuum to stop by itself. A connection just told to end may linger for a moment, so a
    drop refused as "in use" is tried again, a bounded number of times.
    """
    for attempt in range(DROP_TRIES):
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND usename = current_user"
                    " AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            try:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                return
            except OperationalError as error:
                in_use = getattr(error.orig, "sqlstate", None) == "55006"
                if not in_use or attempt == DROP_TRIES - 1:
                    raise
        time.sleep(0.1 * (attempt + 1))


class PostgresDatabases:
    """Databases made for tests on one PostgreSQL server, emptied for reuse, dropped at the end.

    `migrated(folder)` gives the database of a temporary folder: the same folder always gets
    the same database (two apps on one database), a new folder an empty, fully migrated one.
    Copying the template is the slow part, so when a test is over its database is emptied
    (every row deleted, every id counter back to 1) and handed to a later test.
    """

    def __init__(self, url: str) -> None:
        # Tests need no durability: commits that don't wait for the disk make the run faster.
        given = make_url(url)
        self.url = given.update_query_dict(
            {"options": "-c synchronous_commit=off", "connect_timeout": "10", **given.query}
        )
        self.prefix = f"hipday_test_{int(time.time())}_{os.getpid()}"
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.cleaners: dict[str, Engine] = {}  # one connection per copy, to empty it
        self.numbers = itertools.count()
        self.template: str | None = None
        self.head: list[str] = []  # the template's alembic revision
        self.tables: list[str] = []  # the template's tables, those referring to others first
        self.copies: set[str] = set()  # migrated databases, which can be emptied and reused
        self.made: list[str] = []  # databases handed out and not yet released
        self.free: list[str] = []  # emptied copies waiting for a test
        self.by_folder: dict[Path, str] = {}
        self.engines: dict[str, list[Engine]] = {}

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, *statements: str) -> None:
        with self.admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))

    def _create(self, template: str) -> str:
        name = f"{self.prefix}_{next(self.numbers)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def _migrated_template(self) -> str:
        """The run's template: an empty database brought up to the newest migration, once."""
        if self.template is None:
            self.drop_leftovers()
            name = f"{self.prefix}_template"
            self._execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
            engine = make_engine(self.url_of(name))
            try:
                migrate(engine)
                with engine.connect() as connection:
                    self.head = self._revision(connection)
                    schema = MetaData()
                    schema.reflect(connection)
                self.tables = [t.name for t in reversed(schema.sorted_tables)]
                self.tables.remove("alembic_version")
            finally:
                engine.dispose()
            self.template = name
        return self.template

    @staticmethod
    def _revision(connection: Connection) -> list[str]:
        return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())

    def migrated(self, folder: Path) -> str:
        """The URL of the fully migrated database that belongs to `folder`."""
        key = folder.resolve()
        if key not in self.by_folder:
            template = self._migrated_template()
            name = self.free.pop() if self.free else self._create(template)
            self.copies.add(name)
            self.made.append(name)
            self.by_folder[key] = name
        return self.url_of(self.by_folder[key])

    def empty(self) -> str:
        """The URL of a new database with no tables at all (dropped, never reused)."""
        name = self._create("template0")
        self.made.append(name)
        return self.url_of(name)

    def track(self, url: str, engine: Engine) -> None:
        """Remember `engine` so it is closed before its database is emptied or dropped."""
        name = make_url(url).database or ""
        self.engines.setdefault(name, []).append(engine)

    def release(self, names: list[str]) -> None:
        """A test is over: empty its migrated databases for reuse, drop the others."""
        for name in names:
            self._disconnect(name)
            self.made.remove(name)
            if name in self.copies and self._emptied(name):
                self.free.append(name)
            else:
                self.copies.discard(name)
                if name in self.cleaners:
                    self.cleaners.pop(name).dispose()
                drop_database(self.admin, name)
        self.by_folder = {k: v for k, v in self.by_folder.items() if v not in names}

    def _disconnect(self, name: str) -> None:
        """Close the tracked engines of `name`, and end the tests' other connections to it.

        The server's own workers (autovacuum) may stay: they don't get in the way.
        """
        for engine in self.engines.pop(name, []):
            engine.dispose()
        with self.admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND usename = current_user"
                    " AND backend_type = 'client backend' AND application_name <> :cleaner"
                ),
                {"name": name, "cleaner": CLEANER},
            )

    def _emptied(self, name: str) -> bool:
        """Delete every row of a copy and restart its ids; False if it no longer looks the same."""
        if name not in self.cleaners:
            url = make_url(self.url_of(name)).update_query_dict({"application_name": CLEANER})
            self.cleaners[name] = create_engine(url, pool_size=1)
        try:
            with self.cleaners[name].begin() as connection:
                if self._revision(connection) != self.head:
                    return False
                for table in self.tables:
                    connection.execute(text(f'DELETE FROM "{table}"'))
                connection.execute(
                    text(
                        "SELECT setval(c.oid, 1, false) FROM pg_class c"
                        " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
                    )
                )
            return True
        except SQLAlchemyError:
            return False

    def drop_leftovers(self) -> None:
        """Drop the test databases of runs that ended long ago without cleaning up."""
        with self.admin.connect() as connection:
            names = connection.execute(
                text("SELECT datname FROM pg_database WHERE datname LIKE 'hipday\\_test\\_%'")
            ).scalars()
            old = [
                name
                for name in names
                if (found := TEST_DATABASE.fullmatch(name))
                and int(found.group(1)) < time.time() - LEFTOVER_SECONDS
            ]
        for name in old:
            drop_database(self.admin, name)

    def close(self) -> None:
        """Drop every database of this run, the template last."""
        for name in self.made:
            self._disconnect(name)
        for engine in self.cleaners.values():
            engine.dispose()
        for name in [*self.made, *self.free, *([self.template] if self.template else [])]:
            drop_database(self.admin, name)
        self.made, self.free, self.copies, self.cleaners, self.template = [], [], set(), {}, None
        self.admin.dispose()


POSTGRES = PostgresDatabases(POSTGRES_URL) if ON_POSTGRES else None


def database_url(database_dir: Path) -> str:
    """The URL of the fully migrated database that belongs to `database_dir`."""
    if POSTGRES is not None:
        return POSTGRES.migrated(database_dir)
    return f"sqlite:///{database_dir / 'hipday.sqlite3'}"


def empty_database_url(database_dir: Path) -> str:
    """The URL of a new database without any table (to test the migrations)."""
    if POSTGRES is not None:
        return POSTGRES.empty()
    return f"sqlite:///{database_dir / 'empty.sqlite3'}"


def make_app(database_dir: Path, **overrides: object) -> Flask:
    """A fully migrated app on the database of `database_dir` (its SQLite file on SQLite).

    Its clock reads `TEST_NOW` unless `CLOCK` says otherwise. Two apps made with the same
    folder share their database.
    """
    url = database_url(database_dir)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": url,
            "CLOCK": fixed_clock(TEST_NOW),
            **PUSH_TEST_CONFIG,
            **overrides,
        }
    )
    engine = app.extensions["hipday"].store.engine
    if POSTGRES is not None:
        POSTGRES.track(url, engine)
    else:
        migrate(engine)  # PostgreSQL databases are copies of a migrated template
    return app


@pytest.fixture(scope="session", autouse=True)
def _postgres_databases() -> Iterator[None]:
    """On PostgreSQL, drop whatever databases the run made when it ends."""
    yield
    if POSTGRES is not None:
        POSTGRES.close()


@pytest.fixture(autouse=True)
def _test_databases_released() -> Iterator[None]:
    """On PostgreSQL, empty for reuse (or drop) the databases a test made once it is over.

    Databases of module-wide fixtures were made before this runs and live until the end.
    """
    before = set(POSTGRES.made) if POSTGRES is not None else set()
    yield
    if POSTGRES is not None:
        POSTGRES.release([name for name in POSTGRES.made if name not in before])


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path)
    yield application
    application.extensions["hipday"].sender.close()  # its threads and keep-alive connections
    application.extensions["hipday"].store.engine.dispose()


def wait_until(check: Callable[[], Any], what: str, seconds: float = 20) -> Any:
    """Poll `check` in real time (a page's clock may be fake) until it is truthy.

    Returns its value; after `seconds`, an AssertionError naming `what` and the last value.
    """
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {seconds} s waiting for {what} (last: {value!r})"
            )
        time.sleep(0.05)

"""One scheduler at a time: the lock a scheduler holds for as long as it lives.

A PostgreSQL advisory lock on a connection of its own, or an exclusive lock on a file next to
the SQLite database; a second scheduler started by mistake says so in its log and waits until
the first stops, then takes over.

On PostgreSQL several schedulers may share the sweep instead (`SCHEDULERS_SHARE`): each holds
the advisory lock in shared mode, and their sweeps take different batches of due reminders
(`FOR UPDATE SKIP LOCKED`, webapp/store/sweep_rows.py). Shared-mode schedulers and one that
wants to run alone still wait for each other. SQLite keeps its one scheduler: it has one
writer at a time, so a second sweeping process would only queue behind the first.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

#: The PostgreSQL advisory lock key of the scheduler ("hipday" and 1, as a positive bigint).
ADVISORY_KEY = int.from_bytes(b"hipday\x00\x01", "big")
#: Seconds between tries while the database can't be reached to take the lock.
LOCK_RETRY_SECONDS = 5.0
#: Keepalives on both ends of the lock's connection: if a scheduler's machine vanishes, the
#: server frees its lock within about a minute (not the system default of hours), and a
#: scheduler whose network is gone learns it has lost the lock.
KEEPALIVE = {"idle": 30, "interval": 10, "count": 3}
WAITING = (
    "Another Hipday scheduler is running on this database; this one waits until it stops (%s)."
)
TAKING_OVER = "The other scheduler stopped: this one takes over."
#: How many sessions hold the scheduler's advisory lock (a bigint key is split in two).
HOLDERS = (
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND classid = :high AND objid = :low AND objsubid = 1"
)


class SchedulerLock(Protocol):
    """Held by the one scheduler sending reminders; a second one waits in `acquire`."""

    @property
    def exclusive(self) -> bool:
        """True when no other scheduler can be sending now, so this one may finish every
        unfinished send at once."""

    def acquire(self) -> None:
        """Take the lock, waiting (and saying so in the log) while another scheduler has it."""

    def held(self) -> bool:
        """Whether this process still holds the lock."""

    def release(self) -> None:
        """Let go of the lock."""


class FileLock:
    """An exclusive lock (flock) on a file beside the SQLite database.

    The kernel releases it when the process ends, however it ends (kill -9 included). The file
    is never deleted; if it is replaced while a scheduler waits, the waiter locks the new one.
    """

    exclusive = True

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        waited = False
        while self._fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    if not waited:
                        log.info(WAITING, f"lock file {self.path}")
                        waited = True
                    fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            if self._is_the_file(fd):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._fd = fd
            else:
                os.close(fd)
        if waited:
            log.info(TAKING_OVER)

    def _is_the_file(self, fd: int) -> bool:
        """Whether `fd` is still the file at `path` (not one deleted or replaced meanwhile)."""
        try:
            found, mine = os.stat(self.path), os.fstat(fd)
        except FileNotFoundError:
            return False
        return (found.st_dev, found.st_ino) == (mine.st_dev, mine.st_ino)

    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class AdvisoryLock:
    """A PostgreSQL session advisory lock, on a connection of its own kept open while it runs.

    PostgreSQL releases it when that connection ends, however the process ends. If the
    connection drops, the lock is gone too: `held()` notices before the next sweep. `shared`:
    held in shared mode, by each of several schedulers sharing the sweep.
    """

    def __init__(self, engine: Engine, shared: bool = False) -> None:
        options: dict[str, Any] = {}
        if engine.url.get_driver_name() in ("psycopg", "psycopg2"):
            options["connect_args"] = {"connect_timeout": 10, "keepalives": 1} | {
                f"keepalives_{name}": value for name, value in KEEPALIVE.items()
            }
        self.engine = create_engine(
            engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT", **options
        )
        self.connection: Connection | None = None
        self.shared = shared
        self._mode = "_shared" if shared else ""

    @property
    def exclusive(self) -> bool:
        """Alone: holding it exclusively, or the only one of the schedulers sharing it."""
        if not self.shared:
            return True
        if self.connection is None:
            return False
        key = {"low": ADVISORY_KEY & 0xFFFFFFFF, "high": ADVISORY_KEY >> 32}
        holders = self.connection.execute(text(HOLDERS), key).scalar()
        return holders == 1

    def acquire(self) -> None:
        waited = False
        while self.connection is None:
            try:
                connection = self.engine.connect()
            except DBAPIError as error:
                self._pause(error)
                continue
            try:
                for name, value in KEEPALIVE.items():  # the server's end of the connection
                    connection.execute(text(f"SET tcp_keepalives_{name} = {value}"))
                key = {"key": ADVISORY_KEY}
                tried = text(f"SELECT pg_try_advisory_lock{self._mode}(:key)")
                if not connection.execute(tried, key).scalar():
                    if not waited:
                        log.info(WAITING, "PostgreSQL advisory lock")
                        waited = True
                    connection.execute(text(f"SELECT pg_advisory_lock{self._mode}(:key)"), key)
            except DBAPIError as error:
                connection.close()
                self._pause(error)
                continue
            except BaseException:
                connection.close()
                raise
            self.connection = connection
        if waited:
            log.info(TAKING_OVER)

    def _pause(self, error: DBAPIError) -> None:
        log.warning(
            "can't reach the database to take the scheduler lock (%s); trying again in %s s",
            error.orig,
            LOCK_RETRY_SECONDS,
        )
        time.sleep(LOCK_RETRY_SECONDS)

    def held(self) -> bool:
        if self.connection is None:
            return False
        try:
            self.connection.execute(text("SELECT 1"))
        except DBAPIError:
            log.warning("the scheduler's lock connection dropped, and the lock with it")
            self.release()
            return False
        return True

    def release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()  # ending the session lets go of the lock
            except DBAPIError:
                pass
            self.connection = None


@dataclass
class NoLock:
    """No lock to take: an in-memory database is this process's alone (`exclusive`); on other
    databases two schedulers stay safe through their claims, with the lease for stopped ones."""

    exclusive: bool

    def acquire(self) -> None:
        pass

    def held(self) -> bool:
        return True

    def release(self) -> None:
        pass


def scheduler_lock(engine: Engine, shared: bool = False) -> SchedulerLock:
    """The lock that keeps a second scheduler on this database waiting; with `shared`, on
    PostgreSQL, the lock several schedulers sharing the sweep hold together."""
    url = engine.url
    backend = url.get_backend_name()
    if backend == "postgresql":
        return AdvisoryLock(engine, shared=shared)
    if shared:
        log.warning("schedulers share the sweep only on PostgreSQL: this one runs alone")
    if backend == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:"):
            return NoLock(exclusive=True)
        if not database.startswith("file:"):
            path = Path(database)
            return FileLock(path.with_name(f"{path.name}.scheduler-lock"))
    log.warning("no scheduler lock on this database (%s): run exactly one scheduler", backend)
    return NoLock(exclusive=False)

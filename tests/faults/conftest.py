"""Fault fixtures: real processes killed on purpose, on real databases, over loopback only.

`Children` starts gunicorn and the scheduler the way a deployment does (commands from the
virtualenv's bin folder, settings from the environment), each in its own process group with its
output in a log file, and kills whatever is left when the test ends. `GatedPushService` is the
mock push service with a gate: it can hold pushes beyond the first few and drop them once the
scheduler that sent them is dead. Every wait has a deadline.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask, current_app
from sqlalchemy import func
from sqlmodel import Session, select

from tests.conftest import TEST_VAPID_KEY, database_url, wait_until
from tests.push.conftest import TEST_PUBLIC_KEY
from tests.push.push_crypto import Received
from tests.push.service import MockPushService
from webapp.services import reminders
from webapp.store.models import (
    Completion,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderPush,
    User,
)
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore

ROOT = Path(__file__).resolve().parents[2]
#: gunicorn and flask of the virtualenv running the tests.
BIN = Path(sys.executable).parent
SECRET_KEY = "test-secret"  # the same as tests.conftest.make_app's, so tokens read back


def environment(database: str) -> dict[str, str]:
    """The environment of a deployed process on the test's database and keys.

    Both keys are given, so nothing is written into the instance folder.
    """
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database,
        HIPDAY_SECRET_KEY=SECRET_KEY,
        HIPDAY_VAPID_PRIVATE_KEY=TEST_VAPID_KEY,
        HIPDAY_VAPID_SUBJECT="mailto:tests@hipday.app",
        PYTHONUNBUFFERED="1",
    )
    return env


class Child:
    """One process a test started, in a process group of its own, writing to a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log_path = name, log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, pattern: str, seconds: float = 30) -> re.Match[str]:
        """The first match of `pattern` in the log, once it is there."""

        def found() -> re.Match[str] | None:
            if self.process.poll() is not None and not re.search(pattern, self.log()):
                raise AssertionError(
                    f"{self.name} exited ({self.process.returncode}) before logging {pattern!r}:"
                    f"\n{self.log()}"
                )
            return re.search(pattern, self.log())

        try:
            match: re.Match[str] = wait_until(found, f"{self.name} to log {pattern!r}", seconds)
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- {self.name} log ---\n{self.log()}") from None
        return match

    def kill(self) -> None:
        """kill -9 the whole process group (a gunicorn master and its workers), and reap it."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; SIGKILL if it is not gone in 10 s."""
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal(self, number: int) -> None:
        try:
            os.killpg(self.process.pid, number)
        except ProcessLookupError:
            pass


class Children:
    """The processes of one test; whatever still runs at its end is killed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[Child] = []

    def start(self, name: str, command: list[str], database: str) -> Child:
        child = Child(name, command, environment(database), self.folder / f"{name}.log")
        self.started.append(child)
        return child

    def web(self, name: str, database: str, workers: int = 2) -> tuple[Child, str]:
        """gunicorn serving Hipday on a free loopback port, once it answers; (child, url)."""
        command = [
            str(BIN / "gunicorn"),
            f"--workers={workers}",
            "--bind=127.0.0.1:0",
            "--graceful-timeout=2",
            "webapp:create_app()",
        ]
        child = self.start(name, command, database)
        port = child.wait_for_log(r"Listening at: http://127\.0\.0\.1:(\d+)").group(1)
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: _answers(url), f"{name} to answer on {url}", 30)
        return child, url

    def scheduler(self, name: str, database: str) -> Child:
        """`flask --app webapp scheduler`, as `make run` starts it, but allowed to push to the
        mock push service on 127.0.0.1 over http (a test-only setting, so given in code)."""
        app = "webapp:create_app({'TESTING': True, 'PUSH_INSECURE_ENDPOINTS': True})"
        return self.start(name, [str(BIN / "flask"), "--app", app, "scheduler"], database)

    def close(self) -> None:
        for child in self.started:
            if child.process.poll() is None:
                child.kill()


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def children(tmp_path: Path) -> Iterator[Children]:
    started = Children(tmp_path)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture
def database(tmp_path: Path) -> str:
    """The URL of the test's database (a SQLite file in tmp_path, or PostgreSQL's for the run)."""
    return database_url(tmp_path)


# --- the finish form, as a phone sends it -------------------------------------------------------

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def finish_form(op_id: str, token: str, ended: datetime | None = None) -> dict[str, str]:
    """The player's finish form for a pre-run warm-up that ended at `ended`.

    By default a minute ago on the real clock, which the web processes these tests start read;
    an app made in the test (`make_app`) reads the pinned `TEST_NOW` instead.
    """
    ended = ended or datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    return {
        "csrf_token": token,
        "routine": "pre-run-warm-up",
        "op_id": op_id,
        "started_at": (ended - timedelta(minutes=7)).isoformat(),
        "ended_at": ended.isoformat(),
        "steps_done": "40",
        "steps_total": "40",
        "time_zone": "UTC",
        "effort": "5",
        "pain": "0",
        "note": "",
    }


def finish_headers(op_id: str) -> dict[str, str]:
    """The headers the player (htmx) and the outbox send with a finish."""
    return {"Idempotency-Key": op_id, "HX-Request": "true"}


def stored(app: Flask, op_ids: list[str] | None = None) -> Counter[str]:
    """How many completions the database holds per op_id (all of them, or those asked for)."""
    engine = app.extensions["hipday"].store.engine
    query = select(Completion.op_id, func.count()).group_by(Completion.op_id)
    if op_ids is not None:
        query = query.where(Completion.op_id.in_(op_ids))  # type: ignore[attr-defined]
    with Session(engine) as session:
        return Counter({op_id: count for op_id, count in session.exec(query).all()})


# --- reminders due now, at a mock push service --------------------------------------------------


class GatedPushService(MockPushService):
    """The mock push service, with a gate the test controls.

    `hold_after(n)`: pushes arriving after the first n wait at the gate, unanswered and not
    accepted; `drop_held()` closes their connections without accepting them (a push the
    scheduler started but never got through) and opens the gate. `before_accept` and
    `after_accept` run in the handler with the push's arrival number (0 first).
    """

    def __init__(self) -> None:
        super().__init__(hang_seconds=0.5, vapid_public_key=TEST_PUBLIC_KEY)
        self._gate = threading.Condition()
        self._admit: int | None = None
        self._arrivals = 0
        self._held = 0
        self._dropping = False
        self.before_accept: Callable[[int], None] | None = None
        self.after_accept: Callable[[int], None] | None = None

    def hold_after(self, admitted: int) -> None:
        with self._gate:
            self._admit = admitted

    def held(self) -> int:
        with self._gate:
            return self._held

    def drop_held(self) -> None:
        with self._gate:
            self._dropping = True
            self._admit = None
            self._gate.notify_all()

    def _answer_push(self, path: str, headers: Any, body: bytes) -> Any:
        with self._gate:
            number = self._arrivals
            self._arrivals += 1
            if self._admit is not None and number >= self._admit:
                self._held += 1
                self._gate.wait_for(lambda: self._dropping, timeout=60)
                self._held -= 1
                return None  # the handler closes the connection without an answer
        if self.before_accept is not None:
            self.before_accept(number)
        answer = super()._answer_push(path, headers, body)
        if self.after_accept is not None and answer is not None and answer.status == 201:
            self.after_accept(number)
        return answer


@pytest.fixture
def push_service() -> Iterator[GatedPushService]:
    with GatedPushService() as service:
        yield service


@dataclass
class DueNow:
    """Guests whose session reminder fell due a minute ago, each with one subscribed phone."""

    due: datetime
    phones: dict[str, User]  # endpoint -> its user
    reminder_ids: dict[int, int]  # user id -> reminder id

    def expected(self) -> set[tuple[str, int, str]]:
        """The (user, reminder, day) each phone should be reminded of, once."""
        day = self.due.date().isoformat()
        return {(u.public_id, self.reminder_ids[u.id or 0], day) for u in self.phones.values()}


def add_users_due_now(app: Flask, service: MockPushService, count: int) -> DueNow:
    """`count` guests with one phone subscribed at `service` and a reminder due a minute ago."""
    store: TrainingStore = app.extensions["hipday"].store
    reminder_store: ReminderStore = app.extensions["hipday"].reminders
    due = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    made = DueNow(due, {}, {})
    for _ in range(count):
        user = store.create_guest()
        phone = service.subscribe()
        reminder_store.add_subscription(
            PushSubscription(
                user_id=user.id or 0,
                endpoint=phone["endpoint"],
                p256dh=phone["keys"]["p256dh"],
                auth=phone["keys"]["auth"],
                vapid_key=app.extensions["hipday"].vapid_public,
            )
        )
        reminder = reminder_store.save_reminder(
            Reminder(
                user_id=user.id or 0, kind="session", enabled=True, at=clock(7), next_fire_utc=due
            )
        )
        made.phones[phone["endpoint"]] = user
        made.reminder_ids[user.id or 0] = reminder.id or 0
    return made


def pushes_written_down(app: Flask) -> int:
    """How many device results the scheduler has written down so far."""
    with Session(app.extensions["hipday"].store.engine) as session:
        return int(session.exec(select(func.count()).select_from(ReminderPush)).one())


def deliveries_by_status(app: Flask) -> Counter[str]:
    with Session(app.extensions["hipday"].store.engine) as session:
        return Counter(session.exec(select(ReminderDelivery.status)).all())


def reminder_of(push: Received) -> tuple[str, int, str]:
    """The (user, reminder, day) a notification is about, from its signed action token; call
    in an app context."""
    token = reminders.read_token(current_app.config["SECRET_KEY"], push.json()["token"])
    assert token is not None, "every reminder carries a token this server signed"
    user, reminder_id, day = token
    return user, reminder_id, day.isoformat()


def reminders_received(app: Flask, service: MockPushService) -> Counter[tuple[str, int, str]]:
    """How many times each (user, reminder, day) reached a phone."""
    with app.app_context():
        return Counter(reminder_of(push) for push in service.received)

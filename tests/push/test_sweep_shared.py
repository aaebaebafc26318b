"""Three schedulers share one sweep on PostgreSQL, and every reminder is pushed exactly once.

Each scheduler is an app of its own (its own engine and connections) on the same database,
holding the scheduler lock in shared mode, sweeping in a thread of its own at the same moment.
Batches are kept small so the three really interleave over the 1,000 users' reminders.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select

from tests.conftest import ON_POSTGRES, make_app
from tests.push.conftest import TEST_PUBLIC_KEY, close_app
from tests.push.service import MockPushService
from webapp.clock import fixed_clock
from webapp.scheduler import process
from webapp.scheduler import sweep as sweeping
from webapp.scheduler.locks import scheduler_lock
from webapp.scheduler.sweep import SweepReport
from webapp.store.models import (
    ProgramVersion,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    User,
    new_public_id,
)

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="several schedulers share a sweep only on PostgreSQL (make test-postgres)",
)
USERS = 1000
SCHEDULERS = 3
SEVEN = datetime.fromisoformat("2026-11-23T07:00:00+00:00")  # a Monday, a session day


def add_users(app: Flask, service: MockPushService, count: int, due: datetime) -> None:
    """Users with a plan, a 07:00 session reminder due at `due`, and one device each."""
    engine = app.extensions["hipday"].store.engine
    key = app.extensions["hipday"].vapid_public
    start = due.date() - timedelta(weeks=3)
    devices = [service.subscribe() for _ in range(count)]
    with engine.begin() as connection:
        users = [{"public_id": new_public_id(), "time_zone": "UTC"} for _ in range(count)]
        connection.execute(insert(User), users)
        ids = connection.execute(select(User.id).order_by(User.id)).scalars().all()  # type: ignore[arg-type]
        connection.execute(insert(ProgramVersion), [_program(i, start) for i in ids])
        connection.execute(insert(Reminder), [_reminder(i, due) for i in ids])
        connection.execute(
            insert(PushSubscription),
            [_device(i, d, key) for i, d in zip(ids, devices, strict=True)],
        )


def _program(user_id: int, start: date) -> dict[str, Any]:
    return {
        "user_id": user_id, "effective_from": start, "start": start, "goal": "general",
        "session_days": "0,2,4", "experience": "new", "equipment": "", "deload_every": 4,
    }  # fmt: skip


def _reminder(user_id: int, due: datetime) -> dict[str, Any]:
    return {
        "user_id": user_id, "kind": "session", "enabled": True, "weekdays": "",
        "at": clock(7, 0), "every": 0, "next_fire_utc": due,
    }  # fmt: skip


def _device(user_id: int, subscription: dict[str, Any], key: str) -> dict[str, Any]:
    return {
        "public_id": new_public_id(), "user_id": user_id, "endpoint": subscription["endpoint"],
        "p256dh": subscription["keys"]["p256dh"], "auth": subscription["keys"]["auth"],
        "vapid_key": key, "label": "race",
    }  # fmt: skip


def sweep_together(apps: list[Flask], now: datetime) -> list[SweepReport]:
    """Each app's scheduler takes the shared lock and sweeps at `now`, all at once."""
    reports: list[SweepReport | BaseException] = [RuntimeError("never swept")] * len(apps)
    start = threading.Barrier(len(apps))

    def scheduler(index: int) -> None:
        app = apps[index]
        lock = scheduler_lock(app.extensions["hipday"].store.engine, shared=True)
        lock.acquire()
        try:
            start.wait(30)
            with app.app_context():
                reports[index] = process.sweep(now, alone=lock.exclusive)
        except BaseException as error:  # handed to the test below
            reports[index] = error
        finally:
            lock.release()

    threads = [threading.Thread(target=scheduler, args=(i,)) for i in range(len(apps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    for report in reports:
        if isinstance(report, BaseException):
            raise report
    return [r for r in reports if isinstance(r, SweepReport)]


def test_three_schedulers_racing_push_every_reminder_of_a_thousand_users_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweeping, "BATCH", 50)
    with MockPushService(vapid_public_key=TEST_PUBLIC_KEY) as service:
        config = {"CLOCK": fixed_clock(SEVEN), "SCHEDULERS_SHARE": True}
        apps = [make_app(tmp_path, **config) for _ in range(SCHEDULERS)]
        try:
            add_users(apps[0], service, USERS, SEVEN)
            reports = sweep_together(apps, SEVEN + timedelta(seconds=5))
            delivered = _deliveries(apps[0])
        finally:
            for app in apps:
                close_app(app)
        received = Counter(push.endpoint for push in service.received)

    assert len(received) == USERS and set(received.values()) == {1}
    assert service.rejected == []
    assert sum(r.sent for r in reports) == sum(r.claimed for r in reports) == USERS
    assert sorted(delivered.values()) == [1] * USERS
    assert sum(r.due for r in reports) == USERS, "a reminder was decided by two schedulers"
    assert sum(1 for r in reports if r.claimed) > 1, f"one scheduler did it all: {reports}"


def _deliveries(app: Flask) -> Counter[int]:
    """How many sent deliveries each reminder has."""
    engine = app.extensions["hipday"].store.engine
    with engine.connect() as connection:
        query = select(ReminderDelivery.reminder_id).where(ReminderDelivery.status == "sent")  # type: ignore[arg-type]
        return Counter(connection.execute(query).scalars().all())

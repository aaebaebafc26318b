"""10,000 users due in the same minute: how long until the last reminder is accepted.

Each user has a plan (started three weeks ago, so the sweep really asks it what today holds), a
session reminder at 07:00 UTC and one subscription at the mock push service. The mock runs in
its own process, as a real push service would be on another machine, and verifies the VAPID
signature and decrypts every push. The figure: from the sweep's start until the mock accepted
the last push, next to the time the same number of plain POSTs (no encryption, no checks, the
same 32 connections) take against the same mock in the same run. Target: at most 1.5 times.

On PostgreSQL it also times 1, 2 and 3 scheduler processes sharing the sweep
(`SCHEDULERS_SHARE`), each an app of its own in a process of its own, on the same reminders.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from multiprocessing.connection import Connection
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from sqlalchemy import delete, insert, select, update

from tests.conftest import ON_POSTGRES, PUSH_TEST_CONFIG, make_app
from tests.push.service import MockPushService
from webapp import create_app
from webapp.clock import fixed_clock
from webapp.scheduler.locks import scheduler_lock
from webapp.scheduler.process import sweep
from webapp.store.models import (
    ProgramVersion,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderPush,
    User,
    new_public_id,
)

USERS = int(__import__("os").environ.get("BENCH_PUSH_USERS", "10000"))
WORKERS = 32
DUE = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # a Monday, a session day of every plan


def serve_mock(pipe: Connection, users: int, vapid_key: str) -> None:
    """The mock push service in a child process, driven over a pipe."""
    with MockPushService(vapid_public_key=vapid_key) as mock:
        pipe.send([mock.subscribe() for _ in range(users)])
        pipe.send(mock.url)
        while (command := pipe.recv()) != "stop":
            if command == "report":
                times = [r.received_at for r in mock.received]
                pipe.send((len(mock.received), len(mock.rejected), max(times, default=0.0)))
                mock.received.clear()


@pytest.fixture(scope="module")
def mock_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, ...]]:
    app = make_app(tmp_path_factory.mktemp("bench-push"), PUSH_WORKERS=WORKERS)
    here, there = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=serve_mock, args=(there, USERS, app.extensions["hipday"].vapid_public)
    )
    process.start()
    subscriptions, url = here.recv(), here.recv()
    try:
        yield app, subscriptions, url, here
    finally:
        here.send("stop")
        process.join(timeout=30)
        app.extensions["hipday"].store.engine.dispose()


def add_users(app: Any, subscriptions: list[dict[str, Any]]) -> None:
    """Users with a plan, a 07:00 reminder due now, and one device each, inserted in bulk."""
    engine = app.extensions["hipday"].store.engine
    key = app.extensions["hipday"].vapid_public
    start = DUE.date() - timedelta(weeks=3)
    with engine.begin() as connection:
        connection.execute(
            insert(User),
            [{"public_id": new_public_id(), "time_zone": "UTC"} for _ in subscriptions],
        )
        ids = connection.execute(select(User.id).order_by(User.id)).scalars().all()  # type: ignore[arg-type]
        connection.execute(insert(ProgramVersion), [plan_row(i, start) for i in ids])
        connection.execute(insert(Reminder), [reminder_row(i) for i in ids])
        connection.execute(
            insert(PushSubscription),
            [device_row(i, s, key) for i, s in zip(ids, subscriptions, strict=True)],
        )


def plan_row(user_id: int, start: date) -> dict[str, Any]:
    """A three-day general plan for a new user, from `start`."""
    return {
        "user_id": user_id, "effective_from": start, "start": start, "goal": "general",
        "session_days": "0,2,4", "experience": "new", "equipment": "", "deload_every": 4,
    }  # fmt: skip


def reminder_row(user_id: int) -> dict[str, Any]:
    """A 07:00 session reminder, due now."""
    return {
        "user_id": user_id, "kind": "session", "enabled": True, "weekdays": "",
        "at": clock(7, 0), "every": 0, "next_fire_utc": DUE,
    }  # fmt: skip


def device_row(user_id: int, subscription: dict[str, Any], key: str) -> dict[str, Any]:
    """One device subscribed at the mock push service."""
    return {
        "public_id": new_public_id(), "user_id": user_id, "endpoint": subscription["endpoint"],
        "p256dh": subscription["keys"]["p256dh"], "auth": subscription["keys"]["auth"],
        "vapid_key": key, "label": "bench",
    }  # fmt: skip


def plain_posts(url: str, count: int) -> float:
    """Seconds for `count` plain POSTs of a reminder-sized body over WORKERS connections."""
    body = b"x" * 600
    local = threading.local()
    sessions: list[requests.Session] = []
    lock = threading.Lock()

    def post(_: int) -> None:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            session.mount("http://", HTTPAdapter(pool_maxsize=1))
            with lock:
                sessions.append(session)
        session.post(f"{url}/plain", data=body, timeout=10).close()

    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(post, range(count)))
    elapsed = time.perf_counter() - started
    for session in sessions:
        session.close()
    return elapsed


@pytest.fixture(scope="module")
def due_users(mock_process: tuple[Any, ...]) -> tuple[Any, ...]:
    """The mock's app, url and pipe, with USERS users due at DUE."""
    app, subscriptions, url, pipe = mock_process
    add_users(app, subscriptions)
    return app, url, pipe


@pytest.mark.timeout(600)  # a loaded 2-core machine takes a minute or more
def test_ten_thousand_reminders_due_in_one_minute(due_users: tuple[Any, ...]) -> None:
    app, url, pipe = due_users
    with app.app_context():
        started = time.monotonic()
        report = sweep(DUE + timedelta(seconds=5))
        swept = time.monotonic() - started
    pipe.send("report")
    accepted, rejected, last = pipe.recv()
    delivered = last - started
    plain = plain_posts(url, USERS)
    print(
        f"\n{USERS:,} users due at once: sweep {swept:.1f} s ({report}); "
        f"{accepted:,} pushes accepted, {rejected} refused; the last accepted after "
        f"{delivered:.1f} s; {USERS:,} plain POSTs take {plain:.1f} s; "
        f"ratio {delivered / plain:.2f}× (target ≤ 1.5×)"
    )
    assert accepted == USERS and rejected == 0
    assert report.sent == USERS
    assert date(2026, 11, 23).weekday() == 0


@pytest.mark.timeout(1200)  # three sweeps of 10,000
def test_schedulers_sharing_the_sweep_on_postgresql(due_users: tuple[Any, ...]) -> None:
    if not ON_POSTGRES:
        pytest.skip('only on PostgreSQL: url=$(.ci/postgres) && DATABASE_URL="$url" make bench')
    app, url, pipe = due_users
    figures = []
    for count in (1, 2, 3):
        due_again(app)
        started = shared_sweep(app, count)
        pipe.send("report")
        accepted, rejected, last = pipe.recv()
        assert (accepted, rejected) == (USERS, 0)
        figures.append(f"{count}: {last - started:.1f} s")
    plain = plain_posts(url, USERS)
    print(
        f"\n{USERS:,} users due at once, schedulers sharing the sweep on PostgreSQL: "
        f"{', '.join(figures)}; {USERS:,} plain POSTs take {plain:.1f} s"
    )


def due_again(app: Any) -> None:
    """Every reminder due at DUE again, with none of its deliveries left."""
    engine = app.extensions["hipday"].store.engine
    with engine.begin() as connection:
        connection.execute(delete(ReminderPush))
        connection.execute(delete(ReminderDelivery))
        connection.execute(update(Reminder).values(next_fire_utc=DUE))


def shared_sweep(app: Any, count: int) -> float:
    """Sweep with `count` scheduler processes at once; the monotonic moment they started."""
    context = multiprocessing.get_context("spawn")
    url = app.extensions["hipday"].store.engine.url.render_as_string(hide_password=False)
    key = app.config["VAPID_PRIVATE_KEY"]  # each test process makes its own
    ready, go = context.Barrier(count + 1), context.Event()
    processes = [
        context.Process(target=scheduler_process, args=(url, key, ready, go)) for _ in range(count)
    ]
    for process in processes:
        process.start()
    ready.wait(120)  # each has its app and the lock
    started = time.monotonic()
    go.set()
    for process in processes:
        process.join(300)
        assert process.exitcode == 0
    return started


def scheduler_process(url: str, key: str, ready: Any, go: Any) -> None:
    """One scheduler sharing the sweep: its own app and connections, the lock in shared mode."""
    app = create_app(
        {
            "TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": url,
            "CLOCK": fixed_clock(DUE), **PUSH_TEST_CONFIG, "VAPID_PRIVATE_KEY": key,
            "PUSH_WORKERS": WORKERS,
        }
    )  # fmt: skip
    lock = scheduler_lock(app.extensions["hipday"].store.engine, shared=True)
    lock.acquire()
    ready.wait(120)
    go.wait(120)
    try:
        with app.app_context():
            sweep(DUE + timedelta(seconds=5), alone=lock.exclusive)
    finally:
        lock.release()
        app.extensions["hipday"].sender.close()

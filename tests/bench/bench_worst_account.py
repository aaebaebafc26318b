"""Server time of every page for the heaviest account Hipday accepts, next to a new user's.

The worst account (tests/worst_account.py) has everything at its limit: a program from
2000-01-01, the most program versions kept, the most sessions (two a day since 2000 and the
most a day lately), plan changes and exercises. The new user finished onboarding today and one
session. Each figure is the median of a few requests in-process, with the plan and streak
caches emptied before each, so every request builds the plan as the first one after a new
session or a new day does; the process time (CPU) is printed beside the wall time, which a
busy machine stretches.
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.bench.seed import seed
from tests.conftest import TEST_NOW, TEST_TODAY, make_app
from tests.worst_account import WorstAccount, worst_account
from webapp import extensions
from webapp.services import data_export, data_import, derived, plans, reminders
from webapp.services.progress import streak_records
from webapp.store.models import Reminder, User
from webapp.store.training import TrainingStore

RUNS = 5
FEED_TOKEN = "bench-calendar-feed-token-0123456789"
REMINDER_AT = datetime(2026, 1, 1, 7).time()


def cold_ms(action: Callable[[], object]) -> tuple[float, float]:
    """Median wall and process milliseconds of `action` with empty plan and streak caches."""
    action()
    walls, cpus = [], []
    for _ in range(RUNS):
        derived.forget_all()
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def get(client: FlaskClient, url: str) -> Callable[[], object]:
    def fetch() -> object:
        response = client.get(url, headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200, (url, response.status_code)
        response.get_data()  # a streamed download counts to its last byte
        return response

    return fetch


def new_user(app: Flask) -> tuple[FlaskClient, int]:
    """A guest who set up a plan today and finished one session."""
    client = app.test_client()
    page = client.get("/play/desk-reset").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert client.post("/start", data={"csrf_token": token}).status_code == 303
    ended = TEST_NOW - timedelta(minutes=5)
    form = {
        "csrf_token": token, "routine": "desk-reset", "op_id": "bench-new-user-session",
        "started_at": f"{ended - timedelta(minutes=4):%Y-%m-%dT%H:%M:%SZ}",
        "ended_at": f"{ended:%Y-%m-%dT%H:%M:%SZ}", "steps_done": "10", "steps_total": "10",
        "time_zone": "UTC",
    }  # fmt: skip
    assert client.post("/sessions", data=form).status_code == 303
    with client.session_transaction() as cookie:
        user_id: int = cookie["user_id"]
    return client, user_id


def reminder_decision(
    app: Flask, user: User, reminder: Reminder, day: date
) -> Callable[[], object]:
    """Deciding whether `reminder` fires on `day`, and what it says if so."""
    store: TrainingStore = app.extensions["hipday"].store
    catalog = app.extensions["hipday"].catalog

    def decide() -> object:
        with app.app_context():
            planned = reminders.day_of(store, catalog, user, reminder, day)
            return reminders.why_quiet(reminder, planned) or reminders.message(
                catalog,
                extensions.links(),
                user,
                reminder,
                planned,
                datetime.combine(day, REMINDER_AT, UTC),
            )

    return decide


def actions(app: Flask, client: FlaskClient, user_id: int) -> dict[str, Callable[[], object]]:
    """Every page, the calendar feed and a reminder decision for the account `user_id`."""
    store: TrainingStore = app.extensions["hipday"].store
    catalog = app.extensions["hipday"].catalog
    user = store.user(user_id)
    assert isinstance(user, User)
    store.set_calendar_token(user, f"{FEED_TOKEN}-{user_id}")
    plan = plans.plan_for(store, catalog, user, TEST_TODAY)
    assert plan is not None
    coming = next(
        d for w in plan.weeks for d in w.days if d.day > TEST_TODAY and d.routine is not None
    )
    session = store.completions_on(user_id, TEST_TODAY)[-1]
    reminder = Reminder(id=1, user_id=user_id, kind="session", enabled=True, at=REMINDER_AT)

    decide = reminder_decision(app, user, reminder, coming.day)

    assert coming.routine is not None
    return {
        "Today": get(client, "/"),
        "Plan": get(client, "/plan"),
        "a plan day": get(client, f"/plan/{coming.day}"),
        "Progress": get(client, "/progress"),
        "Progress history": get(client, "/progress/history?page=1"),
        "the player (a plan day)": get(client, f"/play/{coming.routine.slug}?day={coming.day}"),
        "a session page": get(client, f"/sessions/{session.public_id}"),
        "calendar feed": get(app.test_client(), f"/calendar/{FEED_TOKEN}-{user_id}.ics"),
        "reminder decision": decide,
        "export: JSON": get(client, "/settings/data/hipday.json"),
        "export: CSV zip": get(client, "/settings/data/hipday-csv.zip"),
        "export: sessions CSV": get(client, "/settings/data/sessions.csv"),
    }


@pytest.mark.timeout(1200)
def test_every_page_of_the_worst_accepted_account_next_to_a_new_users(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATELIMIT_ENABLED=False)  # the exports are timed more than 10 times
    client, new_id = new_user(app)
    started = time.perf_counter()
    worst_client, worst = worst_account(app, TEST_TODAY)
    seeded = time.perf_counter() - started
    fresh = {name: cold_ms(action) for name, action in actions(app, client, new_id).items()}
    heavy = {
        name: cold_ms(action) for name, action in actions(app, worst_client, worst.user_id).items()
    }
    print(f"\n{describe(worst)} (seeded in {seeded:.0f} s)")
    print(f"Server time, in-process, median of {RUNS} requests with cold plan caches (ms):")
    print(f"  {'':26} {'new user':>17} {'worst account':>20}")
    print(f"  {'':26} {'wall':>8} {'CPU':>8} {'wall':>10} {'CPU':>8}")
    for name, (wall, cpu) in fresh.items():
        worst_wall, worst_cpu = heavy[name]
        print(f"  {name:26} {wall:8.1f} {cpu:8.1f} {worst_wall:10.1f} {worst_cpu:8.1f}")
    slowest = max(heavy, key=lambda name: heavy[name][0])
    print(f"  slowest for the worst account: {slowest}, {heavy[slowest][0]:.0f} ms")
    print(f"Memory the plan and streak caches hold for it: {cached_mb(app, worst):.1f} MB")
    print_import(app, worst_client)


def print_import(app: Flask, worst_client: FlaskClient) -> None:
    """What downloading and importing everything costs the worst account and one a year into
    its program: each export written whole, and its JSON imported into a new account, the
    check and the writing apart; the size and the limit the import takes beside it."""
    store: TrainingStore = app.extensions["hipday"].store
    year = seed(store.engine, app.extensions["hipday"].catalog, 1, TEST_TODAY).user_ids[0]
    with worst_client.session_transaction() as cookie:
        worst = int(cookie["user_id"])
    print("Download and import, in-process, median of 3 (ms of CPU):")
    print(
        f"  {'':16} {'export JSON':>12} {'CSV zip':>8} {'import check':>13} {'write':>7} {'MB':>6}"
    )
    for name, user_id in (("a year's account", year), ("worst account", worst)):
        figures = portability_ms(app, user_id)
        cells = zip(figures, (12, 8, 13, 7), strict=False)
        print(f"  {name:16} " + " ".join(f"{f:{w}.0f}" for f, w in cells) + f" {figures[4]:6.1f}")
    print(f"  (the import takes files up to {data_import.IMPORT_LIMIT // 2**20} MB)")


def portability_ms(app: Flask, user_id: int) -> tuple[float, float, float, float, float]:
    """Median CPU ms of the JSON export, the CSV zip, checking the JSON for an import and
    writing it into a new account, of 3 runs each; the JSON's MB."""
    parts = app.extensions["hipday"]
    user = parts.store.user(user_id)
    assert user is not None
    # The accounts' sessions run to late on the pinned day: export and import as of its end.
    now = TEST_NOW.replace(hour=23, minute=59)
    json_ms, body = cpu_ms(
        lambda: b"".join(data_export.export_json(parts.store, parts.reminders, user, now))
    )
    zip_ms, _ = cpu_ms(
        lambda: b"".join(data_export.csv_zip(parts.store, parts.reminders, user, now))
    )
    assert isinstance(body, bytes)
    check_ms, plan = cpu_ms(lambda: data_import.check_file(body, now))
    assert isinstance(plan, data_import.ImportPlan), plan
    write_ms, summary = cpu_ms(
        lambda: data_import.import_everything(parts.store, parts.store.create_guest(), plan, now)
    )
    assert isinstance(summary, data_import.ImportSummary) and summary.added == len(plan.sessions)
    return json_ms, zip_ms, check_ms, write_ms, len(body) / 2**20


def cpu_ms(action: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    """The median process time of `action` in ms, and its last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.process_time()
        result = action()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times), result


def cached_mb(app: Flask, worst: WorstAccount) -> float:
    """What Today leaves in the per-process caches for the worst account, in megabytes."""
    derived.forget_all()
    store: TrainingStore = app.extensions["hipday"].store
    user = store.user(worst.user_id)
    assert user is not None
    gc.collect()
    tracemalloc.start()
    sessions = store.session_facts(worst.user_id)
    plan = plans.plan_for(
        store, app.extensions["hipday"].catalog, user, TEST_TODAY, sessions=sessions
    )
    streak_records(store, worst.user_id, plan, TEST_TODAY, sessions)
    del sessions, plan
    gc.collect()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return held / 1e6


def describe(worst: WorstAccount) -> str:
    return (
        f"Worst accepted account: a program from 2000-01-01, {worst.versions} program versions, "
        f"{worst.sessions:,} sessions (the most a day on {worst.busiest_day}), "
        f"{worst.exercises:,} exercise rows, {worst.events:,} skips, moves and vacations"
    )

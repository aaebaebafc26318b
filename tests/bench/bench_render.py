"""Server time to render pages, in-process, against a minimal route of the same app."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask.testing import FlaskClient

from routines.catalog.model import Catalog
from tests.conftest import TEST_TODAY, make_app
from webapp.services import sessions
from webapp.store.models import ProgramVersion, User
from webapp.store.training import TrainingStore

REQUESTS = 200
ROUTES = {"minimal (/healthz)": "/healthz", "Today": "/", "player": "/play/pre-run-warm-up"}


def median_ms(client: FlaskClient, url: str) -> float:
    for _ in range(20):
        client.get(url)
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url, headers={"Accept-Encoding": "identity"})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(timings) * 1000


def test_render_time_of_today_and_the_player(tmp_path: Path) -> None:
    client = make_app(tmp_path).test_client()
    medians = {name: median_ms(client, url) for name, url in ROUTES.items()}
    minimal = medians["minimal (/healthz)"]
    print(f"\nServer render time, in-process, median of {REQUESTS} requests:")
    for name, value in medians.items():
        print(f"  {name:<20} {value:7.3f} ms   ×{value / minimal:5.1f} the minimal route")


def log_a_year_of_sessions(store: TrainingStore, catalog: Catalog, user: User) -> None:
    """A running program started a year before the pinned day, and a session most days since."""
    today = TEST_TODAY  # the app's pinned day
    start = today - timedelta(days=365)
    store.add(
        ProgramVersion(
            user_id=1, effective_from=start, start=start, goal="running",
            session_days="0,2,4", experience="some", equipment="mini band",
        )
    )  # fmt: skip
    slugs = ("hip-er-strength", "hip-mobility-flow", "pre-run-warm-up", "desk-reset")
    for n in range(365):
        if n % 9 == 4:
            continue  # a missed day now and then
        ended = datetime.combine(start + timedelta(days=n), datetime.min.time(), UTC)
        ended += timedelta(hours=18)
        routine = catalog.routines[slugs[n % len(slugs)]]
        entry = sessions.CompletionEntry(
            routine, f"bench-{n:04d}", ended - timedelta(minutes=12), ended,
            10, 10, 5, 1, "", "UTC",
        )  # fmt: skip
        sessions.log_session(store, user, entry)


def test_render_time_with_a_year_of_history(tmp_path: Path) -> None:
    """Today, Progress and the plan for someone a year into their program, one session a day."""
    app = make_app(tmp_path)
    client = app.test_client()
    store: TrainingStore = app.extensions["hipday"].store
    catalog: Catalog = app.extensions["hipday"].catalog
    user = store.create_guest()  # a visit makes none until something is saved
    with client.session_transaction() as session:
        session["user_id"] = user.id
    log_a_year_of_sessions(store, catalog, user)
    routes = {
        "minimal (/healthz)": "/healthz",
        "Today": "/",
        "Progress": "/progress",
        "Plan": "/plan",
    }
    medians = {name: median_ms(client, url) for name, url in routes.items()}
    minimal = medians["minimal (/healthz)"]
    logged = len(store.completions(1))
    print(f"\nA year into the program, {logged} sessions, median of {REQUESTS} requests:")
    for name, value in medians.items():
        print(f"  {name:<20} {value:7.3f} ms   ×{value / minimal:5.1f} the minimal route")
    assert logged == 365 - len(range(4, 365, 9))

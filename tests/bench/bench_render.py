"""Server time to render Today and the player, in-process, against a minimal route of the same app."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from flask.testing import FlaskClient

from tests.conftest import make_app

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

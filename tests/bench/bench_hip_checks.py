"""Hip checks: sending one, and Progress with none and with the most an account keeps."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import timedelta
from pathlib import Path

from flask.testing import FlaskClient

from routines.bounds import MOST_HIP_CHECKS
from tests.bench.bench_render import median_ms
from tests.conftest import TEST_TODAY, make_app
from tests.integration.test_hip_check_store import full_check
from webapp.services.hip_checks import CHECKS_CHARTED
from webapp.store.training import TrainingStore

SENT = 50


def send_ms(client: FlaskClient) -> float:
    """The median time of sending `SENT` new checks, as the phone sends them."""
    page = client.get("/play/pre-run-warm-up").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    timings = []
    for _ in range(SENT):
        form = {"csrf_token": token, "client_id": uuid.uuid4().hex, "taken_on": "2026-03-04",
                "right_outward": "50", "right_inward": "35", "left_outward": "40",
                "left_inward": "30", "balance_right": "30", "plank_left": "45"}  # fmt: skip
        started = time.perf_counter()
        response = client.post("/hip-check", data=form, headers={"Accept": "application/json"})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 201
    return statistics.median(timings) * 1000


def test_sending_a_check_and_progress_with_the_most_checks(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    store: TrainingStore = app.extensions["hipday"].store
    user = store.create_guest()
    with client.session_transaction() as session:
        session["user_id"] = user.id
    empty = median_ms(client, "/progress")
    sent = send_ms(client)
    first = TEST_TODAY - timedelta(days=MOST_HIP_CHECKS)
    more = MOST_HIP_CHECKS - SENT
    store.add_hip_checks(user.id or 0, [
        (f"bench-{n:04d}", full_check(first + timedelta(days=n))) for n in range(more)
    ])  # fmt: skip
    full = median_ms(client, "/progress")
    print(f"\nPOST /hip-check, a new check, median of {SENT}: {sent:.2f} ms")
    print(f"Progress, median of 200 requests: {empty:.2f} ms with no hip checks, "
          f"{full:.2f} ms with {MOST_HIP_CHECKS} (its charts show the newest {CHECKS_CHARTED})")  # fmt: skip

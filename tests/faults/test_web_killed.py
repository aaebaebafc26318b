"""kill -9 of the web server in the middle of a burst of finished sessions.

gunicorn (a master and two workers) serves Hipday on a temporary database while eight phones'
worth of threads send 200 finishes, each with its own Idempotency-Key. Once 60 have been
answered 2xx, the whole process group is killed with SIGKILL. After a restart, every session
the server said it saved is there exactly once, and sending the others again (as the outbox
does) stores each of them once, including those saved just before the kill whose answer was lost.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import requests
from flask import Flask

from tests.faults.conftest import TOKEN, Child, Children, finish_form, finish_headers, stored

BURST = 200
KILL_AFTER = 60  # answered finishes before the kill
SENDERS = 8
#: The burst's sessions end a day apart, like a phone's outbox after a long time offline: an
#: account keeps at most 24 sessions a day, so 200 on one day would be refused by design.
FIRST_END = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)


class Phone:
    """A guest's browser: its cookie and CSRF token, and the finishes it sent."""

    def __init__(self, url: str) -> None:
        self.url = url
        with requests.Session() as session:
            page = session.get(f"{url}/play/pre-run-warm-up", timeout=10)
            page.raise_for_status()
            found = TOKEN.search(page.text)
            assert found, "the player page carries a CSRF token"
            self.token = found.group(1)
            self.cookies = session.cookies.get_dict()

    def finish(self, op_id: str) -> int | None:
        """POST one finish; its status, or None when no answer came (the server died)."""
        try:
            response = requests.post(
                f"{self.url}/sessions",
                data=finish_form(op_id, self.token, ended_on_its_own_day(op_id)),
                headers=finish_headers(op_id),
                cookies=self.cookies,
                allow_redirects=False,
                timeout=10,
            )
        except requests.RequestException:
            return None
        return response.status_code


def ended_on_its_own_day(op_id: str) -> datetime:
    """The end of burst session number n ("burst-<n>-…"): n days before the first."""
    return FIRST_END - timedelta(days=int(op_id.split("-")[1]))


def burst(phone: Phone, op_ids: list[str], web: Child) -> dict[str, int | None]:
    """Send every finish from SENDERS threads; kill -9 `web` once KILL_AFTER got a 2xx."""
    answers: dict[str, int | None] = {}
    lock = threading.Lock()
    saved = 0

    def send(op_id: str) -> None:
        nonlocal saved
        status = phone.finish(op_id)
        with lock:
            answers[op_id] = status
            if status is not None and 200 <= status < 300:
                saved += 1
                if saved == KILL_AFTER:
                    web.kill()

    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(send, op_ids))
    return answers


def test_every_finish_answered_2xx_survives_a_kill_9_and_the_rest_store_once_when_sent_again(
    app: Flask, children: Children, database: str
) -> None:
    web, url = children.web("gunicorn-1", database)
    phone = Phone(url)
    op_ids = [f"burst-{n:03d}-{uuid.uuid4().hex[:12]}" for n in range(BURST)]

    answers = burst(phone, op_ids, web)

    acknowledged = [op for op, status in answers.items() if status is not None and status < 300]
    unanswered = [op for op, status in answers.items() if status is None]
    assert len(answers) == BURST
    assert not [s for s in answers.values() if s is not None and s >= 300], answers
    assert len(acknowledged) >= KILL_AFTER
    assert unanswered, "the kill came after the whole burst: nothing was cut off"

    _, url = children.web("gunicorn-2", database)
    phone.url = url
    after_restart = stored(app, op_ids)
    assert {op: after_restart[op] for op in acknowledged} == dict.fromkeys(acknowledged, 1), (
        "a finish the server answered 2xx is missing or doubled after kill -9"
    )
    assert max(after_restart.values()) == 1

    # The outbox sends the unanswered ones again: each is stored once, whether or not the
    # first try got as far as the database before the kill.
    again = {op: phone.finish(op) for op in unanswered}
    assert set(again.values()) <= {200, 201}, again
    saved_before_kill = [op for op in unanswered if after_restart[op] == 1]
    assert all(again[op] == 200 for op in saved_before_kill), "a replay answers 200, not 201"
    assert stored(app, op_ids) == dict.fromkeys(op_ids, 1)
    assert sum(stored(app).values()) == BURST

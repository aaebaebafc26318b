"""Simulated phones for the load benchmark (`bench_load.py` runs locust on this file).

Each simulated user plays one seeded account at a time, for a visit of 12 steps after opening
Today (which gives it the CSRF token and today's planned session). A step is Today (weight 4),
Progress (2), the plan (1), or a session (2): the player, of today's planned session when there
is one (else a quick start), then its finish POSTed as the phone's outbox sends it, with an
Idempotency-Key and the CSRF token; one finish in ten is sent again with the same key, as a
retry, and must be answered 200 rather than 201. Then it takes another account at random, so
the seeded accounts are all visited.

The environment says what to run:

- BENCH_LOAD_COOKIES: a JSON file with one signed session cookie per seeded account;
- BENCH_LOAD_SCENARIO: `mix` (the pages above), `today` (Today only) or `minimal` (/healthz).
"""

from __future__ import annotations

import json
import os
import random
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task
from requests.cookies import create_cookie

COOKIE_NAME = "hipday"
COOKIES: list[str] = (
    json.loads(Path(os.environ["BENCH_LOAD_COOKIES"]).read_text())
    if os.environ.get("BENCH_LOAD_COOKIES")
    else []
)
SCENARIO = os.environ.get("BENCH_LOAD_SCENARIO", "mix")
#: Requests per visit before the simulated user takes another account.
VISIT = 12
#: One finish in this many is sent again with the same key, as an outbox retry would.
REPLAY_EVERY = 10
QUICK_STARTS = ("pre-run-warm-up", "desk-reset")
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
PLANNED = re.compile(r'href="/play/([a-z0-9-]+)\?day=(\d{4}-\d{2}-\d{2})"')
STEPS_TOTAL = re.compile(r'name="steps_total" value="(\d+)"')
#: Headers a phone's browser sends with every request.
BROWSER = {"Accept-Encoding": "gzip, deflate, br", "Accept": "text/html"}


def iso_string(moment: datetime) -> str:
    """A moment as JavaScript's `Date.toISOString()` writes it, as the player does."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Phone(FastHttpUser):
    """One phone at a time: a visit to Today, then pages and finished sessions."""

    wait_time = constant(0)  # a closed loop: the next request as soon as the answer arrives

    def on_start(self) -> None:
        self.left = 0
        self.token = ""
        self.player_url = ""
        self.routine = ""
        self.plan_day = ""
        self.last_key = ""

    def get(self, url: str, name: str) -> str:
        """GET `url`; anything but a 200 counts as an error."""
        with self.client.get(
            url, name=name, headers=BROWSER, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return ""
            return response.text or ""

    def visit(self) -> None:
        """Take the next account (when the visit is over) and open Today with its cookie."""
        self.left -= 1
        if self.left > 0:
            return
        self.left = VISIT
        self.last_key = ""  # a replay is of this account's own session
        self.client.cookiejar.clear()
        cookie = random.choice(COOKIES)
        self.client.cookiejar.set_cookie(create_cookie(COOKIE_NAME, cookie, domain="127.0.0.1"))
        self.read_today(self.get("/", "Today"))

    def read_today(self, html: str) -> None:
        token = CSRF.search(html)
        self.token = token.group(1) if token else ""
        planned = PLANNED.search(html)
        if planned:
            self.routine, self.plan_day = planned.group(1), planned.group(2)
            self.player_url = f"/play/{self.routine}?day={self.plan_day}"
        else:
            self.routine, self.plan_day = random.choice(QUICK_STARTS), ""
            self.player_url = f"/play/{self.routine}"

    @task(4)
    def today(self) -> None:
        if SCENARIO == "minimal":
            self.get("/healthz", "minimal (/healthz)")
            return
        self.visit()
        if SCENARIO == "today":
            self.get("/", "Today")
        else:
            self.read_today(self.get("/", "Today"))

    @task(2)
    def progress(self) -> None:
        if SCENARIO != "mix":
            return self.today()
        self.visit()
        self.get("/progress", "Progress")

    @task(1)
    def plan(self) -> None:
        if SCENARIO != "mix":
            return self.today()
        self.visit()
        self.get("/plan", "Plan")

    @task(2)
    def session(self) -> None:
        """Open the player, then finish the session as the outbox sends it."""
        if SCENARIO != "mix":
            return self.today()
        self.visit()
        steps = STEPS_TOTAL.search(self.get(self.player_url, "player"))
        self.finish(steps.group(1) if steps else "10")

    def finish(self, steps: str) -> None:
        replay = bool(self.last_key) and random.randrange(REPLAY_EVERY) == 0
        key = self.last_key if replay else uuid.uuid4().hex
        self.last_key = key
        ended = datetime.now(UTC)
        fields = {
            "routine": self.routine,
            "op_id": key,
            "started_at": iso_string(ended - timedelta(minutes=8)),
            "ended_at": iso_string(ended),
            "steps_done": steps,
            "steps_total": steps,
            "time_zone": "UTC",
            "effort": str(random.randint(3, 8)),
            "pain": str(random.choice((0, 0, 1, 2))),
            "note": "",
        }
        if self.plan_day:
            fields["plan_day"] = self.plan_day
        headers = {
            **BROWSER,
            "Idempotency-Key": key,
            "X-CSRFToken": self.token,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        with self.client.post(
            "/sessions",
            data=urlencode(fields),
            headers=headers,
            name="completion",
            catch_response=True,
        ) as response:
            if response.status_code != (200 if replay else 201):
                response.failure(f"status {response.status_code} (replay: {replay})")

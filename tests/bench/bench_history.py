"""Issue 19's yardstick in-process: does a page cost the same on day 1,825 as on day 1?

A new, a one-month, a one-year and a five-year user, each brought in through the import
(`accounts.py`), on the app pinned at the tests' day. Each page's median of 200 requests is
divided by the median of /healthz (no account, no database), asked in runs of 50 in a row with
the accounts taking turns, and set next to the issue's targets. Then "a finished session": POSTing one finish for the five-year
user and rendering Today after it, against the work of building one plan week. The figures are
printed, never asserted. With `DATABASE_URL` set (`make test-postgres`'s URL), it runs on
PostgreSQL; the table says which database it used.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from routines.plan.build import build_plan
from tests.bench.accounts import AGES, Account, export_document, import_account
from tests.bench.bench_plan import CATALOG, PROGRAM, TODAY, WEEKS, fresh_history
from tests.bench.bench_render import REQUESTS
from tests.conftest import TEST_NOW, TEST_TODAY, make_app

PAGES = {"Today": "/", "Progress": "/progress", "Plan": "/plan"}
#: The issue's targets, as the most a page may cost in /healthz requests (five-year user).
TARGETS = {"Today": 3.0, "Progress": 6.0, "Plan": 4.0}
#: Today of the five-year user may cost at most this much more than the one-month user's.
SAME_AS_A_MONTH = 0.15
#: A finished session (the POST and the Today after it) against building one plan week.
FINISH_TARGET = 2.0
#: Finishes POSTed for the five-year user: one local date keeps at most 24 sessions.
FINISHES = 20
PLAN_RUNS = 15
WARM_UP, BLOCK = 5, 50


def verdict(value: float, most: float) -> str:
    return "within" if value <= most else "over"


def signed_in(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = user_id
    return client


def ratios(clients: dict[str, FlaskClient]) -> dict[str, dict[str, float]]:
    """Each account's /healthz median in ms, then each page's median as a multiple of it.

    Each page is asked in runs of BLOCK requests in a row, as `bench_render.median_ms` asks
    them; the accounts take turns by run, so what else the machine does weighs on each alike.
    """
    urls = {"/healthz": "/healthz", **PAGES}
    timings: dict[str, dict[str, list[float]]] = {n: {p: [] for p in urls} for n in clients}
    for _ in range(REQUESTS // BLOCK):
        for name, client in clients.items():
            for page, url in urls.items():
                timings[name][page] += block(client, url)
    found = {}
    for name, pages in timings.items():
        minimal = statistics.median(pages["/healthz"]) * 1000
        found[name] = {"/healthz": minimal} | {
            page: statistics.median(pages[page]) * 1000 / minimal for page in PAGES
        }
    return found


def block(client: FlaskClient, url: str) -> list[float]:
    """The seconds of BLOCK requests of `url` in a row, after WARM_UP untimed ones."""
    timings = []
    for turn in range(WARM_UP + BLOCK):
        started = time.perf_counter()
        response = client.get(url, headers={"Accept-Encoding": "identity"})
        if turn >= WARM_UP:
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def render_table(
    database: str, accounts: dict[str, Account], found: dict[str, dict[str, float]]
) -> list[str]:
    lines = [
        f"\nRender on {database}, in-process, median of {REQUESTS} requests ({BLOCK} in a row, "
        "accounts taking turns), as a multiple of /healthz (accounts made by import):",
        f"  {'account':<12}{'sessions':>9}{'/healthz ms':>13}" + "".join(f"{p:>11}" for p in PAGES),
    ]
    for name, figures in found.items():
        sessions = accounts[name].kept["sessions"]
        cells = "".join(f"{'×' + format(figures[p], '.1f'):>11}" for p in PAGES)
        lines.append(f"  {name:<12}{sessions:>9,}{figures['/healthz']:>13.3f}{cells}")
    for name, account in accounts.items():
        lines.append(f"  {name}: {account.summary()}")
    return lines


def target_lines(found: dict[str, dict[str, float]]) -> list[str]:
    """Each of the issue's render targets, for the five-year user, with within or over."""
    oldest, month = found["five years"], found["one month"]
    lines = ["  targets, for the five-year user:"]
    for page, most in TARGETS.items():
        lines.append(
            f"    {page:<9} ×{oldest[page]:5.1f}  (target ≤ {most:.0f}×): {verdict(oldest[page], most)}"
        )
    today_ms = oldest["Today"] * oldest["/healthz"]
    month_ms = month["Today"] * month["/healthz"]
    more = today_ms / month_ms - 1
    lines.append(
        f"    Today against the one-month user's: {today_ms:.2f} against {month_ms:.2f} ms, "
        f"{more:+.0%} (target within {SAME_AS_A_MONTH:.0%}): {verdict(abs(more), SAME_AS_A_MONTH)}"
    )
    return lines


def finish_form(token: str, number: int) -> dict[str, str]:
    """One desk reset finished a few minutes before the pinned moment, as the player posts it."""
    ended = TEST_NOW - timedelta(minutes=FINISHES - number)
    return {
        "csrf_token": token, "routine": "desk-reset", "op_id": f"bench-finish-{number:04d}",
        "started_at": f"{ended - timedelta(minutes=4):%Y-%m-%dT%H:%M:%SZ}",
        "ended_at": f"{ended:%Y-%m-%dT%H:%M:%SZ}", "steps_done": "10", "steps_total": "10",
        "time_zone": "Europe/Berlin", "effort": str(4 + number % 4), "pain": str(number % 3),
    }  # fmt: skip


def finished_session_ms(client: FlaskClient) -> tuple[float, float]:
    """Median ms of POSTing one finish, and of that POST with the Today render after it."""
    page = client.get("/play/desk-reset").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    posts, both = [], []
    for number in range(FINISHES):
        started = time.perf_counter()
        response = client.post("/sessions", data=finish_form(token, number))
        posted = time.perf_counter()
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        assert client.get("/", headers={"Accept-Encoding": "identity"}).status_code == 200
        posts.append(posted - started)
        both.append(time.perf_counter() - started)
    return statistics.median(posts) * 1000, statistics.median(both) * 1000


def build_ms(weeks: int) -> float:
    """Median ms of building the first `weeks` weeks of bench_plan's two-year plan."""
    return plan_median(lambda: build_plan(PROGRAM, fresh_history(), CATALOG, TODAY, weeks))


def plan_median(action: Callable[[], object]) -> float:
    action()
    timings = []
    for _ in range(PLAN_RUNS):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def finish_lines(post_ms: float, finish_ms: float) -> list[str]:
    one, many = build_ms(1), build_ms(WEEKS)
    per_week = (many - one) / (WEEKS - 1)
    ratio = finish_ms / per_week
    return [
        f"  a finished session, five-year user, median of {FINISHES}: POST {post_ms:.2f} ms, "
        f"POST + Today {finish_ms:.2f} ms",
        f"  one plan week: build_plan for 1 week {one:.2f} ms, for {WEEKS} weeks {many:.2f} ms: "
        f"{per_week:.3f} ms a week",
        f"    a finished session ×{ratio:.1f} one plan week (target ≤ {FINISH_TARGET:.0f}×): "
        f"{verdict(ratio, FINISH_TARGET)}",
    ]


def test_pages_cost_against_the_age_of_the_account(tmp_path: Path) -> None:
    """Today, Progress and Plan for accounts a day, a month, a year and five years old."""
    app = make_app(tmp_path)
    database = app.extensions["hipday"].store.engine.dialect.name
    catalog = app.extensions["hipday"].catalog
    accounts = {
        name: import_account(app, export_document(days, TEST_TODAY, catalog, seed=days))
        for name, days in AGES.items()
    }
    found = ratios({name: signed_in(app, a.user_id) for name, a in accounts.items()})
    post_ms, finish_ms = finished_session_ms(signed_in(app, accounts["five years"].user_id))
    lines = render_table(database, accounts, found) + target_lines(found)
    print("\n".join(lines + finish_lines(post_ms, finish_ms)))

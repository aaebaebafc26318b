"""The heaviest account Hipday accepts (tests/worst_account.py) shows every page right.

A program from 2000-01-01, the most program versions kept, a session every day since (two a
day, and the most a day lately), the most sessions, plan changes and exercises: each page, the
calendar feed and a reminder decision answer, and say what that history means. How long they
take is printed by `make bench` (tests/bench/bench_worst_account.py), not tested here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from routines.bounds import EARLIEST_DATE, MOST_EXERCISES_A_SESSION, MOST_SESSIONS
from routines.plan.model import DayStatus
from tests.conftest import TEST_TODAY, make_app
from tests.worst_account import WorstAccount, worst_account
from webapp import extensions
from webapp.presenters.calendar_feed import PAST
from webapp.services import plans, reminders
from webapp.store.models import Reminder, User
from webapp.store.training import TrainingStore

DAY = timedelta(days=1)
#: The newest version's session days (tests/worst_account.py, version 20): Tue, Thu and Sat.
SESSION_WEEKDAYS = {1, 3, 5}


@pytest.fixture(scope="module")
def worst(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Flask, FlaskClient, WorstAccount]]:
    app = make_app(Path(tmp_path_factory.mktemp("worst")))
    client, account = worst_account(app, TEST_TODAY)
    yield app, client, account
    app.extensions["hipday"].store.engine.dispose()


@pytest.fixture
def client(worst: tuple[Flask, FlaskClient, WorstAccount]) -> FlaskClient:
    return worst[1]


@pytest.fixture
def store(worst: tuple[Flask, FlaskClient, WorstAccount]) -> TrainingStore:
    found: TrainingStore = worst[0].extensions["hipday"].store
    return found


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(response.get_data(as_text=True))


def every_day_since_2000() -> int:
    return (TEST_TODAY - EARLIEST_DATE).days + 1


def stat(page: str, pattern: str) -> str:
    """The figure a page shows after `pattern` (a regex), inside a tag or two."""
    found = re.search(pattern + r"[^>]*>(?:<span[^>]*>)?(\d+)", page)
    assert found, pattern
    return found.group(1)


def test_today_shows_a_streak_of_every_day_since_2000(client: FlaskClient) -> None:
    assert stat(page(client, "/"), r'id="streak-number"') == str(every_day_since_2000())


def test_progress_counts_every_session_and_minute(client: FlaskClient) -> None:
    progress = page(client, "/progress")
    assert stat(progress, r'id="streak-number"') == str(every_day_since_2000())
    assert stat(progress, r"<dt>Longest</dt><dd") == str(every_day_since_2000())
    assert stat(progress, r"<dt>Sessions</dt><dd") == str(MOST_SESSIONS)
    assert stat(progress, r"<dt>Minutes</dt><dd") == str(MOST_SESSIONS * 30)
    assert '<select id="exercise"' in progress and '<svg viewBox="0 0' in progress
    month = page(client, "/progress?month=2000-01")
    assert re.search(r'data-day="2000-01-01" class="mark-done', month)


def test_the_history_pages_go_back_twenty_sessions_at_a_time(client: FlaskClient) -> None:
    second = page(client, "/progress/history?page=2")
    assert len(re.findall(r'href="/sessions/[0-9a-f]{32}"', second)) == 20


def test_the_plan_follows_the_newest_settings_from_today_on(client: FlaskClient) -> None:
    plan = page(client, "/plan")
    assert re.search(r"(Foundation|Strengthening) phase · week \d+ · cycle \d+", plan)
    days = re.findall(r'class="plan-day kind-(\w+) [^"]*">\s*<a href="/plan/([\d-]+)"', plan)
    ahead = [(kind, datetime.fromisoformat(day).date()) for kind, day in days]
    ahead = [(kind, day) for kind, day in ahead if day > TEST_TODAY]
    assert len(ahead) >= 4 * 7
    sessions = {day.weekday() for kind, day in ahead if kind != "rest"}
    assert sessions and sessions <= SESSION_WEEKDAYS


def test_a_planned_day_opens_in_the_player_at_its_dosage(client: FlaskClient) -> None:
    day = TEST_TODAY + DAY  # Thursday: a session day of the newest settings
    planned = page(client, f"/plan/{day}")
    found = re.search(r'href="/play/([\w-]+)\?day=' + str(day) + '"', planned)
    assert found, "the day page offers its session in the player"
    player = page(client, f"/play/{found.group(1)}?day={day}")
    assert 'id="session-data"' in player


def test_a_session_page_lists_every_exercise_it_logged(
    client: FlaskClient, store: TrainingStore, worst: tuple[Flask, FlaskClient, WorstAccount]
) -> None:
    session = store.completions_on(worst[2].user_id, TEST_TODAY)[-1]
    shown = page(client, f"/sessions/{session.public_id}")
    assert len(re.findall(r'<li><a href="/exercises/', shown)) == MOST_EXERCISES_A_SESSION


def test_the_calendar_feed_holds_the_last_weeks_and_the_plan_ahead(
    store: TrainingStore, worst: tuple[Flask, FlaskClient, WorstAccount]
) -> None:
    app, _, account = worst
    user = store.user(account.user_id)
    assert user is not None
    store.set_calendar_token(user, "worst-account-calendar-feed-token")
    response = app.test_client().get("/calendar/worst-account-calendar-feed-token.ics")
    assert response.status_code == 200
    starts = re.findall(r"DTSTART;VALUE=DATE:(\d{8})", response.get_data(as_text=True))
    days = sorted(datetime.strptime(d, "%Y%m%d").date() for d in starts)
    assert days and days[0] >= TEST_TODAY - PAST and days[-1] > TEST_TODAY
    assert len(days) == len(set(days))


def test_a_reminder_stays_quiet_today_and_speaks_on_the_next_session_day(
    store: TrainingStore, worst: tuple[Flask, FlaskClient, WorstAccount]
) -> None:
    app, _, account = worst
    user = store.user(account.user_id)
    assert isinstance(user, User)
    reminder = Reminder(id=1, user_id=account.user_id, kind="session", enabled=True, at=time(7))
    catalog = app.extensions["hipday"].catalog
    with app.app_context():
        today = reminders.day_of(store, catalog, user, reminder, TEST_TODAY)
        assert today.facts.done_today and reminders.why_quiet(reminder, today) is not None
        plan = plans.plan_for(store, catalog, user, TEST_TODAY)
        assert plan is not None
        coming = next(
            d.day for w in plan.weeks for d in w.days
            if d.day > TEST_TODAY and d.has_session and d.status is DayStatus.PLANNED
        )  # fmt: skip
        assert coming.weekday() in SESSION_WEEKDAYS
        then = reminders.day_of(store, catalog, user, reminder, coming)
        assert then.facts.session_today and not then.facts.done_today
        assert reminders.why_quiet(reminder, then) is None
        moment = datetime.combine(coming, time(7), UTC)
        assert reminders.message(catalog, extensions.links(), user, reminder, then, moment)["title"]

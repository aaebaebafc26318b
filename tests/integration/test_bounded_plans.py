"""A page's work is bounded whatever the account's age: the plan builds each program version only
as far as it is in force and follows only as many versions as MOST_PLAN_WEEKS allows, the
calendar feed reaches back 12 weeks, and Progress counts exercises over the chart's weeks.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask
from sqlalchemy import insert

from routines.bounds import EARLIEST_DATE, MOST_PLAN_WEEKS
from routines.catalog.load import load_catalog
from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor
from webapp.presenters.calendar_feed import PAST
from webapp.services import derived, plans
from webapp.store.models import Completion, ProgramVersion
from webapp.store.training import TrainingStore

CATALOG = load_catalog()
DAY = timedelta(days=1)


def add_version(
    store: TrainingStore, user_id: int, effective_from: date, days: str, goal: str
) -> None:
    store.add(
        ProgramVersion(
            user_id=user_id, effective_from=effective_from, start=EARLIEST_DATE, goal=goal,
            session_days=days, experience="some",
        )
    )  # fmt: skip


def test_a_program_from_2000_follows_the_versions_that_fit_and_the_days_before_follow_the_oldest(
    visitor: Visitor, store: TrainingStore, app: Flask
) -> None:
    user_id = visitor.account_id()
    add_version(store, user_id, EARLIEST_DATE, "0,2,4", "general")  # Mon, Wed, Fri
    add_version(store, user_id, TEST_TODAY - 60 * DAY, "1,3,5", "running")  # Tue, Thu, Sat
    add_version(store, user_id, TEST_TODAY - 30 * DAY, "0,3", "lifting")  # Mon, Thu
    user = store.user(user_id)
    assert user is not None
    plan = plans.plan_for(store, app.extensions["hipday"].catalog, user, TEST_TODAY)
    assert plan is not None
    weeks_of_each = (TEST_TODAY - EARLIEST_DATE).days // 7
    assert 2 * weeks_of_each > MOST_PLAN_WEEKS, "two versions from 2000 don't fit"

    def session_weekdays(first: date, last: date) -> set[int]:
        return {
            d.day.weekday() for w in plan.weeks for d in w.days
            if first <= d.day <= last and d.has_session
        }  # fmt: skip

    assert session_weekdays(date(2010, 3, 1), date(2010, 4, 30)) == {0, 3}
    assert session_weekdays(TEST_TODAY - 59 * DAY, TEST_TODAY - 31 * DAY) == {0, 3}
    assert session_weekdays(TEST_TODAY + DAY, TEST_TODAY + 28 * DAY) == {0, 3}
    assert visitor.get("/plan").status_code == visitor.get("/").status_code == 200


def test_a_young_program_follows_every_version(
    visitor: Visitor, store: TrainingStore, app: Flask
) -> None:
    user_id = visitor.account_id()
    first = TEST_TODAY - 100 * DAY
    for n, (days, goal) in enumerate([("0,2,4", "general"), ("1,3,5", "running"), ("0,3", "desk")]):
        store.add(
            ProgramVersion(
                user_id=user_id, effective_from=first + 40 * n * DAY, start=first, goal=goal,
                session_days=days, experience="new",
            )
        )  # fmt: skip
    user = store.user(user_id)
    assert user is not None
    plan = plans.plan_for(store, app.extensions["hipday"].catalog, user, TEST_TODAY)
    assert plan is not None
    first_weeks = {d.day.weekday() for w in plan.weeks[1:5] for d in w.days if d.has_session}
    assert first_weeks == {0, 2, 4}


def test_a_program_that_starts_weeks_ahead_shows_every_page(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = visitor.account_id()
    ahead = TEST_TODAY + 60 * DAY  # the plan up to 8 weeks ahead holds none of its weeks
    store.add(
        ProgramVersion(
            user_id=user_id, effective_from=ahead, start=ahead, goal="general",
            session_days="0,2,4", experience="new",
        )
    )  # fmt: skip
    for url in ("/", "/plan", "/progress"):
        assert visitor.get(url).status_code == 200


def test_the_calendar_feed_leaves_out_sessions_older_than_twelve_weeks(
    visitor: Visitor, store: TrainingStore
) -> None:
    user_id = visitor.account_id()
    start = TEST_TODAY - 40 * 7 * DAY
    add_version(store, user_id, start, "0,2,4", "general")
    rows = []
    for n in range(40 * 7):
        ended = datetime.combine(start + n * DAY, time(7), UTC)
        rows.append({
            "public_id": f"{n:032d}", "user_id": user_id, "op_id": f"feed-{n:04d}",
            "routine_slug": "hip-mobility-flow", "started_at": ended - timedelta(minutes=20),
            "ended_at": ended, "local_date": ended.date(), "time_zone": "UTC",
            "steps_done": 10, "steps_total": 10, "note": "", "created_at": ended,
        })  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(insert(Completion.__table__), rows)  # type: ignore[attr-defined]
    visitor.client.post("/settings/calendar", data={"csrf_token": visitor.csrf_token()})
    user = store.user(user_id)
    assert user is not None and user.calendar_token
    feed = visitor.get(f"/calendar/{user.calendar_token}.ics").get_data(as_text=True)
    starts = re.findall(r"DTSTART;VALUE=DATE:(\d+)", feed)
    days = [datetime.strptime(d, "%Y%m%d").date() for d in starts]
    assert days and min(days) >= TEST_TODAY - PAST
    assert any(d < TEST_TODAY for d in days) and any(d > TEST_TODAY for d in days)


def test_progress_offers_the_exercises_of_the_charts_weeks(visitor: Visitor) -> None:
    long_ago = datetime.combine(TEST_TODAY - 30 * 7 * DAY, time(7), UTC)
    visitor.finish(routine="hip-er-strength", key="thirty-weeks-ago", time_zone="UTC",
                   started_at=f"{long_ago - timedelta(minutes=20):%Y-%m-%dT%H:%M:%SZ}",
                   ended_at=f"{long_ago:%Y-%m-%dT%H:%M:%SZ}")  # fmt: skip
    visitor.finish(routine="desk-reset", key="this-week", steps_done="10", steps_total="10")
    page = visitor.get("/progress").get_data(as_text=True)
    options = re.findall(r'<option value="([\w-]+)"', page)
    assert "standing-glute-squeeze" in options and "banded-clamshell" not in options


def test_the_plan_cache_keeps_weeks_of_plans_not_a_count_of_them() -> None:
    kept: derived.Recent[str, str] = derived.Recent(size=100)
    built: list[str] = []

    def build(name: str) -> str:
        built.append(name)
        return name

    for name, weeks in [("young", 60), ("another", 30), ("from 2000", 1_400), ("next", 60)]:
        kept.get(name, None, lambda name=name: build(name), weeks)  # type: ignore[misc]
    assert list(kept.values) == ["next"] and kept.weight == 60
    assert kept.get("next", None, lambda: build("again"), 60) == "next"
    assert built == ["young", "another", "from 2000", "next"], "a value kept is not built again"

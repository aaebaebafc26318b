"""Program versions stay few: a day keeps one version, and a save that changes nothing adds none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import TEST_NOW, make_app
from tests.integration.conftest import Visitor
from webapp.store.training import TrainingStore


class Calendar:
    """A clock the test turns forward, one day at a time."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def next_day(self) -> None:
        self.moment += timedelta(days=1)


@pytest.fixture
def calendar() -> Calendar:
    return Calendar(TEST_NOW)


@pytest.fixture
def app(tmp_path: Path, calendar: Calendar) -> Iterator[Flask]:
    application = make_app(tmp_path, CLOCK=calendar)
    yield application
    application.extensions["hipday"].store.engine.dispose()


def save(visitor: Visitor, **answers: object) -> None:
    form = {"csrf_token": visitor.csrf_token(), "days": ["mon", "wed", "fri"], **answers}
    assert visitor.client.post("/settings", data=form).status_code == 303


def goals(store: TrainingStore) -> list[tuple[str, str]]:
    return [(v.effective_from.isoformat(), v.goal) for v in store.program_versions(1)]


def test_saving_settings_again_on_the_same_day_replaces_that_days_version(
    visitor: Visitor, store: TrainingStore, calendar: Calendar
) -> None:
    save(visitor, goal="general")
    calendar.next_day()
    for goal in ("running", "lifting", "desk", "running"):
        save(visitor, goal=goal)
    day_one, day_two = TEST_NOW.date(), TEST_NOW.date() + timedelta(days=1)
    assert goals(store) == [(day_one.isoformat(), "general"), (day_two.isoformat(), "running")]
    assert 'value="running" checked' in visitor.get("/settings").get_data(as_text=True)


def test_a_save_that_changes_nothing_adds_no_version(
    visitor: Visitor, store: TrainingStore, calendar: Calendar
) -> None:
    save(visitor, goal="lifting", experience="some")
    for _ in range(3):
        calendar.next_day()
        save(visitor, goal="lifting", experience="some")
    assert goals(store) == [(TEST_NOW.date().isoformat(), "lifting")]


def test_taking_back_todays_change_leaves_the_settings_as_they_were(
    visitor: Visitor, store: TrainingStore, calendar: Calendar
) -> None:
    save(visitor, goal="general")
    calendar.next_day()
    save(visitor, goal="desk")
    save(visitor, goal="general")
    assert goals(store) == [(TEST_NOW.date().isoformat(), "general")]


def test_three_hundred_saves_over_three_days_keep_three_versions(
    visitor: Visitor, store: TrainingStore, calendar: Calendar
) -> None:
    for day_goal in ("running", "lifting", "desk"):
        for n in range(100):
            save(visitor, goal=day_goal if n % 2 else "general", deload_every=str(3 + n % 2))
        calendar.next_day()
    assert [goal for _, goal in goals(store)] == ["running", "lifting", "desk"]


def test_the_day_a_version_belongs_to_is_the_users_local_day(
    visitor: Visitor, store: TrainingStore, calendar: Calendar
) -> None:
    zone = {"csrf_token": visitor.csrf_token(), "time_zone": "Pacific/Auckland"}
    assert visitor.client.post("/settings/time-zone", data=zone).status_code == 303
    calendar.moment = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # 23:00 on the 4th in Auckland
    save(visitor, goal="general")
    calendar.moment += timedelta(minutes=30)
    save(visitor, goal="desk")
    calendar.moment += timedelta(hours=1)  # half past midnight on the 5th in Auckland
    save(visitor, goal="running")
    assert goals(store) == [("2026-03-04", "desk"), ("2026-03-05", "running")]

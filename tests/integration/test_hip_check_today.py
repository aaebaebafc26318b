"""Today on the day the plan asks for a hip check: the card says so and links to the check."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from flask import Flask

from routines.hip_check import HipCheck
from tests.conftest import TEST_NOW, TEST_TODAY, make_app
from tests.integration.conftest import Visitor
from webapp.services import plans
from webapp.store.models import Completion
from webapp.store.training import TrainingStore


class Calendar:
    """A clock the test turns forward."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def calendar() -> Calendar:
    return Calendar(TEST_NOW)


@pytest.fixture
def app(tmp_path: Path, calendar: Calendar) -> Iterator[Flask]:
    application = make_app(tmp_path, CLOCK=calendar)
    yield application
    application.extensions["hipday"].store.engine.dispose()


def card(visitor: Visitor) -> str:
    page = html.unescape(visitor.get("/").get_data(as_text=True))
    start = page.index('id="planned-card"')
    return page[start : page.index("</section>", start)]


def test_today_on_a_hip_check_day_asks_for_the_check_until_it_is_done(
    app: Flask, visitor: Visitor, store: TrainingStore, calendar: Calendar
) -> None:
    form = {"csrf_token": visitor.csrf_token(), "days": ["mon", "wed", "fri"]}
    assert visitor.client.post("/start", data=form).status_code == 303
    user_id = visitor.account_id()
    user = store.user(user_id)
    assert user is not None
    assert "Hip check" not in card(visitor)
    plan = plans.plan_for(store, app.extensions["hipday"].catalog, user, TEST_TODAY)
    assert plan is not None
    days = [day for week in plan.weeks for day in week.days]
    check_day = next(day.day for day in days if day.hip_check)
    for day in days:
        if day.routine is not None and day.day < check_day:  # done, so the phase runs on
            ended = datetime.combine(day.day, time(8), UTC)
            store.add_completion(
                Completion(user_id=user_id, op_id=f"op-{day.day}", routine_slug=day.routine.slug,
                           started_at=ended.replace(hour=7), ended_at=ended,
                           local_date=day.day, time_zone="UTC", steps_done=9, steps_total=9)
            )  # fmt: skip

    calendar.moment = datetime.combine(check_day, time(9), UTC)

    shown = card(visitor)
    assert "Hip check today." in shown and 'href="/hip-check"' in shown

    store.add_hip_check(user_id, "phone-check-1", HipCheck(check_day))

    assert "Hip check" not in card(visitor)

"""The session reminder on the day the plan asks for a hip check says so, through the mock push
service."""

from __future__ import annotations

from datetime import date

from tests.push.conftest import Hipday
from tests.push.test_sweep import PLAN_START, at
from webapp.services import plans
from webapp.store.models import User


def _diligent_until_a_hip_check(hipday: Hipday, user: User) -> date:
    """Do every planned session until the plan's first hip check; that check's day.

    Weeks with no session would rewind the program, and the phase would never end.
    """
    plan = plans.plan_for(hipday.store, hipday.catalog, user, PLAN_START)
    assert plan is not None
    days = [day for week in plan.weeks for day in week.days]
    check_day = next(day.day for day in days if day.hip_check)
    for day in days:
        if day.routine is not None and day.day < check_day:
            hipday.finish_session(user, day.routine.slug, at(day.day, "08:00"))
    assert hipday.planned_day(user, check_day).day.hip_check
    return check_day


def test_the_reminder_on_a_hip_check_day_says_a_hip_check_is_due(hipday: Hipday) -> None:
    guest = hipday.guest()
    hipday.plan(guest.user, PLAN_START)
    check_day = _diligent_until_a_hip_check(hipday, guest.user)
    hipday.remind(guest.user, at(check_day, "06:00"))

    assert hipday.sweep(at(check_day, "07:00")).sent == 1

    [message] = hipday.messages(guest.endpoint)
    assert message["title"].startswith("Mobility day · ")
    assert message["body"].endswith(" · and your hip check, about 6 minutes")


def test_a_session_day_without_a_hip_check_does_not_mention_one(hipday: Hipday) -> None:
    guest = hipday.guest()
    hipday.plan(guest.user, PLAN_START)
    day = date(2026, 6, 5)  # the plan's first mobility day, weeks before a phase ends
    hipday.remind(guest.user, at(day, "06:00"))

    assert hipday.sweep(at(day, "07:00")).sent == 1

    [message] = hipday.messages(guest.endpoint)
    assert "hip check" not in message["body"]

"""The plan after a hip check: a stored lopsided check gives the lagging side one more set of
rotation work on the plan's days and in the player, and a phase's last week asks for a check."""

from __future__ import annotations

import html
from datetime import date

from flask import Flask

from routines.figures.body import Side
from routines.hip_check import ROTATION_WORK, HipCheck, Rotation, RotationResult
from tests.conftest import TEST_TODAY
from tests.integration.conftest import Visitor
from webapp.services import plans
from webapp.store.training import TrainingStore

EVERY_DAY_BUT_SUNDAY = ["mon", "tue", "wed", "thu", "fri", "sat"]
EXTRA = "one more set on the left, from your hip check"


def onboard(visitor: Visitor) -> int:
    form = {"csrf_token": visitor.csrf_token(), "days": EVERY_DAY_BUT_SUNDAY}
    assert visitor.client.post("/start", data=form).status_code == 303
    return visitor.account_id()


def lopsided(taken_on: date) -> HipCheck:
    """A check whose left arc (55°) trails the right (80°) by 25°."""
    turns = {(Side.RIGHT, Rotation.OUTWARD): 45, (Side.RIGHT, Rotation.INWARD): 35,
             (Side.LEFT, Rotation.OUTWARD): 30, (Side.LEFT, Rotation.INWARD): 25}  # fmt: skip
    results = tuple(RotationResult(side, way, degrees) for (side, way), degrees in turns.items())
    return HipCheck(taken_on, results)


def rotation_day(app: Flask, store: TrainingStore, user_id: int) -> tuple[date, str]:
    """The first day from today whose routine has per-side rotation work, and its routine."""
    user = store.user(user_id)
    assert user is not None
    plan = plans.plan_for(store, app.extensions["hipday"].catalog, user, TEST_TODAY)
    assert plan is not None
    for day in (d for week in plan.weeks for d in week.days):
        items = day.routine.prescriptions if day.routine and day.day >= TEST_TODAY else ()
        if any(p.exercise.slug in ROTATION_WORK and p.exercise.per_side for p in items):
            assert day.routine is not None
            return day.day, day.routine.slug
    raise AssertionError("the plan has no rotation work")


def page(visitor: Visitor, url: str) -> str:
    response = visitor.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def test_a_stored_lopsided_check_gives_the_plans_rotation_work_one_more_set_on_that_side(
    app: Flask, visitor: Visitor, store: TrainingStore
) -> None:
    user_id = onboard(visitor)
    day, slug = rotation_day(app, store, user_id)
    assert EXTRA not in page(visitor, f"/plan/{day.isoformat()}")

    store.add_hip_check(user_id, "phone-check-1", lopsided(TEST_TODAY))

    assert EXTRA in page(visitor, f"/plan/{day.isoformat()}")
    player = page(visitor, f"/play/{slug}?day={day.isoformat()}")
    assert "left side · from your hip check" in player


def test_a_balanced_check_after_a_lopsided_one_ends_the_extra_set(
    app: Flask, visitor: Visitor, store: TrainingStore
) -> None:
    user_id = onboard(visitor)
    day, _ = rotation_day(app, store, user_id)
    store.add_hip_check(user_id, "phone-check-1", lopsided(date(2026, 3, 1)))
    level = HipCheck(TEST_TODAY, tuple(RotationResult(s, r, 40) for s in Side for r in Rotation))
    store.add_hip_check(user_id, "phone-check-2", level)

    assert EXTRA not in page(visitor, f"/plan/{day.isoformat()}")


def test_the_last_week_of_the_first_phase_asks_for_a_hip_check_on_its_day(
    app: Flask, visitor: Visitor, store: TrainingStore
) -> None:
    user_id = onboard(visitor)
    user = store.user(user_id)
    assert user is not None
    plan = plans.plan_for(store, app.extensions["hipday"].catalog, user, TEST_TODAY)
    assert plan is not None
    (check_day,) = [d.day for d in plan.weeks[5].days if d.hip_check]  # foundation: 6 weeks

    shown = page(visitor, f"/plan/{check_day.isoformat()}")
    assert "Hip check this day." in shown and 'href="/hip-check"' in shown
    assert "Hip check" not in page(visitor, f"/plan/{TEST_TODAY.isoformat()}")

"""The first day two plans differ, found week by week."""

from __future__ import annotations

from datetime import date

import pytest

from routines.plan.compare import first_changed_day
from routines.plan.model import Plan, PlannedDay, Week
from routines.streaks import first_schedule_difference
from tests.unit.streak_helpers import nth, plan_of, week_of

FOUR_WEEKS = "SS.S.S." * 4


@pytest.mark.parametrize(
    ("old", "new", "want"),
    [
        pytest.param(None, None, None, id="no plan either side"),
        pytest.param(None, FOUR_WEEKS, 0, id="a plan where there was none"),
        pytest.param(FOUR_WEEKS, None, 0, id="the plan gone"),
        pytest.param(FOUR_WEEKS, FOUR_WEEKS, None, id="the same days rebuilt"),
        pytest.param(FOUR_WEEKS, "SS.S.S." * 2 + "SS.S..." + "SS.S.S.", 19, id="a session dropped in week 3"),
        pytest.param(FOUR_WEEKS, "SS.S.S." + "SSvvvvv" + "SS.S.S." * 2, 9, id="a vacation from day 9"),
        pytest.param(FOUR_WEEKS, FOUR_WEEKS + "SS.S.S.", 28, id="one more week"),
        pytest.param(FOUR_WEEKS + "SS.S.S.", FOUR_WEEKS, 28, id="one week fewer"),
    ],
)  # fmt: skip
def test_the_first_changed_day_is_where_the_planned_days_first_differ(
    old: str | None, new: str | None, want: int | None
) -> None:
    def plan(letters: str | None) -> Plan | None:
        return None if letters is None else plan_of(letters)

    assert first_changed_day(plan(old), plan(new)) == (None if want is None else nth(want))


def test_plans_starting_on_different_days_differ_from_the_earlier_start() -> None:
    later = plan_of(FOUR_WEEKS)
    sooner = plan_of("SSSSSSS" + FOUR_WEEKS)
    moved = Plan(later.program, tuple(week_of(n + 1, "SS.S.S.") for n in range(4)))
    assert first_changed_day(sooner, moved) == nth(0)
    assert first_changed_day(moved, sooner) == nth(0)


def test_weeks_both_plans_share_are_not_looked_into() -> None:
    old = plan_of("SS.S.S." * 52)
    new = plan_of("SS.S.S." * 51 + "SSSSSSS", dict(enumerate(old.weeks[:51])))
    looked_at: list[date] = []

    def same(a: PlannedDay, b: PlannedDay) -> bool:
        looked_at.append(a.day)
        return a == b

    assert first_changed_day(old, new, same) == nth(51 * 7 + 2)
    assert looked_at == [nth(51 * 7 + n) for n in range(3)]


def test_a_session_day_changed_but_still_a_session_asks_nothing_new_of_the_streak() -> None:
    old = plan_of(FOUR_WEEKS)
    week = old.weeks[1]
    days = tuple(
        day if n else PlannedDay(day.day, day.kind, minutes=30) for n, day in enumerate(week.days)
    )
    new = Plan(old.program, (old.weeks[0], Week(1, week.phase, 2, 1, False, days), *old.weeks[2:]))
    assert first_changed_day(old, new) == nth(7)
    assert first_schedule_difference(old, new) is None

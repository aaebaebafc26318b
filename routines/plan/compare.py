"""The first day two plans differ, week by week: a week both plans share costs nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from operator import eq

from routines.plan.model import Plan, PlannedDay


def first_changed_day(
    old: Plan | None,
    new: Plan | None,
    same: Callable[[PlannedDay, PlannedDay], bool] = eq,
) -> date | None:
    """The first day whose planned day differs between `old` and `new`; None when none does.

    A day inside one plan and outside the other differs. `same` says when two planned days on
    the same date count as the same (by default, when they are equal). Weeks are frozen, so a
    week that is the same object in both plans is the same without looking at its days.
    """
    old_weeks, new_weeks = (old.weeks if old else ()), (new.weeks if new else ())
    if not old_weeks or not new_weeks:
        either = old_weeks or new_weeks
        return either[0].first_day if either else None
    if old_weeks[0].first_day != new_weeks[0].first_day:
        return min(old_weeks[0].first_day, new_weeks[0].first_day)
    for old_week, new_week in zip(old_weeks, new_weeks, strict=False):
        if old_week is new_week:
            continue
        for old_day, new_day in zip(old_week.days, new_week.days, strict=True):
            if not same(old_day, new_day):
                return old_day.day
    shorter, longer = sorted((old_weeks, new_weeks), key=len)
    return longer[len(shorter)].first_day if len(longer) > len(shorter) else None

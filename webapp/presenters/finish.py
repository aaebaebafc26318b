"""What the player page carries: its step timeline, and what its finish screen says (the
streak with today counted, and what comes next).

The player shows it the moment a session ends, before (or without) the server's answer, so a
session finished with no signal celebrates too. It is worked out when the page is rendered, as
if a session today were already saved; the page says it only on that same day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from routines.catalog.model import Routine
from routines.plan.model import DayStatus, Plan, PlannedDay
from routines.session import Session
from webapp.services.progress import Standing


@dataclass(frozen=True)
class FinishPreview:
    today: date
    #: The current streak once a session today counts.
    streak: int
    #: Whether the user has a plan (else the screen invites them to make one).
    planned: bool
    next_session: PlannedDay | None


def finish_preview(standing: Standing, routine_slug: str) -> FinishPreview:
    """The finish screen's streak and next planned session, for `routine_slug` done today."""
    today, plan = standing.today, standing.plan
    next_session = next_on_plan(plan, today, routine_slug)
    return FinishPreview(today, standing.current_if_done_today, plan is not None, next_session)


def next_on_plan(plan: Plan | None, today: date, done_slug: str) -> PlannedDay | None:
    """The first planned session from today on, once `done_slug` is done today.

    Today's planned session counts as next when it is another routine: a desk reset on a
    strength day leaves the strength session still to do.
    """
    if plan is None or plan.week_of(today) is None:
        return None
    this_week = (today - plan.weeks[0].first_day).days // 7
    for later in plan.weeks[this_week:]:
        for day in later.days:
            if day.day < today or day.routine is None or day.status is not DayStatus.PLANNED:
                continue
            if day.day == today and day.routine.slug == done_slug:
                continue
            return day
    return None


def timeline(routine: Routine, session: Session) -> dict[str, Any]:
    """The session as the player's script reads it, from the page's JSON."""
    return {
        "routine": routine.slug,
        "name": routine.name,
        "totalSeconds": session.total_seconds,
        "steps": [step.as_dict() for step in session.steps],
    }

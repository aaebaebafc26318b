"""Today's planned day as its card shows it: which partial draws it, and whether it can change.

The page includes the partial named here, so the template never branches on a day's status.
"""

from __future__ import annotations

from dataclasses import dataclass

from routines.plan.calendar import TodayPlan
from routines.plan.model import DayStatus, PlannedDay

#: The partial for a day with a session, by its status; any other day shows as a rest day.
PARTIALS = {
    DayStatus.DONE: "partials/planned/_done.html",
    DayStatus.PLANNED: "partials/planned/_planned.html",
}
BY_STATUS = {
    DayStatus.SKIPPED: "partials/planned/_skipped.html",
    DayStatus.VACATION: "partials/planned/_vacation.html",
}
REST = "partials/planned/_rest.html"


@dataclass(frozen=True)
class TodayCard:
    day: PlannedDay
    deload: bool
    week_label: str
    #: The template that draws the day: its session to start, done, skipped, vacation or rest.
    partial: str
    #: Whether today's session can still be skipped or moved.
    changeable: bool


def partial(day: PlannedDay) -> str:
    """The partial that shows `day` on Today."""
    if day.routine is not None and day.status in PARTIALS:
        return PARTIALS[day.status]
    return BY_STATUS.get(day.status, REST)


def today_card(planned: TodayPlan | None) -> TodayCard | None:
    """The card for what the plan holds today; None without a plan."""
    if planned is None:
        return None
    day = planned.day
    changeable = day.has_session and day.status is DayStatus.PLANNED
    return TodayCard(day, planned.deload, planned.week_label, partial(day), changeable)

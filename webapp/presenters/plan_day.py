"""One day of the plan as its page shows it, so the template never branches on the day's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from routines.plan.model import DayStatus, PlannedDay

VACATION = "You're on vacation. Enjoy it."
REST = "Rest day. Recovery is when the work pays off; a short desk reset or walk is still welcome."


@dataclass(frozen=True)
class DayPage:
    #: The day's session can still be started from its page.
    startable: bool
    #: The day's session can still be skipped or moved.
    changeable: bool
    #: What the page says on a day without a session.
    without_session: str


def day_page(planned: PlannedDay, today: date) -> DayPage:
    """What the page of `planned` offers, seen on `today`."""
    ahead = planned.day >= today
    return DayPage(
        startable=planned.has_session
        and planned.status in (DayStatus.PLANNED, DayStatus.DONE)
        and ahead,
        changeable=planned.has_session and planned.status is DayStatus.PLANNED and ahead,
        without_session=VACATION if planned.status is DayStatus.VACATION else REST,
    )

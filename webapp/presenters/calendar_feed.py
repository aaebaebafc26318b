"""The private calendar feed: planned sessions as iCalendar events with stable UIDs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from routines.plan.calendar import day_label
from routines.plan.model import DayStatus, Plan
from webapp.store.models import User

#: How far back the feed reaches: older sessions leave the calendar, so the feed of a program
#: years old costs what a new one does.
PAST = timedelta(weeks=12)


def calendar_feed(
    plan: Plan, user: User, link: Callable[[date], str], now: datetime, today: date
) -> bytes:
    """An .ics document of the planned sessions from `PAST` before `today` on; the same day
    keeps the same UID.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Hipday//Plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Hipday plan")
    since = today - PAST
    weeks_before = (since - plan.weeks[0].first_day).days // 7 if plan.weeks else 0
    for week in plan.weeks[max(0, weeks_before) :]:
        for day in week.days:
            if (
                day.day < since
                or day.routine is None
                or day.status not in (DayStatus.PLANNED, DayStatus.DONE)
            ):
                continue
            event = Event()
            event.add("uid", f"{user.public_id}-{day.day:%Y%m%d}@hipday")
            event.add("dtstamp", now.astimezone(UTC))
            event.add("dtstart", day.day)
            event.add("dtend", day.day + timedelta(days=1))
            deload = " · deload week" if week.deload else ""
            check = " · hip check" if day.hip_check else ""
            summary = (
                f"{day_label(day.kind)} · {day.routine.name} · {day.minutes} min{deload}{check}"
            )
            event.add("summary", summary)
            event.add("description", day.note or day.routine.summary)
            event.add("url", link(day.day))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body

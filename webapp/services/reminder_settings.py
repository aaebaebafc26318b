"""Settings → Reminders: the form as saved or typed, its checks, and saving it.

Saving works out when each reminder next fires (webapp/services/reminders.py `schedule`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from routines.reminder_rules import DESK_EVERY_MINUTES
from webapp import inputs
from webapp.services import plans
from webapp.services.reminders import (
    DEFAULT_DESK,
    DEFAULT_SESSION_AT,
    schedule,
    weekday_numbers,
)
from webapp.store.models import Reminder, User
from webapp.store.reminders import ReminderStore
from webapp.store.training import TrainingStore

WEEKDAYS = plans.WEEKDAYS


@dataclass
class ReminderForm:
    """Settings → Reminders as typed, with a message per wrong answer."""

    session_on: bool = False
    session_at: str = DEFAULT_SESSION_AT.strftime("%H:%M")
    session_follow_plan: bool = True
    session_days: list[str] = field(default_factory=lambda: list(WEEKDAYS))
    desk_on: bool = False
    desk_every: str = str(DEFAULT_DESK[2])
    desk_from: str = DEFAULT_DESK[0].strftime("%H:%M")
    desk_until: str = DEFAULT_DESK[1].strftime("%H:%M")
    desk_days: list[str] = field(default_factory=lambda: [WEEKDAYS[d] for d in DEFAULT_DESK[3]])
    paused_until: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def reminder_form(reminders: Mapping[str, Reminder], user: User, today: date) -> ReminderForm:
    """The form as the user last saved it, or the defaults; a pause that has ended is left out."""
    form = ReminderForm()
    session, desk = reminders.get("session"), reminders.get("desk")
    if session is not None:
        form.session_on = session.enabled
        form.session_at = session.at.strftime("%H:%M")
        form.session_follow_plan = not session.weekdays
        if session.weekdays:
            form.session_days = [WEEKDAYS[d] for d in weekday_numbers(session.weekdays)]
    if desk is not None:
        form.desk_on = desk.enabled
        form.desk_every = str(desk.every)
        form.desk_from = desk.at.strftime("%H:%M")
        form.desk_until = (desk.until or DEFAULT_DESK[1]).strftime("%H:%M")
        form.desk_days = [WEEKDAYS[d] for d in weekday_numbers(desk.weekdays)]
    if user.reminders_paused_until is not None and user.reminders_paused_until >= today:
        form.paused_until = user.reminders_paused_until.isoformat()
    return form


def _clock(text: str) -> time | None:
    try:
        return inputs.time_of_day(text)
    except inputs.Refused:
        return None


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def parse_reminders(
    form: Mapping[str, str], lists: Mapping[str, list[str]], today: date
) -> ReminderForm:
    """Check the answers, switched on or not: what is saved off is ready to switch on."""
    answers = ReminderForm(
        session_on=form.get("session_on") == "on",
        session_at=form.get("session_at", "").strip(),
        session_follow_plan=form.get("session_follow") != "days",
        session_days=lists.get("session_days", []),
        desk_on=form.get("desk_on") == "on",
        desk_every=form.get("desk_every", "").strip(),
        desk_from=form.get("desk_from", "").strip(),
        desk_until=form.get("desk_until", "").strip(),
        desk_days=lists.get("desk_days", []),
        paused_until=form.get("paused_until", "").strip(),
    )
    errors = answers.errors
    if _clock(answers.session_at) is None:
        errors["session_at"] = "Give the time as hours and minutes, like 07:00."
    if any(d not in WEEKDAYS for d in answers.session_days + answers.desk_days):
        errors["days"] = "Days must be weekdays, Monday to Sunday."
    if answers.session_on and not answers.session_follow_plan and not answers.session_days:
        errors["session_days"] = "Choose at least one day, or follow your plan's session days."
    every = _every(answers.desk_every)
    if every is None:
        errors["desk_every"] = "A desk break comes every 30 to 180 minutes."
    start, end = _clock(answers.desk_from), _clock(answers.desk_until)
    if start is None or end is None:
        errors["desk_hours"] = "Give your working hours as hours and minutes, like 09:00 and 17:00."
    elif end <= start:
        errors["desk_hours"] = "Your working day must end after it starts."
    elif every is not None and _minutes(end) - _minutes(start) <= every:
        errors["desk_hours"] = "Your working hours are shorter than one interval between breaks."
    if answers.desk_on and not answers.desk_days:
        errors["desk_days"] = "Choose at least one day for desk breaks."
    if answers.paused_until:
        problem = _pause_problem(answers.paused_until, today)
        if problem:
            errors["paused_until"] = problem
    return answers


def _every(text: str) -> int | None:
    """The minutes between desk breaks, if they are one of the choices."""
    try:
        every = inputs.whole(text, min(DESK_EVERY_MINUTES), max(DESK_EVERY_MINUTES))
    except inputs.Refused:
        return None
    return every if every in DESK_EVERY_MINUTES else None


def _pause_problem(text: str, today: date) -> str | None:
    try:
        until = inputs.day(text)
    except inputs.Refused as refused:
        if refused.reason == inputs.READABLE_DAY:
            return "Give the date as year, month and day, like 2026-12-24."
        until = date.min  # before 2000: long past
    if until < today:
        return "That date has passed; pick today or a later day."
    if (until - today).days > 366:
        return "Pause for a year at most."
    return None


def _day_numbers(days: list[str]) -> str:
    """ "0,2,4" from ["mon", "wed", "fri"], in week order."""
    return ",".join(str(WEEKDAYS.index(d)) for d in sorted(set(days), key=WEEKDAYS.index))


def save_reminders(
    reminders: ReminderStore, user: User, answers: ReminderForm, now: datetime
) -> None:
    """Store the checked answers and work out when each reminder next fires."""
    user_id = user.id or 0
    session = Reminder(
        user_id=user_id,
        kind="session",
        enabled=answers.session_on,
        weekdays="" if answers.session_follow_plan else _day_numbers(answers.session_days),
        at=_clock(answers.session_at) or DEFAULT_SESSION_AT,
    )
    desk = Reminder(
        user_id=user_id,
        kind="desk",
        enabled=answers.desk_on,
        weekdays=_day_numbers(answers.desk_days),
        at=_clock(answers.desk_from) or DEFAULT_DESK[0],
        until=_clock(answers.desk_until) or DEFAULT_DESK[1],
        every=_every(answers.desk_every) or DEFAULT_DESK[2],
    )
    for reminder in (session, desk):
        reminder.next_fire_utc = schedule(reminder, user, now)
        reminders.save_reminder(reminder)
    pause = inputs.day(answers.paused_until) if answers.paused_until else None
    reminders.set_pause(user_id, pause)
    user.reminders_paused_until = pause


@dataclass(frozen=True)
class Saved:
    """What Settings → Reminders starts from: the saved reminders by kind, and whether the user
    has a plan their session reminder can follow."""

    reminders: dict[str, Reminder]
    has_program: bool


def saved(store: TrainingStore, reminders: ReminderStore, user: User) -> Saved:
    """The user's saved reminders, and whether they have a program."""
    user_id = user.id or 0
    return Saved(reminders.reminders(user_id), bool(store.program_versions(user_id)))

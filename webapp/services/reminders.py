"""Use cases of reminders: the settings form, what a reminder says, and its notification actions.

`routines.reminder_rules` holds the rules (when a reminder fires, when it stays quiet); this module
reads the user's plan and history to feed those rules, and builds the notifications' text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any, Literal

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from routines.catalog import Catalog, Routine, RoutineKind
from routines.plan.calendar import TodayPlan, today_in_plan
from routines.plan.model import DayStatus
from routines.reminder_rules import (
    DESK_EVERY_MINUTES,
    EVERY_DAY,
    DayFacts,
    DeskRule,
    Quiet,
    Rule,
    SessionRule,
    next_fire,
    quiet_reason,
    snoozed,
)
from routines.session import estimated_minutes
from routines.streaks import zone
from webapp import inputs
from webapp.services import plans
from webapp.store.models import Reminder, User
from webapp.store.reminders import ReminderStore
from webapp.store.training import Store

Kind = Literal["session", "desk"]
KINDS: tuple[Kind, ...] = ("session", "desk")
WEEKDAYS = plans.WEEKDAYS
DEFAULT_SESSION_AT = time(7, 0)
DEFAULT_DESK = (time(9, 0), time(17, 0), 60, (0, 1, 2, 3, 4))
#: Desk breaks suggest a routine of 2–5 minutes, so a break stays a break.
DESK_MINUTES = range(2, 6)
TOKEN_SALT = "hipday-reminder-action"
TOKEN_MAX_AGE = 2 * 24 * 3600
DAY_TITLES = {"strength": "Strength day", "mobility": "Mobility day"}


# The settings form


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


def _days(text: str) -> list[int]:
    return [int(d) for d in text.split(",") if d]


def reminder_form(reminders: Mapping[str, Reminder], user: User, today: date) -> ReminderForm:
    """The form as the user last saved it, or the defaults; a pause that has ended is left out."""
    form = ReminderForm()
    session, desk = reminders.get("session"), reminders.get("desk")
    if session is not None:
        form.session_on = session.enabled
        form.session_at = session.at.strftime("%H:%M")
        form.session_follow_plan = not session.weekdays
        if session.weekdays:
            form.session_days = [WEEKDAYS[d] for d in _days(session.weekdays)]
    if desk is not None:
        form.desk_on = desk.enabled
        form.desk_every = str(desk.every)
        form.desk_from = desk.at.strftime("%H:%M")
        form.desk_until = (desk.until or DEFAULT_DESK[1]).strftime("%H:%M")
        form.desk_days = [WEEKDAYS[d] for d in _days(desk.weekdays)]
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


# When a reminder fires


def rule_of(reminder: Reminder) -> Rule:
    days = frozenset(_days(reminder.weekdays))
    if reminder.kind == "desk":
        return DeskRule(reminder.every, reminder.at, reminder.until or DEFAULT_DESK[1], days)
    return SessionRule(reminder.at, days or EVERY_DAY)


def schedule(reminder: Reminder, user: User, after: datetime) -> datetime | None:
    """The reminder's next fire after `after` in the user's time zone; None when it is off."""
    if not reminder.enabled:
        return None
    return next_fire(rule_of(reminder), zone(user.time_zone), after)


def reschedule(reminders: ReminderStore, user: User, now: datetime) -> None:
    """Work the next fires out again (the user's time zone changed)."""
    for reminder in reminders.reminders(user.id or 0).values():
        when = schedule(reminder, user, now)
        if when != reminder.next_fire_utc and reminder.id is not None:
            reminders.set_next_fire(reminder.id, when)


# What a reminder says


@dataclass(frozen=True)
class Today:
    """What the plan and history say of the reminder's day."""

    facts: DayFacts
    planned: TodayPlan | None


def day_of(store: Store, catalog: Catalog, user: User, reminder: Reminder, day: date) -> Today:
    """The facts `quiet_reason` weighs for `day`; the plan is built only when they need it."""
    facts = DayFacts(day=day, paused_until=user.reminders_paused_until, quiet_on=reminder.quiet_on)
    if quiet_reason(kind_of(reminder), facts) is not None:
        return Today(facts, None)
    user_id = user.id or 0
    if reminder.kind == "desk":  # desk breaks only ask whether the user is away
        events = store.plan_events(user_id)
        away = any(e.kind == "vacation" and e.until and e.day <= day <= e.until for e in events)
        return Today(replace(facts, vacation=away), None)
    plan = plans.plan_for(store, catalog, user, day, weeks_ahead=1)
    planned = today_in_plan(plan, day)
    status = planned.day.status if planned is not None else None
    full = replace(
        facts,
        vacation=status is DayStatus.VACATION,
        has_plan=plan is not None,
        session_today=planned is not None
        and planned.day.has_session
        and status in (DayStatus.PLANNED, DayStatus.DONE, DayStatus.MISSED),
        done_today=bool(store.completions_on(user_id, day)),
    )
    return Today(full, planned)


def kind_of(reminder: Reminder) -> Kind:
    return "desk" if reminder.kind == "desk" else "session"


def why_quiet(reminder: Reminder, today: Today) -> Quiet | None:
    return quiet_reason(kind_of(reminder), today.facts)


def desk_routines(catalog: Catalog) -> tuple[Routine, ...]:
    """The desk routines short enough for a break, in a stable order."""
    return tuple(
        sorted(
            (
                r
                for r in catalog.routines.values()
                if r.kind is RoutineKind.DESK and estimated_minutes(r) in DESK_MINUTES
            ),
            key=lambda r: r.slug,
        )
    )


def path_for(endpoint: str, **values: str) -> str:
    """A page's path, built without a request (the scheduler process has none)."""
    return current_app.url_map.bind("hipday").build(endpoint, values)


def action_token(user: User, reminder: Reminder, day: date) -> str:
    """A signed token that lets the notification's Snooze and Skip buttons act on this reminder."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)
    return serializer.dumps({"u": user.public_id, "r": reminder.id, "d": day.isoformat()})


def read_token(token: str) -> tuple[str, int, date] | None:
    """The user public id, reminder id and day a token stands for; None if forged or old."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)
    try:
        data = serializer.loads(token, max_age=TOKEN_MAX_AGE)
        return str(data["u"]), int(data["r"]), inputs.day(data["d"])
    except (BadSignature, KeyError, TypeError, ValueError):  # inputs.Refused is a ValueError
        return None


ACTIONS = [
    {"action": "start", "title": "Start"},
    {"action": "snooze", "title": "Snooze 15 min"},
    {"action": "skip", "title": "Skip today"},
]


def message(
    catalog: Catalog, user: User, reminder: Reminder, today: Today, due: datetime
) -> dict[str, Any]:
    """The notification for a reminder that fires: title, body, where Start goes, actions."""
    token = action_token(user, reminder, today.facts.day)
    base = {"kind": reminder.kind, "tag": f"hipday-{reminder.kind}", "token": token}
    if reminder.kind == "desk":
        choices = desk_routines(catalog) or (catalog.routines["desk-reset"],)
        slot = (due.hour * 60 + due.minute) // max(reminder.every, 1)
        routine = choices[slot % len(choices)]
        minutes = estimated_minutes(routine)
        return base | {
            "title": f"Desk break · {minutes} min {_short(routine)}",
            "body": routine.summary,
            "url": path_for("player.play", slug=routine.slug),
            "actions": ACTIONS,
        }
    planned = today.planned
    if planned is None or planned.day.routine is None:
        return base | {
            "title": "Time for your hips",
            "body": "A few minutes today keeps your streak going. Pick a session on Today.",
            "url": path_for("today.today"),
            "actions": ACTIONS,
        }
    day, routine = planned.day, planned.day.routine
    title = f"{DAY_TITLES.get(day.kind.value, 'Session day')} · {routine.name} · {day.minutes} min"
    body = planned.week_label + (" · an easier week" if planned.deload else "")
    return base | {
        "title": title,
        "body": body,
        "url": path_for("player.play", slug=routine.slug, day=day.day.isoformat()),
        "actions": ACTIONS,
    }


def _short(routine: Routine) -> str:
    """ "reset" from "Desk reset", "reset with a chair" from "Desk reset with a chair"."""
    name = routine.name
    return name[5:] if name.lower().startswith("desk ") else name.lower()


def test_message() -> dict[str, Any]:
    return {
        "kind": "test",
        "tag": "hipday-test",
        "token": None,
        "title": "Reminders work on this device",
        "body": "This is how Hipday will remind you. Tap to open Today.",
        "url": path_for("today.today"),
        "actions": [],
    }


def encode(message_: Mapping[str, Any]) -> str:
    return json.dumps(message_, separators=(",", ":"), ensure_ascii=False)


# Notification actions


def act(
    store: Store,
    reminders: ReminderStore,
    catalog: Catalog,
    user: User,
    token: str,
    action: str,
    now: datetime,
) -> str | None:
    """Snooze or skip the reminder a token names; None when the token isn't this user's."""
    read = read_token(token)
    if read is None or read[0] != user.public_id:
        return None
    _, reminder_id, day = read
    reminder = reminders.reminder(user.id or 0, reminder_id)
    if reminder is None or reminder.id is None:
        return None
    if action == "snooze":
        later = snoozed(now)
        if reminder.next_fire_utc is None or later < reminder.next_fire_utc:
            reminders.set_next_fire(reminder.id, later)
        return "Snoozed for 15 minutes."
    reminders.set_quiet(reminder.id, day)
    if reminder.kind == "session":
        plan = plans.plan_for(store, catalog, user, day)
        planned = plan.day(day) if plan is not None else None
        if plan is not None and planned is not None and planned.status is DayStatus.PLANNED:
            plans.skip_day(store, user, plan, day, day)
    return "No more reminders today."

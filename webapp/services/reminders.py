"""Deciding a reminder: whether it goes out, what it says, and its notification's actions.

`routines.reminder_rules` holds the rules (when a reminder fires, which slot a late one is sent
for, when it stays quiet, which desk routine a break suggests); `decide` reads the user's plan
and history from the stores to feed them, and words the notification. The settings form is in
webapp/services/reminder_settings.py, the test notification in notifications.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from itsdangerous import BadSignature, URLSafeTimedSerializer

from routines.catalog.model import Catalog, Routine
from routines.plan.calendar import TodayPlan, today_in_plan
from routines.plan.model import DayStatus
from routines.reminder_rules import (
    EVERY_DAY,
    DayFacts,
    DeskRule,
    Quiet,
    Rule,
    SessionRule,
    catch_up_slot,
    desk_routine,
    next_fire,
    quiet_reason,
    snoozed,
)
from routines.session import estimated_minutes
from routines.streaks import zone
from webapp import inputs
from webapp.services import plans
from webapp.store.models import Reminder, User
from webapp.store.reminders import Claim, ReminderStore
from webapp.store.training import TrainingStore

Kind = Literal["session", "desk"]
DEFAULT_SESSION_AT = time(7, 0)
DEFAULT_DESK = (time(9, 0), time(17, 0), 60, (0, 1, 2, 3, 4))
TOKEN_SALT = "hipday-reminder-action"
TOKEN_MAX_AGE = 2 * 24 * 3600
DAY_TITLES = {"strength": "Strength day", "mobility": "Mobility day"}
#: Why a due reminder sent nothing when it was missed for longer than the catch-up window.
TOO_LATE = "too late"


@dataclass(frozen=True)
class Links:
    """What a notification needs from the web app, given by whoever runs the use case.

    `path(endpoint, **values)` builds a page's path without a request (the scheduler has
    none); `secret_key` signs the tokens of the notification's Snooze and Skip buttons.
    """

    path: Callable[..., str]
    secret_key: str


# When a reminder fires


def weekday_numbers(text: str) -> list[int]:
    """[0, 2, 4] from the stored "0,2,4"."""
    return [int(d) for d in text.split(",") if d]


def rule_of(reminder: Reminder) -> Rule:
    """The rule a stored reminder fires by."""
    days = frozenset(weekday_numbers(reminder.weekdays))
    if reminder.kind == "desk":
        return DeskRule(reminder.every, reminder.at, reminder.until or DEFAULT_DESK[1], days)
    return SessionRule(reminder.at, days or EVERY_DAY)


def schedule(reminder: Reminder, user: User, after: datetime) -> datetime | None:
    """The reminder's next fire after `after` in the user's time zone; None when it is off."""
    if not reminder.enabled:
        return None
    return next_fire(rule_of(reminder), zone(user.time_zone), after)


# Deciding a due reminder


@dataclass(frozen=True)
class Decision:
    """What deciding one due reminder came to: the claim, and why it sends nothing if so."""

    claim: Claim
    quiet: str | None = None  # a Quiet reason's words, or TOO_LATE


def decide(
    store: TrainingStore,
    catalog: Catalog,
    links: Links,
    reminder: Reminder,
    user: User,
    now: datetime,
    window: timedelta,
) -> Decision:
    """Send or stay quiet, and when the reminder fires next: the one place a reminder is decided.

    After downtime the stored fire may be older than the catch-up `window` while a later slot
    (this morning's, after a weekend off) is still inside it: that slot is sent, late, once.
    """
    stored = reminder.next_fire_utc
    assert stored is not None and reminder.id is not None
    next_fire_ = schedule(reminder, user, now)
    slot = catch_up_slot(rule_of(reminder), zone(user.time_zone), stored, now, window)
    if slot is None:
        return Decision(Claim(reminder.id, stored, next_fire_, None), TOO_LATE)
    local_slot = slot.astimezone(zone(user.time_zone))
    today = day_of(store, catalog, user, reminder, local_slot.date())
    quiet = why_quiet(reminder, today)
    if quiet is not None:
        return Decision(Claim(reminder.id, stored, next_fire_, None), quiet.value)
    payload = encode(message(catalog, links, user, reminder, today, local_slot))
    return Decision(Claim(reminder.id, stored, next_fire_, payload, moment=slot))


@dataclass(frozen=True)
class Today:
    """What the plan and history say of the reminder's day."""

    facts: DayFacts
    planned: TodayPlan | None


def day_of(
    store: TrainingStore, catalog: Catalog, user: User, reminder: Reminder, day: date
) -> Today:
    """The facts `quiet_reason` weighs for `day`; the plan is built only when they need it."""
    facts = DayFacts(day=day, paused_until=user.reminders_paused_until, quiet_on=reminder.quiet_on)
    if quiet_reason(kind_of(reminder), facts) is not None:
        return Today(facts, None)
    user_id = user.id or 0
    if reminder.kind == "desk":  # desk breaks only ask whether the user is away
        events = store.plan_events(user_id)
        away = any(e.kind == "vacation" and e.until and e.day <= day <= e.until for e in events)
        return Today(replace(facts, vacation=away), None)
    plan = plans.plan_for(store, catalog, user, day, weeks_ahead=0)  # it reads day's week only
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
    """The kind of reminder, as the rules know them."""
    return "desk" if reminder.kind == "desk" else "session"


def why_quiet(reminder: Reminder, today: Today) -> Quiet | None:
    """Why the reminder stays quiet on the day `today` describes, or None to send it."""
    return quiet_reason(kind_of(reminder), today.facts)


# What a reminder says


def action_token(links: Links, user: User, reminder: Reminder, day: date) -> str:
    """A signed token that lets the notification's Snooze and Skip buttons act on this reminder."""
    serializer = URLSafeTimedSerializer(links.secret_key, salt=TOKEN_SALT)
    return serializer.dumps({"u": user.public_id, "r": reminder.id, "d": day.isoformat()})


def read_token(secret_key: str, token: str) -> tuple[str, int, date] | None:
    """The user public id, reminder id and day a token stands for; None if forged or old."""
    serializer = URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT)
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


#: The reminder's words on a day the plan asks for a hip check (it ends each phase).
HIP_CHECK_DUE = " · and your hip check, about 6 minutes"


def message(
    catalog: Catalog, links: Links, user: User, reminder: Reminder, today: Today, due: datetime
) -> dict[str, Any]:
    """The notification for a reminder that fires at local `due`: title, body, Start, actions."""
    token = action_token(links, user, reminder, today.facts.day)
    base = {"kind": reminder.kind, "tag": f"hipday-{reminder.kind}", "token": token}
    if reminder.kind == "desk":
        routine = desk_routine(catalog, due.time(), reminder.every)
        return base | {
            "title": f"Desk break · {estimated_minutes(routine)} min {_short(routine)}",
            "body": routine.summary,
            "url": links.path("player.play", slug=routine.slug),
            "actions": ACTIONS,
        }
    planned = today.planned
    if planned is None or planned.day.routine is None:
        return base | {
            "title": "Time for your hips",
            "body": "A few minutes today keeps your streak going. Pick a session on Today.",
            "url": links.path("today.today"),
            "actions": ACTIONS,
        }
    day, routine = planned.day, planned.day.routine
    title = f"{DAY_TITLES.get(day.kind.value, 'Session day')} · {routine.name} · {day.minutes} min"
    body = planned.week_label + (" · an easier week" if planned.deload else "")
    if day.hip_check:
        body += HIP_CHECK_DUE
    return base | {
        "title": title,
        "body": body,
        "url": links.path("player.play", slug=routine.slug, day=day.day.isoformat()),
        "actions": ACTIONS,
    }


def _short(routine: Routine) -> str:
    """ "reset" from "Desk reset", "reset with a chair" from "Desk reset with a chair"."""
    name = routine.name
    return name[5:] if name.lower().startswith("desk ") else name.lower()


def encode(message_: Mapping[str, Any]) -> str:
    """A notification as the compact JSON a push carries."""
    return json.dumps(message_, separators=(",", ":"), ensure_ascii=False)


# Notification actions


def act(
    store: TrainingStore,
    reminders: ReminderStore,
    catalog: Catalog,
    secret_key: str,
    user: User,
    token: str,
    action: str,
    now: datetime,
) -> str | None:
    """Snooze or skip the reminder a token names; None when the token isn't this user's."""
    read = read_token(secret_key, token)
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

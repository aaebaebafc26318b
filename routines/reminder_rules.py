"""When reminders fire and when they stay quiet.

There are two kinds of reminder:

- the session reminder: once a day, at the time the user chose, on the weekdays they chose;
- desk breaks: every so many minutes through the working day, the first one interval after the
  day starts and none at its end, on working days (Monday to Friday unless told otherwise).

Reminders keep to the user's wall clock. A 07:00 reminder comes at 07:00 local time in winter
and in summer, once a day, also on the days the clocks change. A time the clocks skip (02:30
on a spring-forward night) comes just after the jump, at 03:30; a time the clocks repeat (01:30
on a fall-back night) comes the first time round only. When two chosen times land on the same
moment, the reminder comes once.

A reminder missed by downtime is sent late once, within two hours; after that it would only
nag, so it is skipped. A snoozed reminder comes back fifteen minutes later. Each desk break
suggests a short desk routine, taking turns through them so two breaks in a row differ.

A due reminder stays quiet while reminders are paused, on vacation, and on a day the user said
"Skip today". The session reminder also stays quiet on a rest day and once the day's session is
done; desk breaks do not, because an office worker needs them all the same.

Everything here is about instants and local dates; no clock is read. Instants go in aware, in
any zone, and come out in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from routines.catalog.model import Catalog, Routine, RoutineKind
from routines.session import estimated_minutes

#: Weekday numbers, Monday 0 … Sunday 6.
EVERY_DAY: frozenset[int] = frozenset(range(7))
#: The desk-break intervals a person may choose, in minutes (30 to 180).
DESK_EVERY_MINUTES = range(30, 181)
#: How late a reminder missed by downtime may still be sent.
CATCH_UP = timedelta(hours=2)
#: Desk breaks suggest a routine of 2–5 minutes, so a break stays a break.
DESK_MINUTES = range(2, 6)
#: The desk routine a break suggests when the library has none short enough.
FALLBACK_DESK_ROUTINE = "desk-reset"
#: How long "Snooze" holds a reminder back.
SNOOZE = timedelta(minutes=15)

DAY = timedelta(days=1)
#: The local dates `next_fire` looks at, counted from the local date of `after`.
SCAN_FROM, SCAN_THROUGH = -1, 8


@dataclass(frozen=True)
class SessionRule:
    """The daily session reminder: at `at` local time on `weekdays`."""

    at: time
    weekdays: frozenset[int] = EVERY_DAY


@dataclass(frozen=True)
class DeskRule:
    """Desk breaks every `every` minutes after `start`, strictly before `end`, on `weekdays`.

    The intervals people may choose are `DESK_EVERY_MINUTES`; an interval under one minute gives
    no breaks at all rather than endless ones.
    """

    every: int
    start: time
    end: time
    weekdays: frozenset[int] = frozenset(range(5))


Rule = SessionRule | DeskRule


def local_slots(rule: Rule, day: date) -> tuple[time, ...]:
    """The wall-clock times `rule` asks for on `day`, earliest first.

    The session reminder comes once, at its time, on a chosen weekday. Desk breaks come one
    interval into the working day, then every interval after, while strictly before its end:
    09:00 to 17:00 every 60 minutes gives 10:00 to 16:00, seven breaks. A working day that ends
    before (or when) it starts, or a weekday not chosen, has none.
    """
    if day.weekday() not in rule.weekdays:
        return ()
    if isinstance(rule, SessionRule):
        return (rule.at,)
    if rule.every < 1:
        return ()
    step = timedelta(minutes=rule.every)
    end = datetime.combine(day, rule.end)
    slots = []
    slot = datetime.combine(day, rule.start) + step
    while slot < end:
        slots.append(slot.timetz())
        slot += step
    return tuple(slots)


def instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The moment (in UTC) the wall clocks of `zone` show `at` on `day`.

    A time the clocks skip is read with the offset from before the jump, so it lands as far
    after the jump as it was into the gap (New York 02:30 on 2026-03-08 is 03:30 EDT). A time
    the clocks show twice is the first of the two.
    """
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone)
    return wall.astimezone(UTC)


def next_fire(rule: Rule, zone: ZoneInfo, after: datetime) -> datetime | None:
    """The next moment `rule` fires, strictly after `after`, in UTC; None if it never does.

    Looks at the local dates of `zone` from the day before the local date of `after` through
    eight days ahead, so every weekday comes round at least once. Two wall times that fall on
    the same moment (around a clock change) fire once.
    """
    _require_aware(after, "after")
    first = local_day(after, zone)
    days = (first + n * DAY for n in range(SCAN_FROM, SCAN_THROUGH + 1))
    later = [
        moment
        for day in days
        for at in local_slots(rule, day)
        if (moment := instant(day, at, zone)) > after
    ]
    return min(later, default=None)


def local_day(instant_: datetime, zone: ZoneInfo) -> date:
    """The date the wall calendar of `zone` shows at `instant_`."""
    _require_aware(instant_, "instant_")
    return instant_.astimezone(zone).date()


def too_late(due: datetime, now: datetime, window: timedelta = CATCH_UP) -> bool:
    """Whether a reminder due at `due` is too old to send at `now`.

    A reminder missed by downtime is sent late once, within two hours (or `window`); after that
    it would only nag, so it is skipped. Exactly two hours late is still in time.
    """
    _require_aware(due, "due")
    _require_aware(now, "now")
    return now - due > window


def catch_up_slot(
    rule: Rule, zone: ZoneInfo, due: datetime, now: datetime, window: timedelta = CATCH_UP
) -> datetime | None:
    """The slot a reminder stored as due at `due` is sent for at `now`; None if too late.

    Within the catch-up window it is `due` itself. After downtime the stored fire may be older
    than the window while a later slot (this morning's, after a weekend off) is still inside
    it: the first slot inside the window is sent, late, once.
    """
    if not too_late(due, now, window):
        return due
    first = next_fire(rule, zone, now - window - timedelta(microseconds=1))
    return first if first is not None and first <= now else None


class Quiet(StrEnum):
    """Why a due reminder sends nothing; the value is shown to people, so it reads as words."""

    PAUSED = "reminders are paused"
    VACATION = "on vacation"
    SKIPPED = "skipped today"
    REST = "rest day"
    DONE = "already done today"


@dataclass(frozen=True)
class DayFacts:
    """What the user's day holds, as the plan and their history tell it.

    `day` is the local date the reminder is for. `paused_until` silences all reminders through
    that date. `vacation` says the plan has a vacation on `day`; `quiet_on` is the date the user
    tapped "Skip today" for. `session_today` says whether the plan holds a session on `day`
    (not on a rest day, nor when today's session was skipped or moved away); it only counts when
    the user `has_plan`. `done_today` says a session already counts on `day`.
    """

    day: date
    paused_until: date | None = None
    vacation: bool = False
    quiet_on: date | None = None
    has_plan: bool = False
    session_today: bool = True
    done_today: bool = False


def quiet_reason(kind: Literal["session", "desk"], facts: DayFacts) -> Quiet | None:
    """Why the reminder of `kind` due on `facts.day` stays quiet, or None to send it.

    Paused reminders stay quiet through the last paused day; so do reminders on vacation and
    on a day the user said "Skip today", in that order. The session reminder also stays quiet
    on a rest day of the plan, and once a session counts today. Desk breaks ignore rest days
    and sessions done: an office worker still needs them.
    """
    if facts.paused_until is not None and facts.day <= facts.paused_until:
        return Quiet.PAUSED
    if facts.vacation:
        return Quiet.VACATION
    if facts.quiet_on == facts.day:
        return Quiet.SKIPPED
    if kind == "session":
        if facts.has_plan and not facts.session_today:
            return Quiet.REST
        if facts.done_today:
            return Quiet.DONE
    return None


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


def desk_routine(catalog: Catalog, at: time, every: int) -> Routine:
    """The routine the desk break at local time `at` suggests, breaks `every` minutes apart.

    Breaks take turns through the desk routines by their place in the day, so two breaks in a
    row suggest different routines and the same hour suggests the same one each day.
    """
    choices = desk_routines(catalog) or (catalog.routines[FALLBACK_DESK_ROUTINE],)
    slot = (at.hour * 60 + at.minute) // max(every, 1)
    return choices[slot % len(choices)]


def snoozed(now: datetime) -> datetime:
    """When a reminder snoozed at `now` comes back: fifteen minutes later, in UTC."""
    _require_aware(now, "now")
    return now.astimezone(UTC) + SNOOZE


def _require_aware(moment: datetime, name: str) -> None:
    """A moment without a zone could be anywhere on Earth; refuse it rather than guess."""
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got {moment!r}")

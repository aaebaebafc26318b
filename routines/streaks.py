"""Streaks that know the plan: rest days keep them, vacations pause them, freezes forgive a miss.

Every day from the first session to today gets one mark:

- done: at least one session was logged on that local date, planned or extra;
- rest: nothing was planned (a rest day, or a session skipped or moved away in advance);
- frozen: a planned session was missed, and a banked freeze covered it;
- vacation: the plan was paused; the day neither breaks the streak nor adds to it;
- missed: a planned session was missed with no freeze left; the streak starts again;
- pending: a planned session on today (or later) not done yet; it breaks nothing until the day
  is over.

The streak counts the days kept in a row (done, and rest days after the first done day).
A frozen day keeps the streak alive but does not lengthen it. One freeze is earned for every
7 days kept in a row, at most 2 are banked, and they are spent automatically. Days kept while
the bank is full count towards nothing, so a session added late can never cost a freeze.

Days are the user's local dates: a session counts on the date it ended in the time zone the
phone was in, however late it reaches the server. Without a plan, every day expects a session.

A record is extended, not re-walked, after a change: `extended(earlier, logged, schedule, today,
same_before)` keeps the days of `earlier` before `same_before` and walks only from there, and
comes out equal to `record(logged, schedule, today)`. `same_before` is the first day whose
sessions or schedule changed (`first_change` of the old and new sessions and plans; None when
nothing changed but today); a day too early only costs time. It never keeps a day from the
earlier record's today on, nor from the new today on: their marks (pending or missed) depend on
today. Each `Day` carries the whole walk up to it (`streak`, `freezes`, `kept`, `longest`,
`freezes_spent`), so going on from any day costs nothing. For example:

    now = extended(kept, logged, plan_schedule(plan), today,
                   first_change(kept_logged, logged, kept_plan, plan))
    if_done_today = extended(now, [*logged, Logged(today)], plan_schedule(plan), today, today)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from routines.bounds import EARLIEST_DATE, latest_session_day
from routines.plan.compare import first_changed_day
from routines.plan.model import DayStatus, Plan, PlannedDay, Week

DAYS_PER_FREEZE = 7
MOST_FREEZES = 2
DAY = timedelta(days=1)


class Expect(StrEnum):
    """What a day asked of the user."""

    SESSION = "session"
    REST = "rest"
    VACATION = "vacation"


class Mark(StrEnum):
    """What became of a day."""

    DONE = "done"
    REST = "rest"
    FROZEN = "frozen"
    VACATION = "vacation"
    MISSED = "missed"
    PENDING = "pending"


#: Marks that keep a streak going.
KEPT = frozenset({Mark.DONE, Mark.REST, Mark.FROZEN})

Schedule = Callable[[date], Expect]


@dataclass(frozen=True)
class Logged:
    """A session as the streak sees it: the local date it ended on and its length."""

    day: date
    minutes: int = 0


@dataclass(frozen=True)
class Day:
    """One day of the record: its mark, its sessions, and the streak and freezes after it.

    `kept` counts the days kept towards the next freeze; with `streak` and `freezes` it is the
    whole state of the walk, so a phone can go on from any day (webapp/presenters/phone_view.py).
    """

    day: date
    mark: Mark
    sessions: int
    minutes: int
    streak: int
    freezes: int
    kept: int = 0
    longest: int = 0  # the longest streak up to and including this day
    freezes_spent: int = 0  # freezes spent up to and including this day


@dataclass(frozen=True)
class Record:
    """The figures of a history, and every day of it (oldest first)."""

    days: tuple[Day, ...]
    current: int
    longest: int
    freezes: int
    freezes_spent: int
    total_sessions: int
    total_minutes: int
    #: The today it was walked to (None when made by hand): the days from it on are not kept
    #: by `extended`. Not compared: the days already say what today made of them.
    today: date | None = field(default=None, compare=False)

    def on(self, day: date) -> Day | None:
        """The record of `day`, None outside the history."""
        if not self.days:
            return None
        index = (day - self.days[0].day).days
        return self.days[index] if 0 <= index < len(self.days) else None


@dataclass(frozen=True)
class Adherence:
    """Planned sessions done out of those planned."""

    done: int
    planned: int

    @property
    def percent(self) -> int | None:
        """Sessions done of those planned, in percent; None when none were planned."""
        return round(100 * self.done / self.planned) if self.planned else None


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name`, or UTC when it is not one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "America" is a folder
        return ZoneInfo("UTC")


def local_day(moment: datetime, time_zone: str) -> date:
    """The date `moment` falls on in `time_zone` (UTC when the zone is unknown)."""
    return moment.astimezone(zone(time_zone)).date()


def every_day(_day: date) -> Expect:
    """The schedule without a plan: a session every day."""
    return Expect.SESSION


def expected(day: PlannedDay) -> Expect:
    """What a planned day asks: a session, rest, or nothing at all (vacation)."""
    if day.status is DayStatus.VACATION:
        return Expect.VACATION
    if day.has_session and day.status in (DayStatus.PLANNED, DayStatus.DONE, DayStatus.MISSED):
        return Expect.SESSION
    return Expect.REST


def plan_schedule(plan: Plan | None) -> Schedule:
    """The plan's expectations; days outside it (before the program started) expect a session."""
    if plan is None:
        return every_day

    def schedule(day: date) -> Expect:
        planned = plan.day(day)
        return expected(planned) if planned else Expect.SESSION

    return schedule


def record(
    logged: Iterable[Logged], schedule: Schedule, today: date, since: date | None = None
) -> Record:
    """Mark every day from the first session (or `since`, if earlier) to today.

    Sessions dated after `today` (a phone in a zone ahead of the user's) are kept, not dropped.
    Days outside the limits of `routines.bounds` (rows saved before they were enforced) are
    left out of the walk, so it never runs past `date` or for millions of days.
    """
    tally = _Tally(list(logged), today)
    start = tally.start(since)
    if start is None:
        return tally.record((), _Walk(), today)
    return tally.walk_on((), _Walk(), start, schedule, today)


def extended(
    earlier: Record,
    logged: Iterable[Logged],
    schedule: Schedule,
    today: date,
    same_before: date | None,
    since: date | None = None,
) -> Record:
    """`record(logged, schedule, today, since)`, walking only the days from `same_before` on.

    The caller promises that the sessions and the schedule of every day before `same_before`
    (of every day, when None) are what they were when `earlier` was walked; `logged` is every
    session, as for `record`. Days from the earlier record's today on, or from `today` on, are
    walked again whatever the promise, since today decides whether they are pending or missed.
    """
    sessions = list(logged)
    limit = today if same_before is None else min(same_before, today)
    tally = _Tally(sessions, today, min(limit, earlier.today or EARLIEST_DATE))
    start = tally.start(since)
    kept = _kept(earlier, start, limit) if start is not None else ()
    if not kept:  # nothing to go on from: walk it all, with every session tallied
        return record(sessions, schedule, today, since)
    return tally.walk_on(kept, _Walk.after(kept[-1]), kept[-1].day + DAY, schedule, today)


def _kept(earlier: Record, start: date, before: date) -> tuple[Day, ...]:
    """The days of `earlier` a walk from `start` keeps: those before `before` and its today."""
    if earlier.today is None or not earlier.days or earlier.days[0].day != start:
        return ()  # a walk that starts elsewhere shares no day's streak with this one
    return earlier.days[: max(0, (min(before, earlier.today) - start).days)]


def first_difference(old: Iterable[Logged], new: Iterable[Logged]) -> date | None:
    """The first day whose sessions (their number or minutes) differ; None when none do."""
    before = Counter([(s.day, s.minutes) for s in old])
    after = Counter([(s.day, s.minutes) for s in new])
    # The sessions (and how often each) found on one side only, compared as sets, in C.
    changed = before.items() ^ after.items()
    return min((session[0] for session, _ in changed), default=None)


def first_change(
    old_logged: Iterable[Logged],
    new_logged: Iterable[Logged],
    old_plan: Plan | None,
    new_plan: Plan | None,
) -> date | None:
    """The first day whose sessions or planned streak differ: `same_before` for `extended`."""
    sessions = first_difference(old_logged, new_logged)
    planned = first_schedule_difference(old_plan, new_plan)
    return min((day for day in (sessions, planned) if day is not None), default=None)


def first_schedule_difference(old: Plan | None, new: Plan | None) -> date | None:
    """The first day the two plans ask something different of the streak; None when none.

    A day inside one plan and outside the other counts as different, even when both ask for a
    session: the answer may come early, never late.
    """
    return first_changed_day(old, new, lambda a, b: expected(a) is expected(b))


class _Tally:
    """The sessions of each day and the totals, as a walk reads them."""

    def __init__(
        self, sessions: list[Logged], today: date, walked_from: date = EARLIEST_DATE
    ) -> None:
        """Tally `sessions` for a walk to `today` that walks no day before `walked_from`."""
        first, last_allowed = EARLIEST_DATE, latest_session_day(today)
        total = len(sessions), sum(s.minutes for s in sessions)
        counted = [s.day for s in sessions if first <= s.day <= last_allowed]
        self.first = min(counted, default=None)
        if walked_from > first:  # an extension: the days before are kept, not tallied again
            counted = [day for day in counted if day >= walked_from]
            sessions = [s for s in sessions if s.day >= walked_from]
        self.count = Counter(counted)
        self.minutes: Counter[date] = Counter()
        for session in sessions:
            self.minutes[session.day] += session.minutes
        self.sessions, self.total_minutes = total
        self.last = max([today, *self.count])

    def start(self, since: date | None) -> date | None:
        """The first day of the walk: the first session's, or `since` if earlier."""
        since = max(since, EARLIEST_DATE) if since is not None else None
        starts = [d for d in (self.first, since) if d is not None]
        return min(starts) if starts else None

    def walk_on(
        self, kept: tuple[Day, ...], walk: _Walk, day: date, schedule: Schedule, today: date
    ) -> Record:
        """The days `kept`, then every day from `day` to the last, walked on from `walk`."""
        days = []
        while day <= self.last:
            count = self.count[day]
            mark = walk.step(_mark(day, count > 0, schedule(day), today))
            days.append(walk.day(day, mark, count, self.minutes[day]))
            day += DAY
        return self.record(kept + tuple(days), walk, today)

    def record(self, days: tuple[Day, ...], walk: _Walk, today: date) -> Record:
        """The record of `days`, with the walk's figures after the last of them."""
        figures = (walk.run, walk.longest, walk.bank, walk.spent)
        return Record(days, *figures, self.sessions, self.total_minutes, today)


def _mark(day: date, done: bool, expect: Expect, today: date) -> Mark:
    """The day's mark before freezes are considered."""
    if done:
        return Mark.DONE
    if expect is Expect.VACATION:
        return Mark.VACATION
    if expect is Expect.REST:
        return Mark.REST
    return Mark.PENDING if day >= today else Mark.MISSED


class _Walk:
    """The running streak, the freeze bank and the longest run, one day at a time."""

    def __init__(self) -> None:
        self.run = 0
        self.kept = 0  # days kept in a row since the last freeze earned, towards the next
        self.bank = 0
        self.spent = 0
        self.longest = 0

    @classmethod
    def after(cls, day: Day) -> _Walk:
        """The walk as it stood at the end of `day`."""
        walk = cls()
        walk.run, walk.kept, walk.bank = day.streak, day.kept, day.freezes
        walk.spent, walk.longest = day.freezes_spent, day.longest
        return walk

    def day(self, day: date, mark: Mark, sessions: int, minutes: int) -> Day:
        """The record of `day`, with the walk as it stands after it."""
        return Day(
            day, mark, sessions, minutes, self.run, self.bank, self.kept, self.longest, self.spent
        )

    def step(self, mark: Mark) -> Mark:
        """Walk on one day with `mark`; the mark it ends with (frozen when a freeze saves it)."""
        if mark is Mark.DONE or (mark is Mark.REST and self.run > 0):
            self.run += 1
            if self.bank < MOST_FREEZES:  # a full bank earns nothing, so none is ever lost
                self.kept += 1
                if self.kept == DAYS_PER_FREEZE:
                    self.bank += 1
                    self.kept = 0
            self.longest = max(self.longest, self.run)
        elif mark is Mark.MISSED and self.run > 0:
            if self.bank:
                self.bank -= 1
                self.spent += 1
                return Mark.FROZEN
            self.run = self.kept = 0
        return mark


def adherence(days: Sequence[PlannedDay]) -> Adherence:
    """Of the sessions planned on `days`, how many were done (skips and moves don't count).

    A missed session the plan moved to a later day counts once, on the day it moved to.
    """
    moved_away = {d.moved_from for d in days if d.moved_from is not None}
    planned = [
        d
        for d in days
        if expected(d) is Expect.SESSION
        and not (d.status is DayStatus.MISSED and d.day in moved_away)
    ]
    return Adherence(sum(d.status is DayStatus.DONE for d in planned), len(planned))


def week_adherence(week: Week | None) -> Adherence | None:
    """How much of a week's planned work was done; None outside the plan."""
    return adherence(week.days) if week else None


def safe_today(day: Day | None) -> str:
    """One line on what today asks of the streak."""
    if day is None or day.mark is Mark.PENDING:
        if day is not None and day.streak:
            return "A session today keeps your streak going."
        return "A session today starts a streak."
    if day.mark is Mark.REST and not day.streak:
        return "Rest day. Your next session starts a streak."
    return {
        Mark.DONE: "Done today. Your streak is safe.",
        Mark.REST: "Rest day — your streak is safe.",
        Mark.VACATION: "On vacation — your streak waits for you.",
        Mark.FROZEN: "A freeze covered a missed day.",
        Mark.MISSED: "A session today starts a streak.",
    }[day.mark]
